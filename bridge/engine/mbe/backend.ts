/**
 * How the pipeline reaches MBE's surprise, route and memory calls. Two implementations share the
 * wire shapes of wire.ts: HTTP (this file, a view of MbeHttpClient) and MCP over stdio
 * (mcp-backend.ts). Generation is not here: MBE's MCP server has no generation tool, so it
 * always goes over HTTP.
 */
import type { EngineHealth } from '../types.js';
import type { CallOptions, MbeHttpClient } from './http-client.js';
import type {
  MemoryReadRequest,
  MemoryReadResponse,
  MemoryWriteRequest,
  MemoryWriteResponse,
  RouteRequest,
  RouteResponse,
  SurpriseRequest,
  SurpriseResponse,
} from './wire.js';

export interface MbeBackend {
  readonly transport: 'http' | 'mcp';
  surprise(body: SurpriseRequest, o?: CallOptions): Promise<SurpriseResponse>;
  route(body: RouteRequest, o?: CallOptions): Promise<RouteResponse>;
  memoryWrite(body: MemoryWriteRequest, o?: CallOptions): Promise<MemoryWriteResponse>;
  memoryRead(body: MemoryReadRequest, o?: CallOptions): Promise<MemoryReadResponse>;
  /** Health of the transport itself, beyond MBE's HTTP health (MCP: child running, tools present). */
  check(): Promise<EngineHealth>;
  close(): Promise<void>;
}

export function createHttpBackend(client: MbeHttpClient): MbeBackend {
  return {
    transport: 'http',
    surprise: (b, o) => client.surprise(b, o),
    route: (b, o) => client.route(b, o),
    memoryWrite: (b, o) => client.memoryWrite(b, o),
    memoryRead: (b, o) => client.memoryRead(b, o),
    // The HTTP transport has nothing beyond MBE's own health, which the engine checks.
    check: async () => ({ ok: true, detail: 'transport: http' }),
    close: async () => {},
  };
}
