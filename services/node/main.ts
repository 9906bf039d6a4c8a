/**
 * Entry of the bundle's own process: `npm run service` (or `node dist/node/main.js` in Docker).
 * A bad config stops here with one message naming every bad key.
 */
import { ConfigError, getConfig, redactConfig } from '../../config/index.js';
import { createBundleBroker } from './broker.js';

let config;
try {
  config = getConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}

const broker = createBundleBroker(config, { logFormat: process.env.LOG_FORMAT === 'json' ? 'json' : 'short' });
broker.logger.info('tailchat-agent starting', { role: config.role, transporter: config.transporter.url ? 'set' : 'none', config: redactConfig(config) });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    broker.logger.info(`received ${signal}; draining runs`);
    broker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

await broker.start();
