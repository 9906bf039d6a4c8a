/** The MBE engine (bridge side): see engine.ts; the wire format is in wire.ts / WIRE.md. */
export { createMbeEngine, isMbeEngine, MBE_ENGINE_ID, type MbeEngine, type MbeEngineDeps } from './engine.js';
export { mbeSettingsSchema, mbeMcpSettingsSchema, parseMbeSettings, DEFAULT_MBE_URL, DEFAULT_TIMEOUT_MS, type MbeSettings, type MbeSettingsInput, type MbeMcpSettings } from './settings.js';
export { MbeHttpClient, type MbeHttpClientOptions, type CallOptions } from './http-client.js';
export { createHttpBackend, type MbeBackend } from './backend.js';
export { createMcpBackend, type McpBackendOptions } from './mcp-backend.js';
export { runPipeline, type PipelineDeps, type PipelineInput, type PipelineResult, type PipelineStep } from './pipeline.js';
export { badgesFor, importance, systemPrompt, statsText, helpText, EXPERT_CONFIDENCE_THRESHOLD, STATS_QUERY } from './rules.js';
export { MbeError, toErrorKind, type MbeErrorKind } from './errors.js';
export { DEFAULT_PATHS, MCP_TOOLS, mbePathsSchema, type MbePaths, type MbeOperation } from './wire.js';
export type { MbeLogger } from './logger.js';
