/**
 * docker/Dockerfile, checked without a Docker engine: parsed with dockerfile-ast and linted with
 * dockerfile-utils (the parser and linter behind VS Code's Dockerfile support).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy, type Dockerfile, type Instruction, type Property } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ENV_OVERRIDES } from '../../../config/env.js';

const ROOT = path.join(__dirname, '../../..');
const text = fs.readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
const df: Dockerfile = DockerfileParser.parse(text);

/** Global ARG defaults, for resolving `FROM ${X}`. */
const globalArgs = new Map<string, string>(
  df
    .getARGs()
    .filter((a) => a.getRange().start.line < df.getFROMs()[0]!.getRange().start.line)
    .map((a) => [a.getProperty()!.getName(), a.getProperty()!.getValue() ?? '']),
);
const resolve = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => globalArgs.get(a ?? b) ?? '');

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}
const stages: Stage[] = df.getFROMs().map((from, i, all) => {
  const start = from.getRange().start.line;
  const end = all[i + 1]?.getRange().start.line ?? Number.MAX_SAFE_INTEGER;
  return {
    name: from.getBuildStage() ?? String(i),
    image: resolve(from.getImage() ?? ''),
    instructions: df.getInstructions().filter((ins) => ins.getRange().start.line > start && ins.getRange().start.line < end),
  };
});
const runtime = stages.at(-1)!;
const byKeyword = (s: Stage, k: string) => s.instructions.filter((i) => i.getKeyword() === k);
const runs = (s: Stage) => byKeyword(s, 'RUN').map((i) => i.getArgumentsContent() ?? '');

describe('docker/Dockerfile', () => {
  it('is a valid Dockerfile (no linter errors)', () => {
    const problems = validate(text).filter((d) => d.severity === 1);
    expect(problems.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage on Node 24 images, the runtime on the small one', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const s of stages) expect(s.image, s.name).toMatch(/^node:24(\.\d+)*-/);
    expect(runtime.image).toMatch(/alpine|slim/);
  });

  it('builds every output in the build stage, the frontend included', () => {
    const build = stages.find((s) => runs(s).some((r) => /scripts\/build\.mjs/.test(r)))!;
    expect(build, 'a stage runs scripts/build.mjs').toBeDefined();
    // No argument: server plugin, service bundle (dist/node/main.js) and the mini-star frontend.
    expect(runs(build).find((r) => /scripts\/build\.mjs/.test(r))).toMatch(/node scripts\/build\.mjs\s*$/);
    expect(build).not.toBe(runtime);
  });

  it('the runtime carries production dependencies only and no build tools', () => {
    // The runtime never installs anything itself …
    expect(runs(runtime).some((r) => /\bnpm (ci|install|i)\b/.test(r))).toBe(false);
    // … its node_modules come from a stage that installs with --omit=dev …
    const copies = byKeyword(runtime, 'COPY') as Copy[];
    const nm = copies.find((c) => /node_modules/.test(c.getArgumentsContent() ?? ''))!;
    const from = nm.getFromFlag()?.getValue();
    const deps = stages.find((s) => s.name === from)!;
    expect(deps, 'node_modules copied from a named stage').toBeDefined();
    const install = runs(deps).find((r) => /\bnpm (ci|install)\b/.test(r))!;
    expect(install).toContain('--omit=dev');
    // … and only dist/ comes from the build stage (not its full node_modules).
    for (const c of copies.filter((c) => c.getFromFlag()?.getValue() === stages[0]!.name)) {
      expect(c.getArgumentsContent()).toMatch(/^\S*dist\s/);
    }
    // The esbuild bundle keeps packages external: the prod deps are what it imports.
    expect(fs.readFileSync(path.join(ROOT, 'scripts/build.mjs'), 'utf8')).toMatch(/packages: 'external'/);
  });

  it('runs as a non-root user, with a health check on /healthz and the bundle entry', () => {
    const user = byKeyword(runtime, 'USER').at(-1)?.getArgumentsContent();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const health = byKeyword(runtime, 'HEALTHCHECK')[0]?.getArgumentsContent() ?? '';
    expect(health).toContain('/healthz');
    expect(health).toContain('AI_METRICS_PORT');
    expect(byKeyword(runtime, 'CMD')[0]?.getArgumentsContent()).toBe('["node", "dist/node/main.js"]');
    expect(byKeyword(runtime, 'EXPOSE').map((e) => e.getArgumentsContent())).toContain('9464');
  });

  it('sets only configuration the bundle reads, and no secret', () => {
    const props: Property[] = byKeyword(runtime, 'ENV').flatMap((e) => (e as unknown as { getProperties(): Property[] }).getProperties());
    const known = new Map(ENV_OVERRIDES.map((o) => [o.env, o]));
    for (const p of props) {
      const name = p.getName();
      if (name === 'NODE_ENV') continue;
      expect(known.has(name), `${name} is in config/env.ts`).toBe(true);
      expect(known.get(name)!.secret, `${name} is not a secret`).toBeFalsy();
    }
    expect(props.find((p) => p.getName() === 'LOG_FORMAT')?.getValue()).toBe('json');
    expect(text).not.toMatch(/TOKEN\s*=|API_KEY\s*=/);
  });

  it('keeps dependencies, build output and secrets out of the build context', () => {
    const ignore = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', '.git', 'dist', '.cache', 'secrets', '.env']) expect(ignore, p).toContain(p);
  });
});
