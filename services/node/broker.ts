/**
 * The bundle's own Moleculer node on Tailchat's transporter. Moleculer 0.14 (broker protocol 4)
 * and the JSON serializer, exactly as Tailchat's cluster, so the node joins it as a peer.
 */
import moleculer from 'moleculer';
import type { EngineRegistry } from '../../bridge/engine/registry.js';
import type { BundleConfig } from '../../config/schema.js';
import { createAiService } from '../ai.service.js';
import { createRunnerService } from '../ai-runner.service.js';
import { createConfiguredEngines } from './engines.js';
import { adaptLogger } from '../logger.js';
import { createLogFormatter, secretsOf } from './log-format.js';
import { watchNatsReconnects } from './nats-reconnect.js';

export interface BundleBrokerOptions {
  engines?: EngineRegistry;
  logFormat?: 'json' | 'short';
}

export function createBundleBroker(config: BundleConfig, opts: BundleBrokerOptions = {}): moleculer.ServiceBroker {
  const broker = new moleculer.ServiceBroker({
    namespace: config.transporter.namespace,
    ...(config.transporter.url ? { transporter: config.transporter.url } : {}),
    serializer: 'JSON',
    ...(config.nodeId ? { nodeID: config.nodeId } : {}),
    // JSON lines or short text; either way every line passes a last redactor of the configured secrets.
    logger: { type: 'Console', options: { level: config.logLevel, formatter: createLogFormatter(opts.logFormat ?? config.logFormat, secretsOf(config)), colors: false } },
    registry: { strategy: 'RoundRobin', preferLocal: true },
    // Tailchat's own default (its REQUEST_TIMEOUT). Without a limit, a call whose answer died with
    // the transporter (NATS/Redis restarting mid-request) would wait forever: a live draft would
    // freeze and the run would never store its reply. A timed-out store is looked up before it is
    // sent again (bridge/notify/reply-publisher.ts), so no automatic retryPolicy here.
    requestTimeout: 10_000,
    started: (b) => watchNatsReconnects(b),
  });
  if (config.role === 'all' || config.role === 'chat') broker.createService(createAiService(config));
  if (config.role === 'all' || config.role === 'runner') {
    const engines = opts.engines ?? createConfiguredEngines(config, (id) => adaptLogger(broker.getLogger(`engine:${id}`)));
    broker.createService(createRunnerService({ config, engines }));
  }
  return broker;
}
