/**
 * REFERENCE MBE SERVER — generation. Two kinds:
 * - scripted (default): a fixed text that echoes the instructions (the system prompt, which names
 *   the expert) and the prompt. Deterministic, offline, and visibly not a model.
 * - openai: delegates to an OpenAI-compatible `/chat/completions` (non-streaming), configured by
 *   env MBE_REFERENCE_LLM_URL (base URL, e.g. http://127.0.0.1:4010/v1), MBE_REFERENCE_LLM_MODEL
 *   and optional MBE_REFERENCE_LLM_API_KEY.
 */
import { z } from 'zod';
import type { GenerateResult } from './core.js';
import type { GenerateRequest } from './schemas.js';

export type Generator = (req: GenerateRequest) => Promise<GenerateResult>;

const countWords = (s: string) => (s.match(/\S+/g) ?? []).length;

export function scriptedReply(req: GenerateRequest): string {
  return `Reference MBE (scripted reply). Instructions: ${req.system_prompt}\nYou said: "${req.prompt}"`;
}

export const scriptedGenerator: Generator = async (req) => {
  const content = scriptedReply(req);
  const input = countWords(req.system_prompt) + countWords(req.prompt);
  const output = countWords(content);
  return { content, usage: { input_tokens: input, output_tokens: output, total_tokens: input + output } };
};

const completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).optional(),
});

export interface OpenAiGeneratorOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

export function openAiGenerator(opts: OpenAiGeneratorOptions): Generator {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return async (req) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
      body: JSON.stringify({
        model: opts.model,
        stream: false,
        temperature: req.temperature,
        messages: [
          { role: 'system', content: req.system_prompt },
          { role: 'user', content: req.prompt },
        ],
      }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    if (!res.ok) throw new Error(`model endpoint answered HTTP ${res.status}`);
    const parsed = completion.safeParse(await res.json());
    if (!parsed.success) throw new Error('model endpoint returned an unexpected body');
    const u = parsed.data.usage;
    return {
      content: parsed.data.choices[0]!.message.content ?? '',
      ...(u ? { usage: { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens, total_tokens: u.total_tokens } } : {}),
    };
  };
}

/** The generator the environment asks for; `describe` is for the start-up line. */
export function generatorFromEnv(env: NodeJS.ProcessEnv = process.env): { generator: Generator; describe: string } {
  const baseUrl = env.MBE_REFERENCE_LLM_URL;
  if (!baseUrl) return { generator: scriptedGenerator, describe: 'scripted' };
  const model = env.MBE_REFERENCE_LLM_MODEL || 'default';
  return {
    generator: openAiGenerator({ baseUrl, model, ...(env.MBE_REFERENCE_LLM_API_KEY ? { apiKey: env.MBE_REFERENCE_LLM_API_KEY } : {}) }),
    describe: `openai-compatible ${baseUrl} (model ${model})`,
  };
}
