/**
 * Debian's nats-server as a real process: a throwaway one on a free loopback port (benchmarks),
 * and a restart of the one a kit Tailchat runs on (same port, so every client has to reconnect
 * to the new server, as after a crash or an upgrade of a production NATS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TailchatInstance } from '../tailchat/kit.js';
import { isRunning } from './processes.js';
import { freePort } from './redis-server.js';

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

async function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((r) => {
    const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
    c.once('error', () => r(false));
  });
}

async function waitUntil(cond: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`nats-server: ${what} not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Starts nats-server on `port` (a free one if not given) and waits until it accepts connections.
 * `detached`: not stopped when this process exits; for a server handed over to the kit's
 * stop.sh (which stops what run/pids names, also from the kit's reaper after a crash).
 */
export async function startNatsServer(opts: { port?: number; logFile?: string; detached?: boolean } = {}): Promise<NatsServer> {
  const port = opts.port ?? (await freePort());
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', out, out], detached: opts.detached ?? false });
  if (typeof out === 'number') fs.closeSync(out);
  if (opts.detached) child.unref();
  else running.add(child);
  child.once('exit', () => running.delete(child));
  // A port that a previous server just released can take a moment to be free again.
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}) on port ${port}`);
    return listening(port);
  }, `listening on ${port}`);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Kills the kit Tailchat's nats-server (SIGKILL: a crash, nothing is flushed), keeps it down for
 * `downMs`, and starts a new one on the same port. The new pid goes into the instance's
 * run/pids, so the kit's stop.sh still stops it. Returns when the new server accepts connections.
 */
export async function restartKitNats(tc: TailchatInstance, downMs: number): Promise<void> {
  const pidsFile = path.join(tc.home, 'run', 'pids');
  const lines = fs.readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean);
  const natsLine = lines.find((l) => l.startsWith('nats '));
  const port = Number(tc.env.NATS_PORT);
  if (!natsLine || !port) throw new Error(`restartKitNats: ${tc.home} runs no nats-server (transporter ${tc.transporterKind})`);
  const oldPid = Number(natsLine.split(' ')[1]);
  process.kill(oldPid, 'SIGKILL');
  await waitUntil(async () => !isRunning(oldPid), `pid ${oldPid} gone`);
  await new Promise((r) => setTimeout(r, downMs));
  const next = await startNatsServer({ port, logFile: path.join(tc.home, 'run', 'logs', 'nats.log'), detached: true });
  fs.writeFileSync(pidsFile, lines.map((l) => (l === natsLine ? `nats ${next.pid}` : l)).join('\n') + '\n');
}
