#!/usr/bin/env node
/**
 * Build the mini-star plugin com.yourcompany.ai (and, with --example, the example third-party
 * plugin in examples/) into <repo>/dist/plugins/<id>/, then check the output, because
 * `ministar buildPlugin` exits 0 even when the build failed.
 *
 *   node plugins/com.yourcompany.ai/build.mjs [--example] [--quiet] [--no-typecheck]
 *
 * First a strict `tsc` over the plugin, the example and the protocol files it imports (mini-star's
 * esbuild does not type-check; src/constants.ts relies on tsc to catch protocol drift).
 * Checks: the entry exists and defines `@plugins/<id>`; every chunk only depends on modules the
 * host provides (react, @capital/*, other @plugins/*) or on its own chunks — an unshared
 * dependency such as react-dom or react/jsx-runtime would only fail at runtime in Tailchat;
 * gzip size budgets. Prints a size table. Exit code 1 on any failure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const CLI = path.join(REPO, 'node_modules/mini-star/lib/cli/index.js');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');

/** Modules the Tailchat web client registers (client/web/src/plugin/loader.ts). */
const HOST_MODULES = new Set(['react', 'react-router', 'axios', 'styled-components', 'zustand', 'zustand/middleware/immer']);

const TARGETS = [
  // Budgets (gzip bytes) are guards against accidental bloat, not goals.
  // `assets` are copied next to index.js: the manifest's icon and documentUrl point there.
  {
    id: 'com.yourcompany.ai',
    cwd: HERE,
    entryBudget: 12_000,
    // 100_000 until Retry and the admin list of failed replies (issue #20) added ~2.6 KB;
    // 104_000 until named agents (issue #21: the AI label, the Agents section, starter prompts, the
    // agents' schemas in the shared zod chunk) added ~5 KB; 110_000 until the 👍/👎 bar under
    // replies and the admin Feedback section (issue #21 item 3) added ~3.5 KB; 114_000 until the
    // scheduled tasks (issue #22: the Scheduled label, the settings list, the time zone field) added ~3.5 KB.
    totalBudget: 118_000,
    assets: { 'manifest.json': 'manifest.json', 'assets/icon.svg': 'icon.svg', 'README.md': 'README.md' },
  },
  ...(args.has('--example')
    ? [
        {
          id: 'com.example.ai-weather',
          cwd: path.join(HERE, 'examples'),
          entryBudget: 4_000,
          totalBudget: 4_000,
          assets: { 'examples/plugins/com.example.ai-weather/manifest.json': 'manifest.json' },
        },
      ]
    : []),
];

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

