/**
 * The bundle process's own HTTP endpoint (node:http, no framework):
 *   GET /metrics  Prometheus text format (the registry in ./metrics.ts)
 *   GET /healthz  200 while the process runs (liveness)
 *   GET /readyz   200 when `ready()` says so, else 503; both with a JSON body naming each check
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_CONTENT_TYPE, metricsText } from './metrics.js';

export interface CheckResult {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  /** One line naming what is missing (absent when ready). */
  reason?: string;
  checks: Record<string, CheckResult>;
}

export interface ObservabilityServerOptions {
  port: number;
  host: string;
  ready: () => Promise<Readiness>;
  onError?: (err: unknown) => void;
}

export interface ObservabilityServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export async function startObservabilityServer(o: ObservabilityServerOptions): Promise<ObservabilityServer> {
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    void (async () => {
      try {
        switch (path) {
          case '/metrics': {
            const text = await metricsText();
            res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
            res.end(text);
            return;
          }
          case '/healthz':
            json(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
            return;
          case '/readyz': {
            const r = await o.ready();
            json(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', ...(r.reason ? { reason: r.reason } : {}), checks: r.checks });
            return;
          }
          default:
            json(res, 404, { error: 'not found', paths: ['/metrics', '/healthz', '/readyz'] });
        }
      } catch (err) {
        o.onError?.(err);
        if (!res.headersSent) json(res, 500, { error: err instanceof Error ? err.message : String(err) });
        else res.end();
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => o.onError?.(err));
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: o.host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
