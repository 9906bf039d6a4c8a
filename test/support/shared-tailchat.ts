/**
 * One real Tailchat for the whole test run, shared by the files that only need fresh users and
 * groups (test/support/stack.ts, `tailchat: 'shared'`).
 *
 * Vitest runs this module's default export once in its main process (`globalSetup`); the files
 * run in workers. The Tailchat starts lazily, on the first file that asks for it, so a run of
 * unit tests alone starts nothing: the main process serves one loopback endpoint whose address
 * reaches the workers through `provide`/`inject`. It is NATS (the transporter of most
 * deployments) and serves the web client with the built plugin, so browser files can use it too.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { z } from 'zod';
import { TAILCHAT_CORE_SERVICES } from '../tailchat/broker.js';
import { rememberDatabaseOf, startTailchat, type TailchatInstance } from '../tailchat/kit.js';
import { webClientFiles } from '../web/support/real-client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the main process's endpoint that starts (once) and describes the shared Tailchat. */
    sharedTailchatControl: string;
  }
}

/** What a worker gets: everything of a TailchatInstance but its stop() (the run owns that). */
export const SharedTailchat = z.object({
  url: z.string(),
  namespace: z.string(),
  transporter: z.string(),
  nodeId: z.string(),
  transporterKind: z.enum(['nats', 'redis', 'external']),
  redisUrl: z.string().optional(),
  natsUrl: z.string().optional(),
  home: z.string(),
  logFile: z.string(),
  publicDir: z.string(),
  env: z.record(z.string(), z.string()),
  external: z.boolean(),
});
export type SharedTailchat = z.infer<typeof SharedTailchat>;

export const SHARED_PATH = '/tailchat';

function describeInstance(tc: TailchatInstance): SharedTailchat {
  const { stop: _stop, ...rest } = tc;
  return SharedTailchat.parse(rest);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let starting: Promise<TailchatInstance> | undefined;
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== SHARED_PATH) {
      res.writeHead(404).end();
      return;
    }
    // Every service a file may use, so no file waits for one on its own.
    starting ??= startTailchat({ transporter: 'nats', label: 'shared', ...webClientFiles(), waitForServices: [...TAILCHAT_CORE_SERVICES, 'file', 'openapi.app'] });
    starting.then(
      (tc) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(describeInstance(tc))),
      (err: Error) => {
        // The next file tries again rather than inheriting one failed start.
        starting = undefined;
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('sharedTailchatControl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const tc = await starting?.catch(() => undefined);
    await tc?.stop();
  };
}

/** From a test file: the run's shared Tailchat, started by the first file that asks. */
export async function sharedTailchat(control: string): Promise<SharedTailchat> {
  const res = await fetch(`${control}${SHARED_PATH}`, { method: 'POST' });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`the shared Tailchat did not start: ${body}`);
  const shared = SharedTailchat.parse(JSON.parse(body));
  // Bundles started on it get its database for the plugin's own collections (bundle-process.ts).
  rememberDatabaseOf(shared.transporter, shared.env.MONGO_URL);
  return shared;
}
