/**
 * Environment variables that override `tailchat.config.ts`. One table, so the README's config
 * reference and the loader cannot drift apart. Secrets (tokens, keys) are read ONLY from here,
 * either directly or from a file named by `<NAME>_FILE` (Docker/Kubernetes secrets).
 */
export interface EnvOverride {
  env: string;
  path: string[];
  type: 'string' | 'number' | 'boolean' | 'list';
  secret?: boolean;
  doc: string;
}

export const ENV_OVERRIDES: EnvOverride[] = [
  { env: 'TRANSPORTER', path: ['transporter', 'url'], type: 'string', doc: "Tailchat's Moleculer transporter (nats://… or redis://…)" },
  { env: 'TAILCHAT_NAMESPACE', path: ['transporter', 'namespace'], type: 'string', doc: "Tailchat's Moleculer namespace (Tailchat's NAMESPACE)" },
  { env: 'AI_ROLE', path: ['role'], type: 'string', doc: 'all | chat | runner: which services this process hosts' },
  { env: 'AI_NODE_ID', path: ['nodeId'], type: 'string', doc: 'Moleculer node id (default: host-pid)' },
  { env: 'AI_BOT_ID', path: ['bot', 'id'], type: 'string', doc: 'plugin-bot id' },
  { env: 'AI_BOT_NICKNAME', path: ['bot', 'nickname'], type: 'string', doc: "the agent's display name" },
  { env: 'TAILCHAT_BOT_URL', path: ['botMode', 'url'], type: 'string', doc: "bot mode: Tailchat's base URL (HTTP API and socket.io)" },
  { env: 'TAILCHAT_BOT_APP_ID', path: ['botMode', 'appId'], type: 'string', doc: 'bot mode: the open-platform app id (tc_…)' },
  { env: 'TAILCHAT_BOT_APP_SECRET', path: ['botMode', 'appSecret'], type: 'string', secret: true, doc: 'bot mode: the app secret (or TAILCHAT_BOT_APP_SECRET_FILE)' },
  { env: 'TAILCHAT_BOT_TOKEN_RENEW_MARGIN_MS', path: ['botMode', 'tokenRenewMarginMs'], type: 'number', doc: 'bot mode: log in again this long before the token expires' },
  { env: 'TAILCHAT_BOT_TOKEN_MAX_AGE_MS', path: ['botMode', 'tokenMaxAgeMs'], type: 'number', doc: 'bot mode: treat tokens as expired after this long (default: their exp)' },
  { env: 'TAILCHAT_BOT_RECONNECT_MAX_MS', path: ['botMode', 'reconnectMaxMs'], type: 'number', doc: 'bot mode: longest delay between reconnect attempts' },
  { env: 'TAILCHAT_BOT_CATCH_UP_MS', path: ['botMode', 'catchUpWindowMs'], type: 'number', doc: 'bot mode: answer messages missed while disconnected if at most this old (0 = never)' },
  { env: 'AI_ENGINE', path: ['engines', 'default'], type: 'string', doc: 'scripted | openclaw | mbe' },
  { env: 'OPENCLAW_GATEWAY_URL', path: ['engines', 'openclaw', 'url'], type: 'string', doc: 'OpenClaw gateway WebSocket URL' },
  { env: 'OPENCLAW_GATEWAY_TOKEN', path: ['engines', 'openclaw', 'token'], type: 'string', secret: true, doc: 'gateway token (or OPENCLAW_GATEWAY_TOKEN_FILE)' },
  { env: 'OPENCLAW_AUTH', path: ['engines', 'openclaw', 'auth'], type: 'string', doc: 'token | device' },
  { env: 'MBE_API_URL', path: ['engines', 'mbe', 'url'], type: 'string', doc: 'MBE HTTP API base URL' },
  { env: 'MBE_API_KEY', path: ['engines', 'mbe', 'apiKey'], type: 'string', secret: true, doc: 'MBE API key (or MBE_API_KEY_FILE); empty = anonymous' },
  { env: 'MBE_TIMEOUT_MS', path: ['engines', 'mbe', 'timeoutMs'], type: 'number', doc: 'MBE per-call timeout' },
  { env: 'MBE_MCP_COMMAND', path: ['engines', 'mbe', 'mcp', 'command'], type: 'string', doc: "MBE's MCP server command (stdio); unset = HTTP only" },
  { env: 'MBE_MCP_ARGS', path: ['engines', 'mbe', 'mcp', 'args'], type: 'list', doc: 'its arguments, comma-separated' },
  { env: 'OPENCLAW_APPROVALS', path: ['engines', 'openclaw', 'approvals'], type: 'boolean', doc: 'surface exec approvals in chat (needs a device identity)' },
  { env: 'OPENCLAW_DEVICE_IDENTITY_PATH', path: ['engines', 'openclaw', 'deviceIdentityPath'], type: 'string', doc: 'where the Ed25519 device identity is kept (0600)' },
  { env: 'AI_TRIGGER', path: ['groupDefaults', 'trigger'], type: 'string', doc: 'default trigger: mention | prefix | all' },
  { env: 'AI_PREFIX', path: ['groupDefaults', 'prefix'], type: 'string', doc: 'default command prefix' },
  { env: 'AI_SESSION_SCOPE', path: ['groupDefaults', 'sessionScope'], type: 'string', doc: 'default session scope: group | panel | thread' },
  { env: 'AI_INVOKE_BY_DEFAULT', path: ['permissions', 'invokeByDefault'], type: 'boolean', doc: 'every member may invoke the agent' },
  { env: 'AI_DM_ENABLED', path: ['dm', 'enabled'], type: 'boolean', doc: 'answer direct messages' },
  { env: 'AI_DM_ACCESS', path: ['dm', 'access'], type: 'string', doc: 'who may talk to the agent in a DM: everyone | listed | nobody' },
  { env: 'AI_DM_ALLOWED_USERS', path: ['dm', 'allowedUsers'], type: 'list', doc: 'user ids admitted to DMs when AI_DM_ACCESS=listed, comma-separated' },
  { env: 'AI_GLOBAL_APPROVERS', path: ['approvals', 'globalApprovers'], type: 'list', doc: 'user ids who may approve their own commands in a DM, comma-separated (nobody else can there)' },
  { env: 'AI_MAX_PROMPT_CHARS', path: ['limits', 'maxPromptChars'], type: 'number', doc: 'longest prompt accepted' },
  { env: 'AI_APPROVAL_TTL_MS', path: ['limits', 'approvalTtlMs'], type: 'number', doc: 'undecided approvals are denied after this long' },
  { env: 'AI_MAX_REPLY_CHARS', path: ['limits', 'maxReplyChars'], type: 'number', doc: 'longer replies are stored as several messages' },
  { env: 'AI_RATE_USER_PER_MIN', path: ['limits', 'userPerMinute'], type: 'number', doc: 'prompts per user per minute (0 = no limit)' },
  { env: 'AI_RATE_GROUP_PER_MIN', path: ['limits', 'groupPerMinute'], type: 'number', doc: 'prompts per group per minute (0 = no limit)' },
  { env: 'AI_MAX_RUNS_PER_GROUP', path: ['limits', 'maxRunsPerGroup'], type: 'number', doc: 'concurrent runs per group (per runner)' },
  { env: 'AI_MAX_RUNS', path: ['limits', 'maxRuns'], type: 'number', doc: 'concurrent runs per runner instance' },
  { env: 'AI_MAX_QUEUED', path: ['limits', 'maxQueued'], type: 'number', doc: 'runs waiting per runner before prompts are refused' },
  { env: 'AI_TAILCHAT_URL', path: ['tailchat', 'url'], type: 'string', doc: "Tailchat's URL as this process reaches it; attachments are fetched from <url>/static/ only (bot mode: TAILCHAT_BOT_URL)" },
  { env: 'AI_TAILCHAT_FILE_URLS', path: ['tailchat', 'fileUrls'], type: 'list', doc: "further prefixes Tailchat's files are served under (its STATIC_URL), comma-separated" },
  { env: 'AI_ATTACHMENTS_MAX_COUNT', path: ['limits', 'attachments', 'maxCount'], type: 'number', doc: 'attachments per prompt (default 4; 0 = refused)' },
  { env: 'AI_ATTACHMENTS_MAX_BYTES', path: ['limits', 'attachments', 'maxBytes'], type: 'number', doc: 'bytes per attachment (default 4 MB, at most 16 MB)' },
  { env: 'AI_ATTACHMENTS_TYPES', path: ['limits', 'attachments', 'allowedTypes'], type: 'list', doc: 'MIME types accepted after sniffing the bytes, comma-separated (image/* allowed)' },
  { env: 'AI_REDIS_URL', path: ['state', 'redisUrl'], type: 'string', doc: "Redis for state shared by instances (e.g. Tailchat's own)" },
  { env: 'AI_RUN_LEASE_MS', path: ['state', 'runLeaseMs'], type: 'number', doc: "a run whose runner stopped renewing its lease this long is adopted by another runner (default 10 s)" },
  { env: 'AI_RUN_HEARTBEAT_MS', path: ['state', 'runHeartbeatMs'], type: 'number', doc: 'how often runners renew their leases and look for runs to adopt (default 3 s)' },
  { env: 'AI_TOOL_OUTPUT_TTL_MS', path: ['state', 'toolOutputTtlMs'], type: 'number', doc: 'how long private tool output is kept for the requester and approvers (default 30 days)' },
  { env: 'AI_STREAM_INTERVAL_MS', path: ['stream', 'intervalMs'], type: 'number', doc: 'live update cadence' },
  { env: 'AI_SCRIPTED_CHUNK_DELAY_MS', path: ['engines', 'scripted', 'chunkDelayMs'], type: 'number', doc: 'scripted engine: delay between chunks' },
  { env: 'LOG_LEVEL', path: ['logLevel'], type: 'string', doc: 'fatal | error | warn | info | debug | trace' },
  { env: 'LOG_FORMAT', path: ['logFormat'], type: 'string', doc: 'short | json (one JSON object per line)' },
  { env: 'AI_METRICS_PORT', path: ['observability', 'port'], type: 'number', doc: 'port of /metrics, /healthz, /readyz (0 = off)' },
  { env: 'AI_METRICS_HOST', path: ['observability', 'host'], type: 'string', doc: 'their listen address (0.0.0.0 only when set)' },
];
