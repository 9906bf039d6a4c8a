/**
 * The seed gateway's per-message pipeline, transport-agnostic:
 *   surprise → route → generate (system prompt names the expert) → memory write → reply.
 *
 * Degrade, don't die: surprise or route failing still generates (a logged warning, no badge);
 * memory write failing still delivers the reply. Only generation failing (or the user stopping
 * the run) fails the run: it throws the MbeError for the engine to turn into an event.
 */
import type { Badge, Usage } from '../types.js';
import type { MbeBackend } from './backend.js';
import { MbeError, asMbeError, isAborted, opName } from './errors.js';
import type { CallOptions } from './http-client.js';
import type { MbeLogger } from './logger.js';
import { badgesFor, chosenExpert, importance, systemPrompt } from './rules.js';
import type { GenerateRequest, GenerateResponse, MbeOperation, RouteResponse, SurpriseResponse } from './wire.js';

export interface PipelineInput {
  /** Tailchat user id: MBE's user_id (memories are per user). */
  userId: string;
  userName?: string;
  /** Tailchat session key: stored with each memory so `/new` can clear the session. */
  sessionKey: string;
  prompt: string;
  /** The bundle agent's instructions: put before the expert's system prompt. */
  instructions?: string;
}

export type PipelineStep = 'surprise' | 'route' | 'generate' | 'memory';

export interface PipelineDeps {
  backend: Pick<MbeBackend, 'surprise' | 'route' | 'memoryWrite'>;
  /** Always HTTP: MBE's MCP server has no generation tool. */
  generate(body: GenerateRequest, o?: CallOptions): Promise<GenerateResponse>;
  temperature: number;
  logger: MbeLogger;
  now(): Date;
  signal?: AbortSignal;
  /** Fields added to every log line (run id, session key). */
  logFields?: Record<string, unknown>;
  onStep?(step: PipelineStep): void;
  /** The reply is known (generation done) — shown before the memory write finishes. */
  onReply?(text: string): void;
  /** Every failed call, degraded or not (the engine uses it to schedule a health re-check). */
  onFailure?(err: MbeError): void;
}

export interface PipelineResult {
  text: string;
  badges: Badge[];
  usage?: Usage;
  surprise?: SurpriseResponse;
  route?: RouteResponse;
  expertId?: string;
  importance: number;
  memoryWritten: boolean;
  /** The steps that failed and were skipped. */
  degraded: MbeOperation[];
}

export async function runPipeline(input: PipelineInput, deps: PipelineDeps): Promise<PipelineResult> {
  const { backend, logger, signal } = deps;
  const fields = deps.logFields ?? {};
  const call: CallOptions = signal ? { signal } : {};
  const degraded: MbeOperation[] = [];

  const checkStop = (op: MbeOperation) => {
    if (signal?.aborted) throw new MbeError('aborted', op, 'run stopped');
  };
  /** Runs an optional step: failures are logged and skipped, a stop is passed on. */
  async function optional<T>(op: MbeOperation, fn: () => Promise<T>): Promise<T | undefined> {
    checkStop(op);
    try {
      return await fn();
    } catch (raw) {
      const err = asMbeError(raw, op);
      if (isAborted(err)) throw err;
      deps.onFailure?.(err);
      degraded.push(op);
      logger.warn(`MBE ${opName(op)} failed; continuing without it`, { ...fields, kind: err.kind, error: err.message });
      return undefined;
    }
  }

  deps.onStep?.('surprise');
  const surprise = await optional('surprise', () =>
    backend.surprise({ input: input.prompt, context: { user_id: input.userId, username: input.userName ?? null, domain: 'chat' } }, call),
  );

  deps.onStep?.('route');
  const route = await optional('route', () =>
    backend.route(
      {
        input: input.prompt,
        task_type: 'chat',
        user_profile: { user_id: input.userId, ...(surprise ? { surprise_score: surprise.surprise_score } : {}) },
      },
      call,
    ),
  );
  const expertId = chosenExpert(route);

  deps.onStep?.('generate');
  checkStop('generate');
  let generated: GenerateResponse;
  try {
    generated = await deps.generate({ prompt: input.prompt, system_prompt: input.instructions ? `${input.instructions}\n\n${systemPrompt(expertId)}` : systemPrompt(expertId), temperature: deps.temperature }, call);
  } catch (raw) {
    const err = asMbeError(raw, 'generate');
    if (!isAborted(err)) deps.onFailure?.(err);
    throw err;
  }
  if (!generated.content.trim()) throw new MbeError('bad_response', 'generate', `MBE ${opName('generate')} returned an empty reply`);
  const text = generated.content;
  deps.onReply?.(text);

  deps.onStep?.('memory');
  const surpriseScore = surprise?.surprise_score;
  const weight = importance(surpriseScore);
  const written = await optional('memoryWrite', () =>
    backend.memoryWrite(
      {
        user_id: input.userId,
        memory_type: 'working',
        content: {
          user_message: input.prompt,
          assistant_reply: text,
          surprise_score: surpriseScore ?? null,
          expert_id: expertId ?? null,
          timestamp: deps.now().toISOString(),
        },
        importance: weight,
        session_id: input.sessionKey,
      },
      call,
    ),
  );

  return {
    text,
    badges: badgesFor(surprise, route),
    ...(generated.usage ? { usage: toUsage(generated.usage) } : {}),
    ...(surprise ? { surprise } : {}),
    ...(route ? { route } : {}),
    ...(expertId ? { expertId } : {}),
    importance: weight,
    memoryWritten: written !== undefined,
    degraded,
  };
}

function toUsage(u: NonNullable<GenerateResponse['usage']>): Usage {
  return {
    ...(u.input_tokens !== undefined ? { inputTokens: u.input_tokens } : {}),
    ...(u.output_tokens !== undefined ? { outputTokens: u.output_tokens } : {}),
    ...(u.total_tokens !== undefined ? { totalTokens: u.total_tokens } : {}),
  };
}
