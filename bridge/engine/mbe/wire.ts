/**
 * The MBE wire format: the ONE place that says what goes over the wire (HTTP paths and bodies,
 * the auth header, MCP tool names and arguments) and what may come back (zod schemas).
 *
 * MBE is private; the seed fixes only the SDK's call shapes (see /work/shared/reference/mbe.md).
 * Everything else here is ours, documented in WIRE.md next to this file — change both together.
 * Field names stay snake_case because that is how the seed's Python SDK spells them.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Operations and where they live

/** Every call the engine makes. HTTP uses all of them; MCP carries the ones marked in MCP_TOOLS. */
export type MbeOperation = 'health' | 'surprise' | 'route' | 'generate' | 'memoryWrite' | 'memoryRead' | 'memoryClear';

/** The seed's SDK spelling of each operation, used in logs and error messages. */
export const OPERATION_NAMES: Record<MbeOperation, string> = {
  health: 'health',
  surprise: 'surprise.calculate',
  route: 'route.select',
  generate: 'llm.generate',
  memoryWrite: 'memory.write',
  memoryRead: 'memory.read',
  memoryClear: 'memory.clear',
};

const pathString = z.string().regex(/^\/[^\s?#]*$/, 'must be an absolute path such as /v1/surprise/calculate');

/** HTTP paths relative to the base URL (MBE_API_URL). Every one can be overridden in settings. */
export const mbePathsSchema = z.object({
  health: pathString,
  surprise: pathString,
  route: pathString,
  generate: pathString,
  memoryWrite: pathString,
  memoryRead: pathString,
  /** Our extension (not in the seed): forget a session's working memory, used by `/new`. */
  memoryClear: pathString,
});
export type MbePaths = z.infer<typeof mbePathsSchema>;

export const DEFAULT_PATHS: MbePaths = {
  health: '/health',
  surprise: '/v1/surprise/calculate',
  route: '/v1/route/select',
  generate: '/v1/llm/generate',
  memoryWrite: '/v1/memory/write',
  memoryRead: '/v1/memory/read',
  memoryClear: '/v1/memory/clear',
};

/** GET for health (no body), POST with a JSON body for everything else. */
export const METHODS: Record<MbeOperation, 'GET' | 'POST'> = {
  health: 'GET',
  surprise: 'POST',
  route: 'POST',
  generate: 'POST',
  memoryWrite: 'POST',
  memoryRead: 'POST',
  memoryClear: 'POST',
};

/** `Authorization: Bearer <MBE_API_KEY>`; no header at all when anonymous. */
export function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

/** MCP tool names, fixed by the seed. Generation has no tool: it always goes over HTTP. */
export const MCP_TOOLS = {
  surprise: 'mbe_surprise',
  route: 'mbe_route',
  memoryWrite: 'mbe_memory_write',
  memoryRead: 'mbe_memory_read',
} as const;
export type McpOperation = keyof typeof MCP_TOOLS;

// ---------------------------------------------------------------------------------------------
// Requests (what we send). Types only: we build them, the server validates them.
// The same object is the HTTP JSON body and the MCP tool `arguments`.

export interface SurpriseRequest {
  input: string;
  context: { user_id: string; username: string | null; domain: 'chat' };
}

export interface RouteRequest {
  input: string;
  task_type: 'chat';
  /** `surprise_score` is left out when surprise could not be computed (degraded run). */
  user_profile: { user_id: string; surprise_score?: number };
}

export interface GenerateRequest {
  prompt: string;
  system_prompt: string;
  temperature: number;
}

export interface MemoryContent {
  user_message: string;
  assistant_reply: string;
  /** null when surprise could not be computed for this message. */
  surprise_score: number | null;
  /** null when routing failed or selected no expert. */
  expert_id: string | null;
  /** ISO 8601. */
  timestamp: string;
}

export interface MemoryWriteRequest {
  user_id: string;
  memory_type: 'working';
  content: MemoryContent;
  /** 0.5 + 0.5 × surprise_score (0.5 when the score is unknown). */
  importance: number;
  /** Our extension: the Tailchat session the memory came from, so `/new` can clear it. */
  session_id: string;
}

export interface MemoryReadRequest {
  user_id: string;
  query: string;
  top_k: number;
}

/** Our extension: forget one session's memories of one type. */
export interface MemoryClearRequest {
  session_id: string;
  memory_type: 'working';
}

// ---------------------------------------------------------------------------------------------
// Responses (what we accept). Unknown extra fields are allowed (a newer MBE may add some);
// missing or mistyped fields we rely on are a malformed response.

const unit = z.number().min(0).max(1);

export const healthResponse = z.looseObject({
  /** "ok" and "degraded" serve requests; anything else ("down", …) is unhealthy. */
  status: z.string(),
  version: z.string().optional(),
});
export type HealthResponse = z.infer<typeof healthResponse>;

export const surpriseResponse = z.looseObject({
  surprise_score: unit,
  is_novel: z.boolean(),
  learning_mode: z.string(),
});
export type SurpriseResponse = z.infer<typeof surpriseResponse>;

export const routeResponse = z.looseObject({
  selected_experts: z.array(z.looseObject({ id: z.string().min(1), name: z.string().optional(), score: z.number().optional() })),
  routing_confidence: unit,
});
export type RouteResponse = z.infer<typeof routeResponse>;

export const generateResponse = z.looseObject({
  content: z.string(),
  usage: z
    .looseObject({
      input_tokens: z.number().int().nonnegative().optional(),
      output_tokens: z.number().int().nonnegative().optional(),
      total_tokens: z.number().int().nonnegative().optional(),
    })
    .optional(),
});
export type GenerateResponse = z.infer<typeof generateResponse>;

export const memoryWriteResponse = z.looseObject({ id: z.string() });
export type MemoryWriteResponse = z.infer<typeof memoryWriteResponse>;

export const memoryReadResponse = z.looseObject({
  total_count: z.number().int().nonnegative(),
  memories: z.array(z.unknown()),
});
export type MemoryReadResponse = z.infer<typeof memoryReadResponse>;

export const memoryClearResponse = z.looseObject({ deleted: z.number().int().nonnegative() });
export type MemoryClearResponse = z.infer<typeof memoryClearResponse>;

/** Error bodies (any non-2xx): `{ "error": "text" }`; read for the log only, never trusted. */
export const errorResponse = z.looseObject({ error: z.string() });

export const RESPONSE_SCHEMAS = {
  health: healthResponse,
  surprise: surpriseResponse,
  route: routeResponse,
  generate: generateResponse,
  memoryWrite: memoryWriteResponse,
  memoryRead: memoryReadResponse,
  memoryClear: memoryClearResponse,
} satisfies Record<MbeOperation, z.ZodType>;

export type ResponseOf<Op extends MbeOperation> = z.infer<(typeof RESPONSE_SCHEMAS)[Op]>;

/** Validates a response body of `op` (the one place a response's shape is checked, HTTP and MCP). */
export function parseResponse<Op extends MbeOperation>(op: Op, json: unknown): z.ZodSafeParseResult<ResponseOf<Op>> {
  // TS cannot narrow a record lookup by a generic key; the table above is the proof of the pairing.
  return (RESPONSE_SCHEMAS[op] as unknown as z.ZodType<ResponseOf<Op>>).safeParse(json);
}

/** One line naming what was wrong, for errors and logs (the first three issues). */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return issues.join('; ') + more;
}
