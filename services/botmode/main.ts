/**
 * Entry of bot mode: `npm run bot` (or `node dist/node/botmode.js`). The bridge as a Tailchat
 * open-platform bot — for admins who cannot add a service to Tailchat's broker. Needs
 * TAILCHAT_BOT_URL, TAILCHAT_BOT_APP_ID and TAILCHAT_BOT_APP_SECRET (README "Bot mode").
 *
 * Exit codes: 78 bad configuration, 77 Tailchat refused the app id/secret, 1 anything else.
 */
import { BotAuthError, createOpenPlatformClient } from '../../bridge/botmode/client.js';
import { createBotModeBridge } from '../../bridge/botmode/bridge.js';
import { ConfigError, getConfig, redactConfig, type BundleConfig } from '../../config/index.js';
import { createConfiguredEngines } from '../node/engines.js';
import { botModeSecrets, createProcessLogger } from './logger.js';

let config: BundleConfig;
try {
  config = getConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}

const { url, appId, appSecret } = config.botMode;
const missing = [!url && 'TAILCHAT_BOT_URL (botMode.url)', !appId && 'TAILCHAT_BOT_APP_ID (botMode.appId)', !appSecret && 'TAILCHAT_BOT_APP_SECRET or TAILCHAT_BOT_APP_SECRET_FILE'].filter(Boolean);
if (missing.length > 0 || !url || !appId || !appSecret) {
  console.error(`Bot mode needs: ${missing.join(', ')}. Create the app in Tailchat first (README "Bot mode").`);
  process.exit(78);
}

const format = (process.env.LOG_FORMAT === 'json' ? 'json' : 'short') as 'json' | 'short';
const logger = createProcessLogger({ level: config.logLevel, format, secrets: [...botModeSecrets(appId, appSecret), config.engines.openclaw.token ?? '', config.engines.mbe.apiKey ?? ''] });
logger.info('tailchat-agent starting in bot mode', { url, appId, config: redactConfig(config) });

const client = createOpenPlatformClient({
  url,
  appId,
  appSecret,
  logger: logger.child('openplatform'),
  renewMarginMs: config.botMode.tokenRenewMarginMs,
  ...(config.botMode.tokenMaxAgeMs !== undefined ? { tokenMaxAgeMs: config.botMode.tokenMaxAgeMs } : {}),
  reconnectMinMs: config.botMode.reconnectMinMs,
  reconnectMaxMs: config.botMode.reconnectMaxMs,
  catchUpWindowMs: config.botMode.catchUpWindowMs,
  requestTimeoutMs: config.botMode.requestTimeoutMs,
});
// Approve/Deny are plugin actions of the in-cluster chat service: nobody could answer an exec
// approval here, so OpenClaw is not asked to route approvals to the bridge.
const engineConfig: BundleConfig = { ...config, engines: { ...config.engines, openclaw: { ...config.engines.openclaw, approvals: false } } };
const engines = createConfiguredEngines(engineConfig, (id) => logger.child(`engine:${id}`));
const bridge = createBotModeBridge({ config, client, engines, logger });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}; draining runs`);
    bridge.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

try {
  const session = await bridge.start();
  logger.info('bot mode ready', { appId, botUserId: session.userId, nickname: session.nickname, groups: bridge.groups.size(), engines: engines.ids() });
} catch (err) {
  if (err instanceof BotAuthError) {
    // Names the app id and what to check; the secret is never part of the message.
    logger.error(`bot login refused: ${err.message}`, { appId, check: 'TAILCHAT_BOT_APP_ID and TAILCHAT_BOT_APP_SECRET (or _FILE)' });
    await bridge.stop().catch(() => undefined);
    process.exit(77); // EX_NOPERM
  }
  logger.error('bot mode failed to start', { error: err instanceof Error ? err.message : String(err) });
  await bridge.stop().catch(() => undefined);
  process.exit(1);
}
