/**
 * The MBE HTTP client: the seed's SDK surface (health, surprise.calculate, route.select,
 * llm.generate, memory.write, memory.read) plus our memory.clear, over the wire format in
 * wire.ts. Every call has a timeout, can be cancelled by the run's AbortSignal, and either
 * returns a zod-validated response or throws an MbeError — never anything else.
 */
import { MbeError, kindOfStatus, opName } from './errors.js';
import type { Redactor } from './logger.js';
import {
  METHODS,
  authHeaders,
  describeIssues,
  errorResponse,
  parseResponse,
  type GenerateRequest,
  type MbeOperation,
  type MbePaths,
  type MemoryClearRequest,
  type MemoryReadRequest,
  type MemoryWriteRequest,
  type ResponseOf,
  type RouteRequest,
  type SurpriseRequest,
} from './wire.js';

export interface MbeHttpClientOptions {
  /** Base URL without trailing slash, e.g. http://localhost:8001 or https://host/mbe. */
  url: string;
  apiKey?: string;
  timeoutMs: number;
  paths: MbePaths;
  redact: Redactor;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export class MbeHttpClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: MbeHttpClientOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** Where MBE is, safe to show to admins (no credentials: userinfo in the URL is dropped). */
  get origin(): string {
    const u = new URL(this.opts.url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  }

  health(o?: CallOptions) {
    return this.call('health', undefined, o);
  }
  surprise(body: SurpriseRequest, o?: CallOptions) {
    return this.call('surprise', body, o);
  }
  route(body: RouteRequest, o?: CallOptions) {
    return this.call('route', body, o);
  }
  generate(body: GenerateRequest, o?: CallOptions) {
    return this.call('generate', body, o);
  }
  memoryWrite(body: MemoryWriteRequest, o?: CallOptions) {
    return this.call('memoryWrite', body, o);
  }
  memoryRead(body: MemoryReadRequest, o?: CallOptions) {
    return this.call('memoryRead', body, o);
  }
  memoryClear(body: MemoryClearRequest, o?: CallOptions) {
    return this.call('memoryClear', body, o);
  }

  private async call<Op extends MbeOperation>(op: Op, body: unknown, o?: CallOptions): Promise<ResponseOf<Op>> {
    const { redact } = this.opts;
    const url = this.opts.url + this.opts.paths[op];
    const where = `${opName(op)} (${METHODS[op]} ${this.opts.paths[op]})`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = o?.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
    // Tells a user's stop apart from our timeout: both abort the same fetch.
    const failure = (err: unknown): MbeError => {
      if (o?.signal?.aborted) return new MbeError('aborted', op, `MBE ${where} cancelled`);
      if (timeout.aborted) return new MbeError('timeout', op, `MBE ${where} timed out after ${this.opts.timeoutMs} ms`);
      return new MbeError('unreachable', op, redact(`MBE ${where} unreachable at ${this.origin}: ${networkReason(err)}`));
    };

    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method: METHODS[op],
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...authHeaders(this.opts.apiKey),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      text = await res.text();
    } catch (err) {
      throw failure(err);
    }

    if (!res.ok) {
      const kind = kindOfStatus(res.status);
      const hint = kind === 'auth' ? ' (check MBE_API_KEY)' : res.status === 404 || res.status === 405 ? ' (check engines.mbe.paths)' : '';
      throw new MbeError(kind, op, redact(`MBE ${where} answered HTTP ${res.status}${hint}: ${errorText(text)}`), res.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new MbeError('bad_response', op, redact(`MBE ${where} returned a malformed response: not JSON (${snippet(text)})`), res.status);
    }
    const parsed = parseResponse(op, json);
    if (!parsed.success) {
      throw new MbeError('bad_response', op, redact(`MBE ${where} returned a malformed response: ${describeIssues(parsed.error)}`), res.status);
    }
    return parsed.data;
  }
}

function networkReason(err: unknown): string {
  // undici: TypeError('fetch failed') with the system error (ECONNREFUSED, …) as its cause.
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function snippet(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t || '(empty body)';
}

/** The `{error}` text of an error body, else a snippet of whatever came back. */
function errorText(text: string): string {
  try {
    const parsed = errorResponse.safeParse(JSON.parse(text));
    if (parsed.success) return snippet(parsed.data.error);
  } catch {
    /* not JSON: fall through */
  }
  return snippet(text);
}
