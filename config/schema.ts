/**
 * The bundle's one configuration, validated with zod. `tailchat.config.ts` holds the values,
 * environment variables override them (see ENV_OVERRIDES), and `loadConfig` rejects a bad config
 * with one message naming every bad key.
 */
import { z } from 'zod';
import { agentSlug, groupSettings } from '../protocol/actions.js';
import { DEFAULT_ALLOWED_TYPES } from '../bridge/attachments/policy.js';
import { duplicateBotIds } from '../bridge/agents/roster.js';

const transporterUrl = z
  .string()
  .regex(/^(redis|rediss|nats|tcp|mqtt|amqp):\/\//, 'must be a Moleculer transporter URL such as nats://host:4222 or redis://host:6379')
  .optional();

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const scriptedEngineConfig = z.object({
  /** Delay between streamed chunks; the scripted engine is deterministic and offline. */
  chunkDelayMs: z.number().int().min(0).max(10_000).default(40),
  chunkChars: z.number().int().min(1).max(10_000).default(12),
  /** Shown on every reply so nobody mistakes the demo engine for a model. */
  label: z.string().default('scripted engine, no model'),
  /** A session idle this long is forgotten (the demo runs for days on people's machines). */
  sessionTtlMs: z.number().int().min(1000).default(24 * 60 * 60_000),
  /** A finished run's id still answers a redelivered start with the same run for this long. */
  finishedRunTtlMs: z.number().int().min(100).default(10 * 60_000),
});

export const openclawEngineConfig = z.object({
  url: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('ws://127.0.0.1:18789'),
  /** Secret: only from env OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_TOKEN_FILE. */
  token: z.string().min(1).optional(),
  auth: z.enum(['token', 'device']).default('token'),
  deviceIdentityPath: z.string().default('.cache/openclaw-device.json'),
  approvals: z.boolean().default(true),
  requestTimeoutMs: z.number().int().min(1000).default(30_000),
  runTimeoutMs: z.number().int().min(1000).default(600_000),
  /** A run waits this long for an unreachable gateway (the reply says it is reconnecting) before it fails. */
  reconnectWindowMs: z.number().int().min(0).default(120_000),
});

export const mbeEngineConfig = z.object({
  url: z.string().url().default('http://localhost:8001'),
  /** Secret: only from env MBE_API_KEY or MBE_API_KEY_FILE. */
  apiKey: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(100).default(30_000),
  /** MBE's MCP server over stdio for surprise/route/memory (generation stays on HTTP). */
  mcp: z
    .object({
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).optional(),
      cwd: z.string().optional(),
    })
    .optional(),
  /** Every HTTP path of our MBE wire format (bridge/engine/mbe/WIRE.md) can be moved. */
  paths: z
    .object({
      health: z.string(),
      surprise: z.string(),
      route: z.string(),
      generate: z.string(),
      memoryWrite: z.string(),
      memoryRead: z.string(),
      memoryClear: z.string(),
    })
    .partial()
    .optional(),
  temperature: z.number().min(0).max(2).default(0.7),
});

export const engineId = z.enum(['scripted', 'openclaw', 'mbe']);

/**
 * One named agent: a Tailchat bot user of its own that groups add as a member, with its engine,
 * the engine's agent and its starter prompts. Absent `agents`: one agent made of `bot` (today's
 * "AI Assistant", id `assistant`), which takes its engine and engine agent from the group settings.
 */
export const agentConfig = z
  .object({
    id: agentSlug,
    /** Plugin-bot id (user `<botId>@tailchat-plugin.com`); default: `bot.id` for the first agent, `<bot.id>.<id>` for the others. */
    botId: z.string().regex(/^[a-z0-9._-]+$/i).optional(),
    nickname: z.string().min(1).max(64),
    avatar: z.string().optional(),
    /** The engine this agent runs on; absent = the group's engine setting (else engines.default). */
    engine: engineId.optional(),
    /** The engine's own agent (an OpenClaw agent id, an MBE profile); absent = the group's agentId setting. */
    engineAgentId: z.string().min(1).max(64).optional(),
    /** Instructions for engines that take them from the bundle (scripted, MBE); an OpenClaw agent keeps its own in the gateway. */
    instructions: z.string().min(1).max(8_000).optional(),
    /** Offered where a conversation with the agent begins (a DM with it, the chat input's menu). */
    starterPrompts: z.array(z.string().min(1).max(200)).max(4).default([]),
    /** Joins every group where the assistant is enabled by default (groupDefaults.enabled), new ones too; default: only the first agent. */
    joinGroups: z.boolean().optional(),
  })
  .refine((a) => !(a.engine === 'openclaw' && a.instructions), {
    message: "an OpenClaw agent keeps its instructions in the gateway's agent config (set engineAgentId instead)",
    path: ['instructions'],
  });
