/**
 * `/metrics`, `/healthz`, `/readyz` for the bundle's own process. Ready means this instance can
 * serve a message now:
 *   broker    started, not stopping, connected to Tailchat's transporter
 *   tailchat  Tailchat's core services this bundle calls are visible on the transporter
 *   runner    (chat-only instances) some runner instance is visible
 *   engine    (runner instances) the default engine reports healthy; other engines are created
 *             on first use by a group that picks them and are not part of readiness
 */
import type { ServiceBroker } from 'moleculer';
import type { EngineRegistry } from '../../bridge/engine/registry.js';
import { startObservabilityServer, type CheckResult, type ObservabilityServer, type Readiness } from '../../bridge/observability/http.js';
import { enableProcessMetrics } from '../../bridge/observability/metrics.js';
import type { BundleConfig } from '../../config/schema.js';
import { RUNNER_SERVICE } from '../names.js';

/** The Tailchat services the bundle calls (bridge/tailchat/host.ts). */
export const TAILCHAT_SERVICES = ['user', 'group', 'group.extra', 'chat.message', 'chat.converse', 'gateway'];

interface TransitState {
  connected?: boolean;
  /** The transporter itself: during a NATS outage only this one knows (services/node/nats-reconnect.ts). */
  tx?: { connected?: boolean };
}

export interface ReadinessOptions {
  broker: ServiceBroker;
  config: BundleConfig;
  engines?: EngineRegistry;
  /** How long one engine health check may take (default 3 s). */
  engineTimeoutMs?: number;
  /** Engine health is re-checked at most this often (default 2 s). */
  engineCacheMs?: number;
}

export function createReadiness(o: ReadinessOptions): () => Promise<Readiness> {
  const { broker, config } = o;
  const hostsRunner = config.role === 'all' || config.role === 'runner';
  let engineCache: { at: number; result: Promise<CheckResult> } | undefined;

  const engineCheck = (): Promise<CheckResult> => {
    const now = Date.now();
    if (engineCache && now - engineCache.at < (o.engineCacheMs ?? 2_000)) return engineCache.result;
    const id = config.engines.default;
    const timeoutMs = o.engineTimeoutMs ?? 3_000;
    const result = (async (): Promise<CheckResult> => {
      if (!o.engines) return { ok: false, detail: 'no engines in this process' };
      let timer: NodeJS.Timeout | undefined;
      try {
        const health = await Promise.race([
          o.engines.get(id).then((e) => e.health()),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no health answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { ok: health.ok, detail: `${id}: ${health.detail}` };
      } catch (err) {
        return { ok: false, detail: `${id}: ${err instanceof Error ? err.message : String(err)}` };
      } finally {
        clearTimeout(timer);
      }
    })();
    engineCache = { at: now, result };
    return result;
  };

  return async () => {
    const checks: Record<string, CheckResult> = {};
    const b = broker as ServiceBroker & { started?: boolean; stopping?: boolean; transit?: TransitState };
    const transported = Boolean(config.transporter.url);
    const connected = Boolean(b.transit?.connected) && b.transit?.tx?.connected !== false;
    const brokerOk = Boolean(b.started) && !b.stopping && (!transported || connected);
    checks.broker = {
      ok: brokerOk,
      detail: b.stopping ? 'stopping' : !b.started ? 'starting' : transported && !connected ? 'transporter disconnected' : transported ? 'connected to the transporter' : 'local broker (no transporter)',
    };

    const visible = new Set(
      (broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true, withActions: false }) as Array<{ name: string }>).map((s) => s.name),
    );
    const missing = TAILCHAT_SERVICES.filter((s) => !visible.has(s));
    checks.tailchat = missing.length === 0 ? { ok: true, detail: 'core services visible' } : { ok: false, detail: `not visible: ${missing.join(', ')}` };

    if (!hostsRunner) {
      checks.runner = visible.has(RUNNER_SERVICE) ? { ok: true, detail: 'a runner is visible' } : { ok: false, detail: `no ${RUNNER_SERVICE} instance visible` };
    } else {
      checks.engine = brokerOk ? await engineCheck() : { ok: false, detail: 'not checked (broker not ready)' };
    }

    const failed = Object.entries(checks).filter(([, c]) => !c.ok);
    return failed.length === 0 ? { ready: true, checks } : { ready: false, reason: failed.map(([k, c]) => `${k}: ${c.detail}`).join('; '), checks };
  };
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Starts the endpoint when `observability.port` is not 0. A port that cannot be bound is logged
 * as an error and the agent keeps running without the endpoint (a busy metrics port must not
 * take the chat down).
 */
export async function startObservability(o: ReadinessOptions & { logger: Logger }): Promise<ObservabilityServer | undefined> {
  const { port, host } = o.config.observability;
  if (port === 0) return undefined;
  enableProcessMetrics();
  try {
    const server = await startObservabilityServer({
      port,
      host,
      ready: createReadiness(o),
      onError: (err) => o.logger.error('observability endpoint error', { error: err instanceof Error ? err.message : String(err) }),
    });
    o.logger.info(`metrics and health on http://${host}:${server.port} (/metrics, /healthz, /readyz)`);
    return server;
  } catch (err) {
    o.logger.error(`cannot serve metrics and health on ${host}:${port}`, { error: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
}
