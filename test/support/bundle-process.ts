/**
 * Runs one of the bundle's entry points as a real separate process on Node 24 through tsx:
 * the own-process service (`services/node/main.ts`, default) the way an admin deploys it beside
 * Tailchat, or the bot-mode bridge (`services/botmode/main.ts`). Output is kept for assertions
 * and printed when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterFailedTest } from './on-failure.js';
import { mongoUrlOf, REPO_ROOT } from '../tailchat/kit.js';

export interface BundleProcess {
  readonly pid: number;
  readonly output: () => string;
  /** How often `pattern` occurs in the output so far. */
  count(pattern: RegExp): number;
  /** Waits until `pattern` occurred `times` times (default once). */
  waitForOutput(pattern: RegExp, timeoutMs?: number, times?: number): Promise<void>;
  /** SIGTERM (graceful: drains runs) and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Every bundle this test file started, dead ones too (a crash is often the story). */
const started: { label: string; pid: number; output: () => string }[] = [];

// A failed test prints what the bundles said: in CI that is all there is to read afterwards.
afterFailedTest(() => {
  for (const b of started) console.error(`--- last output of ${b.label} (pid ${b.pid}) ---\n${b.output().slice(-6000)}`);
});

/**
 * `env.AI_MONGO_URL` defaults to the database of the kit Tailchat on `env.TRANSPORTER`, as an
 * admin deploys the bundle (the plugin's own collections in Tailchat's MongoDB); `''` runs
 * without one (settings in group data, usage and audit in Redis or group data).
 */
export function startBundleProcess(env: Record<string, string>, label = 'bundle', entry = 'services/node/main.ts'): BundleProcess {
  const mongoUrl = env.AI_MONGO_URL === undefined && env.TRANSPORTER ? mongoUrlOf(env.TRANSPORTER) : undefined;
  if (mongoUrl) env = { AI_MONGO_URL: mongoUrl, ...env };
  // One process, not the `tsx` wrapper with a child: a signal (SIGKILL as a crash, SIGTERM as a
  // drain) must reach the service itself, and `pid` must be the service's.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    // No metrics endpoint unless a test asks for one (several bundles may run at once).
    env: { ...process.env, LOG_LEVEL: 'info', AI_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  const onData = (d: Buffer) => {
    out += d.toString();
    if (process.env.TAILCHAT_HARNESS_VERBOSE) process.stderr.write(`[${label}] ${d}`);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const count = (pattern: RegExp) => (out.match(new RegExp(pattern.source, 'g')) ?? []).length;
  started.push({ label, pid: child.pid!, output: () => out });
  return {
    pid: child.pid!,
    output: () => out,
    exited,
    count,
    async waitForOutput(pattern, timeoutMs = 30_000, times = 1) {
      const t0 = Date.now();
      while (count(pattern) < times) {
        if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}) before ${pattern}:\n${out.slice(-3000)}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`${label}: ${pattern} ×${times} not seen in ${timeoutMs} ms:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
