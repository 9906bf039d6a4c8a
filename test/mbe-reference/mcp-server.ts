/**
 * REFERENCE MBE SERVER — the MCP front: tools mbe_surprise, mbe_route, mbe_memory_write and
 * mbe_memory_read (the seed's names; mbe_analyze_learning is not implemented: the gateway never
 * calls it). Tool arguments are the HTTP request bodies of WIRE.md; each result is the HTTP
 * response JSON as text content; a failure is an `isError` result with the message.
 *
 * State: this front keeps none. It forwards every tool call to the reference HTTP server
 * (`createHttpCoreProxy`), the way MBE's real MCP server and HTTP API are two fronts of one core.
 * So memories written over MCP are the ones HTTP reads (and `/new`'s HTTP clear), faults injected
 * in the HTTP server reach MCP callers too, and "MCP and HTTP give the same reply" compares
 * two transports over one deterministic core.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CoreApi } from './core.js';
import { DEFAULT_PATHS, MCP_TOOL_NAMES, REQUEST_SCHEMAS, type Operation, type Paths } from './schemas.js';

type ToolOp = keyof typeof MCP_TOOL_NAMES;

const DESCRIPTIONS: Record<ToolOp, string> = {
  surprise: 'How novel a message is for a user: {surprise_score 0..1, is_novel, learning_mode}.',
  route: 'Pick the experts for a message: {selected_experts: [{id}], routing_confidence 0..1}.',
  memoryWrite: "Store a memory in a user's memory: {id}.",
  memoryRead: "Read a user's memories: {total_count, memories}.",
};

export function createReferenceMcpServer(core: CoreApi): McpServer {
  const server = new McpServer({ name: 'mbe-reference', version: '1.0.0' });
  for (const op of Object.keys(MCP_TOOL_NAMES) as ToolOp[]) {
    server.registerTool(MCP_TOOL_NAMES[op], { description: DESCRIPTIONS[op], inputSchema: REQUEST_SCHEMAS[op] }, async (args: unknown) => {
      try {
        const result = await (core[op] as (a: unknown) => Promise<unknown>)(args);
        return { content: [{ type: 'text' as const, text: JSON.stringify(result) }] };
      } catch (err) {
        return { isError: true, content: [{ type: 'text' as const, text: err instanceof Error ? err.message : String(err) }] };
      }
    });
  }
  return server;
}

/**
 * A CoreApi that is the reference HTTP server: each call is a request to it, marked as coming
 * from the MCP front. The answer is passed through untouched (a malformed HTTP answer stays
 * malformed over MCP) so both transports see the same bytes.
 */
export function createHttpCoreProxy(opts: { httpUrl: string; apiKey?: string; paths?: Partial<Paths> }): CoreApi {
  const base = opts.httpUrl.replace(/\/+$/, '');
  const paths: Paths = { ...DEFAULT_PATHS, ...opts.paths };
  async function call(op: Operation, body?: unknown): Promise<never> {
    const res = await fetch(base + paths[op], {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        'content-type': 'application/json',
        'x-mbe-reference-via': 'mcp',
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`reference HTTP server answered ${res.status}: ${text.slice(0, 300)}`);
    try {
      return JSON.parse(text) as never;
    } catch {
      // Not JSON: hand the raw text on, so the client sees exactly what HTTP callers would.
      return text as never;
    }
  }
  return {
    health: () => call('health'),
    surprise: (r) => call('surprise', r),
    route: (r) => call('route', r),
    generate: (r) => call('generate', r),
    memoryWrite: (r) => call('memoryWrite', r),
    memoryRead: (r) => call('memoryRead', r),
    memoryClear: (r) => call('memoryClear', r),
  };
}