export type AgentConfig = z.infer<typeof agentConfig>;

export const configSchema = z.object({
  transporter: z
    .object({
      /** Tailchat's own transporter; none = a single local broker (unit tests only). */
      url: transporterUrl,
      namespace: z.string().default('tailchat'),
    })
    .prefault({}),
  /** Which of the bundle's services this process hosts (see README "Deploy forms"). */
  role: z.enum(['all', 'chat', 'runner']).default('all'),
  nodeId: z.string().optional(),
  bot: z
    .object({
      /** Plugin-bot id: Tailchat creates user `<id>@tailchat-plugin.com` for it. */
      id: z.string().regex(/^[a-z0-9._-]+$/i).default('com.yourcompany.ai'),
      nickname: z.string().min(1).max(64).default('AI Assistant'),
      avatar: z.string().optional(),
    })
    .prefault({}),
  /** The agents (README "Agents"); the first is the default. Absent: one agent made of `bot`. */
  agents: z
    .array(agentConfig)
    .min(1)
    .max(16)
    .refine((list) => new Set(list.map((a) => a.id)).size === list.length, { message: 'agent ids must be unique' })
    .optional(),
  /** How the agents configured with `joinGroups` come into groups (bridge/agents/default-joins.ts). */
  /** Reminders and scheduled tasks (issue #22; README "Scheduled tasks"). */
  automations: z
    .object({
      /** Off: /remind and /schedule answer that schedules are not enabled here. */
      enabled: z.boolean().default(true),
      /** Time zone of groups that set none (IANA); absent = the process's. */
      defaultTimeZone: z.string().min(1).optional(),
      /** Jobs one group may have. */
      maxPerGroup: z.number().int().min(1).default(20),
      /** Shortest interval of a recurring job (tests lower it). */
      minIntervalMs: z.number().int().min(1_000).default(300_000),
      /** How often the runner reads the watched sessions for results it may have missed. */
      catchUpMs: z.number().int().min(1_000).default(300_000),
      /** How long a runner holds a result while posting it before another may take it over. */
      deliveryLeaseMs: z.number().int().min(1_000).default(60_000),
    })
    .prefault({}),
  agentJoins: z
    .object({
      /** How often Tailchat's groups are scanned for new ones (needs state.mongoUrl; 0 = only at start-up). */
      scanMs: z.number().int().min(0).default(30_000),
    })
    .prefault({}),
  engines: z
    .object({
      default: engineId.default('scripted'),
      scripted: scriptedEngineConfig.prefault({}),
      openclaw: openclawEngineConfig.prefault({}),
      mbe: mbeEngineConfig.prefault({}),
    })
    .prefault({}),
  /** Per-group settings before an admin changes them. */
  groupDefaults: groupSettings
    .omit({ engine: true })
    .extend({
      engine: engineId.optional(),
      // Each key has its default, so a config may set only some (e.g. `{ enabled: false }`).
      enabled: groupSettings.shape.enabled.default(true),
      agentId: groupSettings.shape.agentId.default('main'),
      trigger: groupSettings.shape.trigger.default('mention'),
      prefix: groupSettings.shape.prefix.default('/ai'),
      allMessagesPanels: groupSettings.shape.allMessagesPanels.default([]),
      sessionScope: groupSettings.shape.sessionScope.default('group'),
    })
    .prefault({}),
  permissions: z
    .object({
      /** true: every group member may talk to the agent unless... false: only holders of the invoke key. */
      invokeByDefault: z.boolean().default(true),
    })
    .prefault({}),
  dm: z
    .object({
      /** false = access 'nobody' (the older switch, kept). */
      enabled: z.boolean().default(true),
      /** Who may talk to the agent in a direct message: everyone, the users in `allowedUsers`, or nobody. */
      access: z.enum(['everyone', 'listed', 'nobody']).default('everyone'),
      allowedUsers: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  approvals: z
    .object({
      /** User ids who may approve their own commands in a DM; in a DM nobody else can. */
      globalApprovers: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  limits: z
    .object({
      maxPromptChars: z.number().int().min(1).default(16_000),
      /** Characters of a message read at all (mentions, prompt); an addressed longer message is refused as too long. */
      maxIntakeChars: z.number().int().min(1).default(65_536),
      /** Tailchat stores any length, but clients choke on huge messages; longer replies are split. */
      maxReplyChars: z.number().int().min(100).default(60_000),
      runTimeoutMs: z.number().int().min(1000).default(600_000),
      /** A pending approval nobody decided is denied after this long. */
      approvalTtlMs: z.number().int().min(1000).default(30 * 60_000),
      /** Prompts a user may send per minute (0 = no limit). */
      userPerMinute: z.number().int().min(0).default(20),
      /** Prompts a group may send per minute (0 = no limit). */
      groupPerMinute: z.number().int().min(0).default(120),
      /** Runs executing at once per group, per runner instance; more wait in the queue. */
      maxRunsPerGroup: z.number().int().min(1).default(3),
      /** Runs executing at once per runner instance. */
      maxRuns: z.number().int().min(1).default(500),
      /** Runs waiting per runner instance; beyond that a prompt is refused with a message. */
      maxQueued: z.number().int().min(0).default(200),
      /**
       * Runs one user has executing or waiting at once, per runner instance, across all their
       * groups and DMs; beyond that their prompt is refused with a message (an ordinary member
       * must not hold the runner's slots).
       */
      maxRunsPerUser: z.number().int().min(1).default(10),
      /** Attempts at one prompt (the first answer and its Regenerates); 1 = no Regenerate. */
      maxAttempts: z.number().int().min(1).max(1000).default(20),
      /** Private tool output kept per run (bridge/privacy/keeper.ts); later tool calls show no details. */
      toolOutputPerRun: z
        .object({
          /** Tool calls whose details are kept. */
          maxCalls: z.number().int().min(0).default(200),
          /** Their JSON in all, in bytes (each call is cut to 64,000 characters first). */
          maxBytes: z.number().int().min(0).default(4 * 1024 * 1024),
        })
        .prefault({}),
      /** Images and files in a prompt (bridge/attachments/); fetched only from Tailchat (see `tailchat`). */
      attachments: z
        .object({
          /** Per prompt; 0 = attachments are refused with a message. */
          maxCount: z.number().int().min(0).max(20).default(4),
          /** Per file; at most 16 MB, because the OpenClaw gateway takes ≤ 25 MB per request (base64). */
          maxBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(4 * 1024 * 1024),
          /** MIME types accepted after sniffing the bytes (`image/*` allowed). */
          allowedTypes: z.array(z.string().regex(/^([\w.+-]+|\*)\/([\w.+-]+|\*)$/, 'must be a MIME type such as image/png or image/*')).min(1).default(DEFAULT_ALLOWED_TYPES),
          fetchTimeoutMs: z.number().int().min(1000).default(20_000),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Tailchat's own file storage: the only place attachments are fetched from (bridge/attachments/url-guard.ts). */
  tailchat: z
    .object({
      /** Tailchat's base URL as this process reaches it: `{BACKEND}` in file links, files under `<url>/static/`. Bot mode: botMode.url when unset. */
      url: httpUrl.optional(),
      /** Further URL prefixes Tailchat's files are served under (its STATIC_URL, a CDN). */
      fileUrls: z.array(httpUrl).default([]),
    })
    .prefault({}),
  stream: z
    .object({
      /** Live-update cadence; coalescing keeps a run at ≤ 1000/intervalMs updates a second. */
      intervalMs: z.number().int().min(50).max(5000).default(250),
    })
    .prefault({}),
  /** Shared state across instances (rate-limit counters, the run ledger); none = per-instance memory. */
  state: z
    .object({
      redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
      /**
       * Tailchat's MongoDB (the database in the URL): the plugin's durable data (settings, usage,
       * audit) in its own collections. Its credentials are redacted wherever the config or a log
       * line is printed; in Tailchat's process it defaults to Tailchat's MONGO_URL.
       */
      mongoUrl: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URL').optional(),
      /** A run whose runner has not renewed its lease for this long is adopted by another runner. */
      runLeaseMs: z.number().int().min(1000).default(10_000),
      /** How often a runner renews its leases and looks for runs to adopt; well under the lease. */
      runHeartbeatMs: z.number().int().min(100).default(3_000),
      /** How long a finished run's id stays claimed against a redelivered event (a tombstone). */
      runDoneTtlMs: z.number().int().min(1000).default(60 * 60_000),
      /** How long private tool output is kept for its viewers (bridge/privacy/store.ts). */
      toolOutputTtlMs: z.number().int().min(60_000).default(30 * 24 * 60 * 60_000),
    })
    .refine((s) => s.runHeartbeatMs * 2 <= s.runLeaseMs, { message: 'runHeartbeatMs must be at most half of runLeaseMs', path: ['runHeartbeatMs'] })
    .prefault({}),
  /**
   * Nothing addressed to the agent is lost (bridge/intake/): each prompt is journalled in the
   * plugin's database when an instance takes it, and every chat instance sweeps the messages
   * Tailchat stored for any the live event path never took (an instance died holding it, or
   * Tailchat dropped the event). Needs the database (state.mongoUrl).
   */
  intake: z
    .object({
      /** How often the stored messages are swept (0 = no sweep: events only). */
      sweepMs: z.number().int().min(0).default(5_000),
      /** A message is swept once it is this old: the live path takes it well before. */
      graceMs: z.number().int().min(500).default(10_000),
      /** An instance that took a message and did not finish with it for this long has died: another takes it. */
      leaseMs: z.number().int().min(1_000).default(30_000),
      /** How far back messages are answered when nobody took them (also after a restart). */
      windowMs: z.number().int().min(10_000).default(15 * 60_000),
      /** How often a prompt handed to a runner but not answered yet is checked (the runner may have died with it). */
      recheckMs: z.number().int().min(1_000).default(30_000),
    })
    .refine((s) => s.windowMs > s.graceMs + s.leaseMs, { message: 'windowMs must be longer than graceMs + leaseMs', path: ['windowMs'] })
    .prefault({}),
  /**
   * Bot mode (services/botmode/main.ts): the bridge as a Tailchat open-platform bot, over
   * Tailchat's HTTP API and socket.io instead of its broker (README "Bot mode").
   */
  botMode: z
    .object({
      /** Tailchat's public base URL (HTTP API and socket.io), e.g. https://chat.example.com */
      url: z.string().url().optional(),
      /** The open-platform app id (`tc_…`). */
      appId: z.string().min(1).optional(),
      /** Secret: only from env TAILCHAT_BOT_APP_SECRET or TAILCHAT_BOT_APP_SECRET_FILE. */
      appSecret: z.string().min(1).optional(),
      /** Log in again this long before the bot's token expires (Tailchat issues 30-day tokens). */
      tokenRenewMarginMs: z.number().int().min(0).default(86_400_000),
      /** Treat a token as expired after this long even if it says later (short-lived policies, tests). */
      tokenMaxAgeMs: z.number().int().min(1000).optional(),
      /** Reconnect backoff: first delay, doubled per failed attempt up to the max (±20 % jitter). */
      reconnectMinMs: z.number().int().min(10).default(500),
      reconnectMaxMs: z.number().int().min(100).default(30_000),
      /** After a reconnect, answer messages missed while away if at most this old (0 = never). */
      catchUpWindowMs: z.number().int().min(0).default(300_000),
      requestTimeoutMs: z.number().int().min(1000).default(15_000),
    })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `json`: one JSON object per line (for log shippers); `short`: human-readable. */
  logFormat: z.enum(['short', 'json']).default('short'),
  /** `/metrics`, `/healthz`, `/readyz` of the bundle's own process (README "Observability"). */
  observability: z
    .object({
      /** 0 = no HTTP endpoint. */
      port: z.number().int().min(0).max(65535).default(9464),
      /** Loopback unless configured (a container sets 0.0.0.0). */
      host: z.string().min(1).default('127.0.0.1'),
      /**
       * Agent ids that get a metrics label of their own besides groupDefaults.agentId; any other
       * agent a group names is counted as `other` (bridge/observability/metrics.ts).
       */
      agents: z.array(z.string().min(1).max(64)).max(100).default([]),
    })
    .prefault({}),
}).superRefine((c, ctx) => {
  for (const botId of duplicateBotIds(c)) ctx.addIssue({ code: 'custom', path: ['agents'], message: `two agents share the bot id ${botId}: each agent needs a bot user of its own` });
});

export type BundleConfig = z.infer<typeof configSchema>;
/** What `tailchat.config.ts` may write: every key optional, defaults filled by the schema. */
export type BundleConfigInput = z.input<typeof configSchema>;
export type EngineId = z.infer<typeof engineId>;
