/**
 * REFERENCE MBE SERVER — the HTTP front. Implements bridge/engine/mbe/WIRE.md over a
 * ReferenceCore. Not MBE: a stand-in for tests and the local stack.
 *
 * For tests it also records every request (`requests`, with the front it came through: the MCP
 * server calls this one and says so in `x-mbe-reference-via: mcp`) and can inject faults per
 * operation (`setFault`): an HTTP status, a malformed 200 body, a delay, or a dropped connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createReferenceCore, type ReferenceCore } from './core.js';
import { scriptedGenerator, type Generator } from './generator.js';
import { DEFAULT_PATHS, REQUEST_SCHEMAS, type Operation, type Paths } from './schemas.js';

export type Fault =
  | { kind: 'status'; status: number; body?: string }
  /** 200 with this body: a string is sent verbatim, anything else as JSON. */
  | { kind: 'malformed'; body: unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'hangup' };

export interface RecordedRequest {
  op: Operation;
  via: 'http' | 'mcp';
  body: unknown;
  authorization: string | undefined;
  /** The client went away before the answer (a cancelled call). */
  cancelled: boolean;
}

export interface ReferenceHttpServerOptions {
  port?: number;
  host?: string;
  /** When set, every call (health included) needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  paths?: Partial<Paths>;
  generator?: Generator;
  core?: ReferenceCore;
}

export interface ReferenceHttpServer {
  url: string;
  core: ReferenceCore;
  requests: RecordedRequest[];
  setFault(op: Operation, fault: Fault | undefined): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const MAX_BODY = 1_000_000;

export async function startReferenceHttpServer(opts: ReferenceHttpServerOptions = {}): Promise<ReferenceHttpServer> {
  const core = opts.core ?? createReferenceCore({ generator: opts.generator ?? scriptedGenerator });
  const paths: Paths = { ...DEFAULT_PATHS, ...opts.paths };
  const byPath = new Map<string, Operation>(Object.entries(paths).map(([op, p]) => [p, op as Operation]));
  const faults = new Map<Operation, Fault>();
  const requests: RecordedRequest[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const op = byPath.get(path);
    if (!op) return send(res, 404, { error: `no such path: ${path}` });
    const method = op === 'health' ? 'GET' : 'POST';
    if (req.method !== method) return send(res, 405, { error: `${path} takes ${method}` });

    const authorization = req.headers.authorization;
    const raw = await readBody(req);
    let body: unknown;
    if (method === 'POST') {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { error: 'body is not JSON' });
      }
    }
    const entry: RecordedRequest = { op, via: req.headers['x-mbe-reference-via'] === 'mcp' ? 'mcp' : 'http', body, authorization, cancelled: false };
    requests.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.cancelled = true;
    });

    if (opts.apiKey && authorization !== `Bearer ${opts.apiKey}`) return send(res, 401, { error: 'missing or invalid API key' });

    const fault = faults.get(op);
    if (fault?.kind === 'hangup') return void req.socket.destroy();
    if (fault?.kind === 'status') return send(res, fault.status, fault.body ?? { error: `injected fault: HTTP ${fault.status}` });
    if (fault?.kind === 'malformed') return send(res, 200, fault.body);
    if (fault?.kind === 'delay') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, fault.ms);
        res.on('close', () => (clearTimeout(t), resolve()));
      });
      if (res.destroyed) return;
    }

    if (op === 'health') return send(res, 200, await core.health());
    const parsed = REQUEST_SCHEMAS[op].safeParse(body);
    if (!parsed.success) return send(res, 400, { error: `invalid ${op} request: ${z.prettifyError(parsed.error)}` });
    // The schema table pairs each op with its request type; TS cannot follow the lookup.
    const result = await (core[op] as (r: unknown) => Promise<unknown>)(parsed.data);
    return send(res, 200, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';

  return {
    url: `http://${host}:${port}`,
    core,
    requests,
    setFault: (op, fault) => (fault ? faults.set(op, fault) : faults.delete(op)),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
