/**
 * A throwaway CongoDB (the MongoDB-wire server the Tailchat kit runs as Tailchat's database) on a
 * free loopback port, for tests of the plugin's own store against a real wire server and the
 * official driver. Each test can take its own database name.
 */
import { spawn } from 'node:child_process';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import { ensureSetup, findKitDir, sharedHome } from '../tailchat/kit.js';
import { freePort } from './redis-server.js';

export interface CongoServer {
  /** `mongodb://127.0.0.1:<port>/<db>`. */
  url(db: string): string;
  port: number;
  stop(): Promise<void>;
}

export async function startCongo(): Promise<CongoServer> {
  const kitDir = findKitDir();
  if (!kitDir) throw new Error('CongoDB comes from the tailchat-real kit: set TAILCHAT_KIT to its dir');
  await ensureSetup(kitDir);
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [path.join(sharedHome(), 'tools', 'congodb-server.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  process.once('exit', () => child.kill('SIGKILL'));
  const t0 = Date.now();
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => (c.end(), r(true)));
      c.once('error', () => r(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() - t0 > 20_000) {
      child.kill('SIGKILL');
      throw new Error(`CongoDB did not listen on ${port}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: (db) => `mongodb://127.0.0.1:${port}/${db}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Throwaway databases for a test file: `fresh()` is a new database on the server through a client
 * of its own (as one bundle instance has); `close()` closes every client made.
 */
export function throwawayDatabases(server: () => CongoServer, prefix: string): { fresh(): Db; close(): Promise<void> } {
  const clients: MongoClient[] = [];
  let n = 0;
  return {
    fresh() {
      const client = new MongoClient(server().url(`${prefix}${++n}`), { serverSelectionTimeoutMS: 3000 });
      clients.push(client);
      return client.db();
    },
    async close() {
      for (const c of clients.splice(0)) await c.close();
    },
  };
}

/**
 * The usual set-up of a store test file: one CongoDB for the file, started before its tests and
 * stopped after them, and throwaway databases on it (`fresh()`), their clients closed at the end.
 */
export function congoForFile(prefix: string): { fresh(): Db; server(): CongoServer } {
  let server: CongoServer | undefined;
  const databases = throwawayDatabases(() => server!, prefix);
  beforeAll(async () => {
    server = await startCongo();
  });
  afterAll(async () => {
    await databases.close();
    await server?.stop();
  });
  return { fresh: () => databases.fresh(), server: () => server! };
}
