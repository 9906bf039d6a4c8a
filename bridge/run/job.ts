/**
 * The run job as it crosses the broker from the chat side to the engine side. Validated on
 * arrival: the two sides may run different versions during a rolling upgrade.
 */
import { z } from 'zod';
import { agentSlug, toolOutputVisibility } from '../../protocol/actions.js';
import type { RunJob } from './execute.js';

const id = z.string().min(1).max(128);

const attachmentRef = z.object({
  kind: z.enum(['image', 'file']),
  url: z.string().min(1).max(2048),
  name: z.string().max(512),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

export const runJobSchema = z.object({
  engineId: z.string().min(1),
  /** The bundle's agent (config `agents[].id`) whose bot user posts the reply; absent (an older chat side) = the first agent. */
  agent: agentSlug.optional(),
  request: z.object({
    runId: id,
    sessionKey: z.string().min(1).max(512),
    agentId: z.string().optional(),
    /** The agent's instructions (engines that take them from the bundle: scripted, MBE). */
    instructions: z.string().max(8_000).optional(),
    prompt: z.string(),
    requester: z.object({ userId: id, nickname: z.string().optional() }),
    origin: z.object({ groupId: id.optional(), converseId: id, messageId: id }),
    timeoutMs: z.number().int().positive().optional(),
    /** Links only; the runner fetches the bytes (bridge/attachments/gate.ts). */
    attachments: z.array(attachmentRef).max(20).optional(),
  }),
  target: z.object({
    converseId: id,
    groupId: id.optional(),
    audience: z.union([z.object({ room: id }), z.object({ users: z.array(id) })]),
    replyTo: z.object({ _id: id, author: id, content: z.string() }).optional(),
  }),
  /** Epoch ms when the chat side received the Tailchat event (metrics only). */
  receivedAt: z.number().nonnegative().optional(),
  mapChunks: z.array(z.string()).max(500).optional(),
  toolOutput: toolOutputVisibility.optional(),
  actorId: id.optional(),
  selfApproval: z.boolean().optional(),
  recovery: z.enum(['unstarted', 'started']).optional(),
});

export function parseRunJob(value: unknown): RunJob {
  return runJobSchema.parse(value) as RunJob;
}
