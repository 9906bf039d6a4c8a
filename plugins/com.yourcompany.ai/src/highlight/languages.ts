/**
 * Syntax highlighting with refractor (Prism grammars → hast trees, no HTML strings), restricted
 * to the languages an agent's code and diffs usually use, to keep the lazy chunk small (each
 * Prism grammar is 1–6 KB; C# and Markdown were left out for that reason). Unknown languages
 * render as plain text.
 */
import { refractor } from 'refractor/core';
import bash from 'refractor/bash';
import c from 'refractor/c';
import cpp from 'refractor/cpp';
import css from 'refractor/css';
import diff from 'refractor/diff';
import docker from 'refractor/docker';
import go from 'refractor/go';
import java from 'refractor/java';
import javascript from 'refractor/javascript';
import json from 'refractor/json';
import jsx from 'refractor/jsx';
import markup from 'refractor/markup';
import python from 'refractor/python';
import rust from 'refractor/rust';
import sql from 'refractor/sql';
import toml from 'refractor/toml';
import tsx from 'refractor/tsx';
import typescript from 'refractor/typescript';
import yaml from 'refractor/yaml';

for (const syntax of [bash, c, cpp, css, diff, docker, go, java, javascript, json, jsx, markup, python, rust, sql, toml, tsx, typescript, yaml]) {
  refractor.register(syntax);
}

export { refractor };

/** File extension → refractor language (aliases such as `ts`, `py`, `sh` are resolved by refractor itself). */
const EXTENSIONS: Record<string, string> = {
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'jsx', ts: 'typescript', mts: 'typescript',
  cts: 'typescript', tsx: 'tsx', json: 'json', py: 'python', go: 'go', rs: 'rust', java: 'java',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', sh: 'bash', bash: 'bash',
  zsh: 'bash', yml: 'yaml', yaml: 'yaml', toml: 'toml', css: 'css', html: 'markup',
  htm: 'markup', xml: 'markup', svg: 'markup', vue: 'markup', sql: 'sql', diff: 'diff', patch: 'diff',
};

/** A registered language for a code block's `language` and/or file name, or undefined. */
export function resolveLanguage(language?: string, filename?: string): string | undefined {
  const candidates: string[] = [];
  if (language) candidates.push(language.trim().toLowerCase());
  if (filename) {
    const base = filename.split('/').pop() ?? '';
    if (/^dockerfile/i.test(base)) candidates.push('docker');
    const ext = base.includes('.') ? base.split('.').pop()?.toLowerCase() : undefined;
    if (ext) candidates.push(EXTENSIONS[ext] ?? ext);
  }
  return candidates.find((name) => name.length > 0 && refractor.registered(name));
}