function gzipSize(file) {
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

function build(target) {
  const outDir = path.join(REPO, 'dist/plugins', target.id);
  // mini-star never cleans its output: stale hashed chunks would pile up and mask a failed build.
  fs.rmSync(outDir, { recursive: true, force: true });
  if (!fs.existsSync(CLI)) fail(`mini-star is not installed (${CLI}); run npm install at the repo root`);
  const result = spawnSync(process.execPath, [CLI, 'buildPlugin', target.id], {
    cwd: target.cwd,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const entry = path.join(outDir, 'index.js');
  if (result.status !== 0 || !/success/.test(output) || !fs.existsSync(entry)) {
    console.error(output);
    fail(`build of ${target.id} failed: no ${path.relative(REPO, entry)}`);
  }
  if (!quiet) process.stdout.write(output.replace(/^- Building.*\n/m, ''));
  return { outDir, entry };
}

/** Chunk file names a chunk loads before it runs (its static `./x` deps). */
function staticDeps(deps) {
  return deps.filter((dep) => dep.startsWith('./')).map((dep) => `${dep.slice(2)}${dep.endsWith('.js') ? '' : '.js'}`);
}

function check(target, outDir) {
  const files = fs.readdirSync(outDir).filter((name) => name.endsWith('.js'));
  const chunkIds = new Set(files);
  const chunks = new Map();
  for (const name of files) {
    const code = fs.readFileSync(path.join(outDir, name), 'utf8');
    const match = /^definePlugin\((['"])([^'"]+)\1,\s*(\[[^\]]*\])/.exec(code);
    if (!match) fail(`${name}: does not start with definePlugin('<id>', [deps], …) (top-level code outside the AMD wrapper would leak globals)`);
    const [, , moduleId, depsText] = match;
    if (name === 'index.js' && moduleId !== `@plugins/${target.id}`) fail(`index.js defines ${moduleId}, expected @plugins/${target.id}`);
    const deps = JSON.parse(depsText.replace(/'/g, '"'));
    for (const dep of deps) {
      if (dep === 'exports' || dep === 'require' || HOST_MODULES.has(dep) || dep.startsWith('@capital/')) continue;
      if (dep.startsWith('./') && chunkIds.has(staticDeps([dep])[0])) continue;
      if (dep.startsWith('@plugins/') && !dep.startsWith(`@plugins/${target.id}`)) continue;
      fail(`${name} depends on "${dep}", which the Tailchat host does not provide (bundle it or add it to HOST_MODULES if the host really shares it)`);
    }
    if (/\bprocess\.env\b/.test(code)) fail(`${name} still references process.env (would throw in the browser)`);
    if (/from\s*["']react-dom|["']react-dom["']/.test(code)) fail(`${name} contains react-dom, which Tailchat does not share with plugins`);
    const file = path.join(outDir, name);
    chunks.set(name, { name, deps: staticDeps(deps), bytes: fs.statSync(file).size, gzip: gzipSize(file) });
  }
  // What Tailchat downloads at start-up: index.js and the chunks it statically needs.
  const startup = new Set();
  const visit = (name) => {
    if (startup.has(name) || !chunks.has(name)) return;
    startup.add(name);
    chunks.get(name).deps.forEach(visit);
  };
  visit('index.js');
  const rows = [...chunks.values()].sort((a, b) => (startup.has(b.name) - startup.has(a.name)) || b.gzip - a.gzip);
  const sum = (list) => list.reduce((acc, row) => ({ bytes: acc.bytes + row.bytes, gzip: acc.gzip + row.gzip }), { bytes: 0, gzip: 0 });
  const total = sum(rows);
  const entry = sum(rows.filter((row) => startup.has(row.name)));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
  console.log(`\n${target.id} → ${path.relative(REPO, outDir)}/`);
  console.log(`  ${'file'.padEnd(36)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)}`);
  for (const row of rows) console.log(`  ${(startup.has(row.name) ? '* ' : '  ') + row.name.padEnd(34)} ${kb(row.bytes)} ${kb(row.gzip)}`);
  console.log(`  ${'loaded at start-up (*)'.padEnd(36)} ${kb(entry.bytes)} ${kb(entry.gzip)}`);
  console.log(`  ${'all chunks'.padEnd(36)} ${kb(total.bytes)} ${kb(total.gzip)}`);
  if (entry.gzip > target.entryBudget) fail(`start-up chunks are ${entry.gzip} B gzip, budget ${target.entryBudget} B`);
  if (total.gzip > target.totalBudget) fail(`all chunks are ${total.gzip} B gzip, budget ${target.totalBudget} B`);
}

function copyAssets(target, outDir) {
  for (const [from, to] of Object.entries(target.assets ?? {})) {
    const source = path.join(HERE, from);
    if (!fs.existsSync(source)) fail(`asset ${from} is missing`);
    fs.copyFileSync(source, path.join(outDir, to));
  }
}

function typecheck() {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(HERE, 'tsconfig.json')], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    fail('type errors (run without --no-typecheck after fixing them)');
  }
}

if (!args.has('--no-typecheck')) typecheck();
for (const target of TARGETS) {
  const { outDir } = build(target);
  check(target, outDir);
  copyAssets(target, outDir);
}
console.log('\n✔ build ok');
