/** Shared helpers for the MBE tests: a recording logger, run requests, event collection. */
import { fileURLToPath } from 'node:url';
import type { MbeLogger } from '../../bridge/engine/mbe/logger.js';
import type { EngineEvent, EngineRun, RunRequest } from '../../bridge/engine/types.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  meta?: Record<string, unknown>;
}

export function recordingLogger(): MbeLogger & { lines: LogLine[]; text(): string; at(level: LogLine['level']): LogLine[] } {
  const lines: LogLine[] = [];
  const rec = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, ...(meta ? { meta } : {}) });
  return {
    lines,
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    text: () => lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.meta ?? {})}`).join('\n'),
    at: (level) => lines.filter((l) => l.level === level),
  };
}

let n = 0;
export function request(prompt: string, over: Partial<RunRequest> & { userId?: string; nickname?: string } = {}): RunRequest {
  const { userId, nickname, ...rest } = over;
  n += 1;
  return {
    runId: `run-${n}`,
    sessionKey: 'group:g1',
    prompt,
    requester: { userId: userId ?? 'user-1', ...(nickname === undefined ? { nickname: 'Ann' } : nickname ? { nickname } : {}) },
    origin: { groupId: 'g1', converseId: 'c1', messageId: `m${n}` },
    ...rest,
  };
}

export async function collect(run: EngineRun): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  for await (const e of run) events.push(e);
  return events;
}

export function terminal(events: EngineEvent[]): EngineEvent {
  const last = events.at(-1);
  if (!last) throw new Error('no events');
  return last;
}

/** How to spawn the reference MCP server as a real stdio child (node + tsx loader). */
export function referenceMcpCommand(httpUrl: string, env: Record<string, string> = {}) {
  return {
    command: process.execPath,
    args: ['--import', 'tsx', 'test/mbe-reference/mcp-main.ts', '--http-url', httpUrl],
    cwd: REPO_ROOT,
    env,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A localhost URL where nothing listens (a port we bound and released). */
export async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
