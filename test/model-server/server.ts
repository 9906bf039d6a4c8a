/**
 * A fake OpenAI-compatible model server (node:http only). Tests script its replies per request;
 * the local stack uses it as an offline demo model (`label` marks every reply as a demo).
 *
 * Endpoints: `POST /v1/chat/completions` (SSE when `stream: true`, JSON otherwise) and
 * `GET /v1/models`. Every chat request is recorded in `requests` with the user text it was
 * about (and the images it carried), so tests can assert what context the model saw.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findUserImages, findUserTurns, findToolResults, type ImageSeen, type ToolResultSeen } from './messages.js';

export const DEFAULT_MODEL_ID = 'fake-coder';

/** What the server answers one request with. */
export type Reply =
  /** Plain text, streamed as `chunks` deltas (default: one per ~8 chars) `delayMs` apart. */
  | { kind: 'text'; text: string; chunks?: number; delayMs?: number; firstDelayMs?: number }
  /** One streamed tool call (arguments JSON split over several chunks). */
  | { kind: 'tool'; name: string; args: Record<string, unknown>; id?: string; delayMs?: number }
  /** An HTTP error before any byte of the stream (`status` default 400, non-retryable). */
  | { kind: 'error'; status?: number; message?: string; type?: string }
  /** Accepts the request and never answers (until the client goes away or the server closes). */
  | { kind: 'hang' };

export interface ModelRequestContext {
  /** The text the human typed in the current turn (internal wrappers stripped). */
  userText: string;
  /** Every human turn in the request, oldest first; the last one is `userText`. */
  userTurns: string[];
  /** Tool results that follow the current user turn (a follow-up request after a tool call). */
  toolResults: ToolResultSeen[];
  /** Images sent with the current user turn (`image_url` parts). */
  images: ImageSeen[];
  /** Every image in the request, earlier turns' included (the session history repeats them). */
  allImages: ImageSeen[];
  /** Whether the request asked for a streamed answer. */
  stream: boolean;
  /** The raw request body. */
  body: ChatCompletionBody;
}

export interface ScriptRule {
  /** Substring (or regexp) of the current user text that selects this rule. */
  match: string | RegExp;
  reply: Reply | ((ctx: ModelRequestContext) => Reply);
}

/** A list of rules (first match wins) or a function (return undefined to fall through). */
export type Script = ScriptRule[] | ((ctx: ModelRequestContext) => Reply | undefined);

export interface RecordedRequest extends ModelRequestContext {
  at: number;
  /** Which reply kind was sent. */
  replied: Reply['kind'];
  /** The full text the server sent back (text replies only, label included). */
  replyText?: string;
  /** True when the client disconnected before the reply finished. */
  clientAborted: boolean;
}

export interface ModelServerOptions {
  port?: number;
  host?: string;
  script?: Script;
  /** Prefix every text reply with `[label] ` (the local stack uses a "demo" label). */
  label?: string;
  modelId?: string;
}

