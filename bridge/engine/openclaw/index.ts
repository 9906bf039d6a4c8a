/** The OpenClaw engine (bridge side): see engine.ts. */
export { createOpenClawEngine, OPENCLAW_ENGINE_ID, type OpenClawEngine, type OpenClawEngineOptions } from './engine.js';
export { openClawSettingsSchema, parseOpenClawSettings, tokenFromEnv, DEFAULT_GATEWAY_URL, type OpenClawSettings, type OpenClawSettingsInput } from './config.js';
export { createGatewayConnection, defaultScopes, defaultCaps, type GatewayConnection, type GatewayConnectionOptions } from './connection.js';
export { OpenClawEngineError, connectErrorToEngineError, requestErrorToEngineError } from './errors.js';
export { createRunEventMapper, messageText, errorKindOf, type RunEventMapper, type GatewayEventFrame } from './events.js';
export { locateRun, chatHistorySchema, type RunInHistory } from './history.js';
export { loadOrCreateDeviceIdentity, deviceIdFromPublicKeyPem } from './device-identity.js';
export { canonicalSessionKey } from './session-key.js';
export type { EngineLogger } from './logger.js';
