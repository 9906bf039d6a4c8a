/**
 * The MCP transport: surprise, route and memory through MBE's MCP server (tools mbe_surprise,
 * mbe_route, mbe_memory_write, mbe_memory_read), spawned as a stdio child with the official SDK.
 *
 * Tool arguments are the same objects as the HTTP bodies and results carry the same JSON as the
 * HTTP responses (structuredContent, or JSON in the first text content), validated by the same
 * schemas — so the pipeline cannot tell the transports apart.
 *
 * The child is spawned on first use and respawned on the next call after it exits ("reconnect";
 * the tool list is re-checked each time). A failed spawn is not retried for RETRY_AFTER_MS so a
 * broken server cannot turn every message into a process spawn; calls fail fast meanwhile and
 * the pipeline degrades.
 */
import { basename } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { EngineHealth } from '../types.js';
import type { MbeBackend } from './backend.js';
import { MbeError, opName } from './errors.js';
import type { CallOptions } from './http-client.js';
import type { MbeLogger, Redactor } from './logger.js';
import type { MbeMcpSettings } from './settings.js';
import { MCP_TOOLS, describeIssues, parseResponse, type McpOperation, type ResponseOf } from './wire.js';

export const RETRY_AFTER_MS = 5_000;

/** The SDK is loaded on first use, so an HTTP-only runner never loads the MCP client. */
let sdk: Promise<typeof import('./mcp-sdk.js')> | undefined;
const loadSdk = () => (sdk ??= import('./mcp-sdk.js'));

const CLIENT_INFO = { name: 'tailchat-agent-mbe', version: '0.1.0' };

export interface McpBackendOptions {
  mcp: MbeMcpSettings;
  timeoutMs: number;
  redact: Redactor;
  logger: MbeLogger;
  now?: () => number;
}

interface Connection {
  client: Client;
  transport: StdioClientTransport;
}

