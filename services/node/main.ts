/**
 * Entry of the bundle's own process: `npm run service` (or `node dist/node/main.js` in Docker).
 * A bad config stops here with one message naming every bad key.
 */
import { ConfigError, getConfig, redactConfig } from '../../config/index.js';
import type { ServiceBroker } from 'moleculer';
import { adaptLogger } from '../logger.js';
import { createBundleBroker } from './broker.js';
import { createConfiguredEngines } from './engines.js';
import { startObservability } from './observability.js';

let config;
try {
  config = getConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    // Before the config exists, LOG_FORMAT is read as it is: a log shipper still gets one JSON line.
    if (process.env.LOG_FORMAT === 'json') console.error(JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: err.message, issues: err.issues, mod: 'config' }));
    else console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}

// Built here (not inside the broker) so that /readyz can ask the default engine for its health.
// (The engine logger is only asked for when an engine is first created, after `broker` exists.)
const engines = createConfiguredEngines(config, (id) => adaptLogger(broker.getLogger(`engine:${id}`)));
const broker: ServiceBroker = createBundleBroker(config, { engines });
broker.logger.info('tailchat-agent starting', { role: config.role, transporter: config.transporter.url ? 'set' : 'none', config: redactConfig(config) });

// Before broker.start(): /healthz answers and /readyz says why not while the node joins.
const observability = await startObservability({ broker, config, engines, logger: adaptLogger(broker.getLogger('observability')) });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    broker.logger.info(`received ${signal}; draining runs`);
    broker
      .stop()
      .finally(() => observability?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

await broker.start();