export interface ModelServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:4010/v1`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  setScript(script: Script | undefined): void;
  close(): Promise<void>;
}

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: unknown;
  name?: string;
}

export interface ChatCompletionBody {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  [key: string]: unknown;
}

/** The deterministic reply when no rule matches: shows what context the model saw. */
export function defaultReply(ctx: ModelRequestContext): Reply {
  if (ctx.toolResults.length > 0) {
    const summary = ctx.toolResults.map((r) => `${r.name ?? 'tool'}: ${oneLine(r.text, 200)}`).join('; ');
    return { kind: 'text', text: `Tool results received — ${summary}` };
  }
  const earlier = ctx.userTurns.slice(0, -1);
  const seen =
    earlier.length === 0
      ? 'I saw no earlier user turns.'
      : `I saw ${earlier.length} earlier user turn(s): ${earlier.map((t, i) => `${i + 1}. "${oneLine(t, 120)}"`).join(' ')}`;
  return { kind: 'text', text: `You said: "${oneLine(ctx.userText, 400)}". ${seen}` };
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function pickReply(script: Script | undefined, ctx: ModelRequestContext): Reply {
  if (typeof script === 'function') return script(ctx) ?? defaultReply(ctx);
  for (const rule of script ?? []) {
    const hit = typeof rule.match === 'string' ? ctx.userText.includes(rule.match) : rule.match.test(ctx.userText);
    if (hit) return typeof rule.reply === 'function' ? rule.reply(ctx) : rule.reply;
  }
  return defaultReply(ctx);
}

/** Splits text into `n` roughly equal pieces (never splitting a surrogate pair). */
export function splitText(text: string, n: number): string[] {
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(n, chars.length || 1));
  const size = Math.ceil(chars.length / count);
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += size) parts.push(chars.slice(i, i + size).join(''));
  return parts.length > 0 ? parts : [''];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  let script = options.script;
  const modelId = options.modelId ?? DEFAULT_MODEL_ID;
  const requests: RecordedRequest[] = [];
  const open = new Set<ServerResponse>();
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: modelId, object: 'model', created: 0, owned_by: 'fake' }],
      });
      return;
    }
    if (req.method === 'GET' && (path === '' || path === '/health')) {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (req.method !== 'POST' || !(path === '/v1/chat/completions' || path === '/chat/completions')) {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
      return;
    }
    let body: ChatCompletionBody;
    try {
      body = JSON.parse(await readBody(req)) as ChatCompletionBody;
    } catch {
      sendJson(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
      return;
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const userTurns = findUserTurns(messages);
    const allImages = findUserImages(messages);
    const ctx: ModelRequestContext = {
      userText: userTurns.at(-1) ?? '',
      userTurns,
      toolResults: findToolResults(messages),
      images: allImages.filter((i) => i.turn === userTurns.length - 1),
      allImages,
      stream: body.stream === true,
      body,
    };
    const reply = pickReply(script, ctx);
    const record: RecordedRequest = { ...ctx, at: Date.now(), replied: reply.kind, clientAborted: false };
    requests.push(record);
    open.add(res);
    let gone = false;
    res.on('close', () => {
      open.delete(res);
      if (!res.writableFinished) {
        gone = true;
        record.clientAborted = true;
      }
    });
    const id = `chatcmpl-fake-${++counter}`;
    const created = Math.floor(Date.now() / 1000);

    if (reply.kind === 'error') {
      const status = reply.status ?? 400;
      sendJson(res, status, {
        error: { message: reply.message ?? 'fake model error', type: reply.type ?? 'invalid_request_error', code: null },
      });
      return;
    }
    if (reply.kind === 'hang') {
      if (ctx.stream) {
        res.writeHead(200, sseHeaders());
        res.flushHeaders();
      }
      return; // never answer; closed when the client leaves or the server stops
    }

    const usage = { prompt_tokens: estimateTokens(messages), completion_tokens: 0, total_tokens: 0 };
    if (reply.kind === 'text') {
      const text = options.label ? `[${options.label}] ${reply.text}` : reply.text;
      record.replyText = text;
      usage.completion_tokens = Math.max(1, Math.ceil(text.length / 4));
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      if (!ctx.stream) {
        if (reply.firstDelayMs) await sleep(reply.firstDelayMs);
        sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model: modelId,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage,
        });
        return;
      }
      res.writeHead(200, sseHeaders());
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra?: object) =>
        writeSse(res, { id, object: 'chat.completion.chunk', created, model: modelId, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
      chunk({ role: 'assistant', content: '' }, null);
      const pieces = splitText(text, reply.chunks ?? Math.ceil(text.length / 8));
      for (const [i, piece] of pieces.entries()) {
        const wait = i === 0 ? (reply.firstDelayMs ?? reply.delayMs ?? 0) : (reply.delayMs ?? 0);
        if (wait > 0) await sleep(wait);
        if (gone) return;
        chunk({ content: piece }, null);
      }
      if (gone) return;
      chunk({}, 'stop');
      if (body.stream_options?.include_usage) {
        writeSse(res, { id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage });
      }
      res.end('data: [DONE]\n\n');
      return;
    }

    // tool call
    const callId = reply.id ?? `call_fake_${counter}`;
    const args = JSON.stringify(reply.args);
    usage.completion_tokens = Math.max(1, Math.ceil(args.length / 4));
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const toolCall = { index: 0, id: callId, type: 'function', function: { name: reply.name, arguments: args } };
    if (!ctx.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: modelId,
        choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: toolCall.function }] }, finish_reason: 'tool_calls' }],
        usage,
      });
      return;
    }
    res.writeHead(200, sseHeaders());
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      writeSse(res, { id, object: 'chat.completion.chunk', created, model: modelId, choices: [{ index: 0, delta, finish_reason: finish }] });
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: reply.name, arguments: '' } }] }, null);
    for (const piece of splitText(args, 3)) {
      if (reply.delayMs) await sleep(reply.delayMs);
      if (gone) return;
      chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null);
    }
    chunk({}, 'tool_calls');
    if (body.stream_options?.include_usage) {
      writeSse(res, { id, object: 'chat.completion.chunk', created, model: modelId, choices: [], usage });
    }
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    requests,
    setScript(next) {
      script = next;
    },
    close() {
      for (const res of open) res.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sseHeaders() {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
}

function writeSse(res: ServerResponse, data: unknown): void {
  if (!res.destroyed) res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function sendJson(res: ServerResponse, status: number, data: unknown): void {
  const text = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function estimateTokens(messages: ChatMessage[]): number {
  return Math.ceil(JSON.stringify(messages).length / 4);
}