export function createMcpBackend(opts: McpBackendOptions): MbeBackend & { readonly pid: number | null } {
  const { mcp, timeoutMs, redact, logger } = opts;
  const now = opts.now ?? Date.now;
  const label = basename(mcp.command);
  let current: Connection | undefined;
  let connecting: Promise<Connection> | undefined;
  let failedAt = 0;
  let lastFailure: string | undefined;
  let everConnected = false;
  let closed = false;

  async function connect(): Promise<Connection> {
    const { Client, StdioClientTransport, getDefaultEnvironment } = await loadSdk();
    const transport = new StdioClientTransport({
      command: mcp.command,
      args: mcp.args,
      env: { ...getDefaultEnvironment(), ...mcp.env },
      ...(mcp.cwd ? { cwd: mcp.cwd } : {}),
      stderr: 'pipe',
    });
    forwardStderr(transport);
    const client = new Client(CLIENT_INFO);
    const conn: Connection = { client, transport };
    client.onclose = () => {
      if (current === conn) {
        current = undefined;
        if (!closed) logger.warn('MBE MCP server exited; it will be restarted on the next call', { command: label });
      }
    };
    try {
      await client.connect(transport, { timeout: timeoutMs });
      const { tools } = await client.listTools(undefined, { timeout: timeoutMs });
      const names = new Set(tools.map((t) => t.name));
      const missing = Object.values(MCP_TOOLS).filter((t) => !names.has(t));
      if (missing.length) throw new Error(`the MCP server lacks the tools ${missing.join(', ')}`);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    return conn;
  }

  function forwardStderr(transport: StdioClientTransport): void {
    let buffered = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) logger.warn('MBE MCP server stderr', { line: redact(line.slice(0, 500)) });
    });
  }

  async function ensureConnected(): Promise<Connection> {
    if (closed) throw new Error('the engine is closed');
    if (current) return current;
    if (connecting) return connecting;
    if (lastFailure && now() - failedAt < RETRY_AFTER_MS) throw new Error(`not started (${lastFailure}); next attempt in ${RETRY_AFTER_MS - (now() - failedAt)} ms`);
    if (everConnected) logger.info('restarting the MBE MCP server', { command: label });
    connecting = connect()
      .then((conn) => {
        if (closed) {
          void conn.client.close();
          throw new Error('the engine is closed');
        }
        current = conn;
        everConnected = true;
        if (lastFailure) logger.info('MBE MCP server is running again', { command: label });
        lastFailure = undefined;
        return conn;
      })
      .catch((err: unknown) => {
        failedAt = now();
        lastFailure = redact(err instanceof Error ? err.message : String(err));
        logger.error('could not start the MBE MCP server', { command: label, error: lastFailure });
        throw err;
      })
      .finally(() => (connecting = undefined));
    return connecting;
  }

  async function call<Op extends McpOperation>(op: Op, args: object, o?: CallOptions): Promise<ResponseOf<Op>> {
    const where = `${opName(op)} (MCP tool ${MCP_TOOLS[op]})`;
    if (o?.signal?.aborted) throw new MbeError('aborted', op, `MBE ${where} cancelled`);
    let conn: Connection;
    try {
      conn = await ensureConnected();
    } catch (err) {
      throw new MbeError('unreachable', op, redact(`MBE ${where}: MCP server "${label}" unavailable: ${err instanceof Error ? err.message : String(err)}`));
    }

    let result: Awaited<ReturnType<Client['callTool']>>;
    try {
      result = await conn.client.callTool({ name: MCP_TOOLS[op], arguments: args as Record<string, unknown> }, undefined, {
        timeout: timeoutMs,
        ...(o?.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      const { ErrorCode, McpError } = await loadSdk();
      if (o?.signal?.aborted) throw new MbeError('aborted', op, `MBE ${where} cancelled`);
      if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) throw new MbeError('timeout', op, `MBE ${where} timed out after ${timeoutMs} ms`);
      const gone = err instanceof McpError && err.code === ErrorCode.ConnectionClosed;
      throw new MbeError(gone || !current ? 'unreachable' : 'unavailable', op, redact(`MBE ${where} failed: ${err instanceof Error ? err.message : String(err)}`));
    }

    const text = firstText(result.content);
    if (result.isError) throw new MbeError('unavailable', op, redact(`MBE ${where} reported an error: ${(text ?? '(no message)').slice(0, 300)}`));
    let json: unknown = result.structuredContent;
    if (json === undefined) {
      try {
        json = JSON.parse(text ?? '');
      } catch {
        throw new MbeError('bad_response', op, redact(`MBE ${where} returned a malformed response: no JSON result (${(text ?? 'no text content').slice(0, 200)})`));
      }
    }
    const parsed = parseResponse(op, json);
    if (!parsed.success) throw new MbeError('bad_response', op, redact(`MBE ${where} returned a malformed response: ${describeIssues(parsed.error)}`));
    return parsed.data;
  }

  return {
    transport: 'mcp',
    get pid() {
      return current?.transport.pid ?? null;
    },
    surprise: (b, o) => call('surprise', b, o),
    route: (b, o) => call('route', b, o),
    memoryWrite: (b, o) => call('memoryWrite', b, o),
    memoryRead: (b, o) => call('memoryRead', b, o),
    async check(): Promise<EngineHealth> {
      try {
        const conn = await ensureConnected();
        return { ok: true, detail: `transport: mcp (server "${label}", pid ${conn.transport.pid ?? '?'}, tools present)` };
      } catch (err) {
        return { ok: false, detail: redact(`transport: mcp (server "${label}" not running: ${err instanceof Error ? err.message : String(err)})`) };
      }
    },
    async close() {
      closed = true;
      const conn = current ?? (await connecting?.catch(() => undefined));
      current = undefined;
      await conn?.client.close().catch(() => undefined);
    },
  };
}

function firstText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  for (const part of content) {
    if (part && typeof part === 'object' && (part as { type?: unknown }).type === 'text') {
      const t = (part as { text?: unknown }).text;
      if (typeof t === 'string') return t;
    }
  }
  return undefined;
}
