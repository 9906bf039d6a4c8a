/**
 * REFERENCE MBE SERVER (test/local-stack stand-in, not MBE): the request shapes it accepts,
 * written independently from bridge/engine/mbe/wire.ts on purpose — from WIRE.md — so a client
 * that drifts from the documented format fails against this server instead of agreeing with
 * itself. Strict: unknown or missing fields are a 400 (HTTP) / tool error (MCP).
 */
import { z } from 'zod';

export type Operation = 'health' | 'surprise' | 'route' | 'generate' | 'memoryWrite' | 'memoryRead' | 'memoryClear';

export type Paths = Record<Operation, string>;

export const DEFAULT_PATHS: Paths = {
  health: '/health',
  surprise: '/v1/surprise/calculate',
  route: '/v1/route/select',
  generate: '/v1/llm/generate',
  memoryWrite: '/v1/memory/write',
  memoryRead: '/v1/memory/read',
  memoryClear: '/v1/memory/clear',
};

const unit = z.number().min(0).max(1);

export const surpriseRequest = z.strictObject({
  input: z.string(),
  context: z.strictObject({ user_id: z.string().min(1), username: z.string().nullable(), domain: z.string() }),
});

export const routeRequest = z.strictObject({
  input: z.string(),
  task_type: z.string(),
  user_profile: z.strictObject({ user_id: z.string().min(1), surprise_score: unit.optional() }),
});

export const generateRequest = z.strictObject({
  prompt: z.string(),
  system_prompt: z.string(),
  temperature: z.number().min(0).max(2),
});

export const memoryWriteRequest = z.strictObject({
  user_id: z.string().min(1),
  memory_type: z.string().min(1),
  content: z.strictObject({
    user_message: z.string(),
    assistant_reply: z.string(),
    surprise_score: unit.nullable(),
    expert_id: z.string().nullable(),
    timestamp: z.iso.datetime(),
  }),
  importance: unit,
  session_id: z.string().min(1),
});

export const memoryReadRequest = z.strictObject({
  user_id: z.string().min(1),
  query: z.string(),
  top_k: z.number().int().min(1).max(1000),
});

export const memoryClearRequest = z.strictObject({
  session_id: z.string().min(1),
  memory_type: z.string().min(1),
});

export type SurpriseRequest = z.infer<typeof surpriseRequest>;
export type RouteRequest = z.infer<typeof routeRequest>;
export type GenerateRequest = z.infer<typeof generateRequest>;
export type MemoryWriteRequest = z.infer<typeof memoryWriteRequest>;
export type MemoryReadRequest = z.infer<typeof memoryReadRequest>;
export type MemoryClearRequest = z.infer<typeof memoryClearRequest>;

export const REQUEST_SCHEMAS = {
  surprise: surpriseRequest,
  route: routeRequest,
  generate: generateRequest,
  memoryWrite: memoryWriteRequest,
  memoryRead: memoryReadRequest,
  memoryClear: memoryClearRequest,
} as const;

export const MCP_TOOL_NAMES = {
  surprise: 'mbe_surprise',
  route: 'mbe_route',
  memoryWrite: 'mbe_memory_write',
  memoryRead: 'mbe_memory_read',
} as const;
