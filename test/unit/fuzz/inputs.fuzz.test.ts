/**
 * Bad input never crashes anything: 10,000 fuzzed Tailchat events through the chat side and
 * 10,000 fuzzed gateway frames through the OpenClaw event mapper and the reply state, with
 * arbitrary JSON and with near-valid shapes (the ones that get past a first check).
 */
import { oneAgent } from '../fakes/agents.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleMessageEvent, type ChatDeps } from '../../../bridge/chat/handle-message.js';
import { createRunEventMapper } from '../../../bridge/engine/openclaw/events.js';
import type { EngineEvent } from '../../../bridge/engine/types.js';
import { createPermissionChecker } from '../../../bridge/permission/check.js';
import { createGroupSettingsStore } from '../../../bridge/settings/group-settings.js';
import { applyEvent, initialReplyState, toBlocks, toPlainText } from '../../../bridge/stream/reply-state.js';
import { createFakeHost, silentLogger } from '../fakes/tailchat-host.js';
import { DEFAULT_ACCESS } from '../../../bridge/policy/authorize.js';

const BOT = 'bot0000000000000000000001';
const id = fc.oneof(fc.constantFrom('G1', 'P1', 'U1', BOT, '000000000000000000000000'), fc.string({ maxLength: 30 }));
const nearMessage = fc.record(
  {
    type: fc.oneof(fc.constantFrom('add', 'recall', 'delete'), fc.string()),
    groupId: fc.option(id, { nil: undefined }),
    converseId: fc.oneof(id, fc.integer()),
    messageId: id,
    author: id,
    content: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(`[at=${BOT}]AI[/at] /stop`), fc.constant('@AI Assistant hi'), fc.constant(null)),
    plain: fc.option(fc.string(), { nil: undefined }),
    meta: fc.oneof(fc.constant(undefined), fc.anything(), fc.record({ mentions: fc.oneof(fc.array(id), fc.anything()), reply: fc.anything() }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

describe('fuzzed input', () => {
  it('10,000 Tailchat events: the chat side returns an outcome, never throws, starts at most one run per event', async () => {
    const fake = createFakeHost();
    let started = 0;
    const defaults = { enabled: true, engine: 'scripted', agentId: 'main', trigger: 'all' as const, prefix: '/ai', allMessagesPanels: ['P1'], sessionScope: 'thread' as const };
    const deps: ChatDeps = {
      host: fake.host, botUserId: BOT, ...oneAgent(BOT),
      settings: createGroupSettingsStore(fake.host, defaults), can: createPermissionChecker(fake.host, { invokeByDefault: true }),
      runner: { start: async () => void started++, abortSession: async () => false, reset: async () => undefined, stats: async () => '' },
      isBot: async () => false, access: DEFAULT_ACCESS, maxPromptChars: 100, defaultEngine: 'scripted', dmAgentId: 'main', logger: silentLogger,
    };
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 4, arbitrary: nearMessage }), async (payload) => {
        const before = started;
        const outcome = await handleMessageEvent(payload, deps);
        expect(['invalid', 'ignored', 'refused', 'command', 'started']).toContain(outcome.kind);
        expect(started - before).toBeLessThanOrEqual(1);
        if (outcome.kind === 'started') expect(outcome.sessionKey).toMatch(/^agent:main:tailchat:/);
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);

  it('10,000 gateway frames: the mapper and the reply state never throw and end at most once', () => {
    const frame = fc.record({
      event: fc.constantFrom('chat', 'agent', 'exec.approval.requested', 'exec.approval.resolved', 'tick', 'junk'),
      seq: fc.option(fc.integer(), { nil: undefined }),
      payload: fc.oneof(
        fc.anything(),
        fc.record(
          {
            runId: fc.constantFrom('r1', 'r2'),
            sessionKey: fc.constantFrom('agent:main:tailchat:group:g1', 'agent:main:other'),
            seq: fc.integer({ min: -2, max: 20 }),
            state: fc.constantFrom('delta', 'final', 'error', 'aborted', 'status', 'weird'),
            stream: fc.constantFrom('assistant', 'tool', 'lifecycle', 'usage', 'item'),
            deltaText: fc.string(),
            message: fc.anything(),
            data: fc.anything(),
            errorKind: fc.string(),
            id: fc.string(),
            request: fc.anything(),
          },
          { requiredKeys: [] },
        ),
      ),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 40 }), (frames) => {
        const mapper = createRunEventMapper({ runId: 'r1', sessionKey: 'agent:main:tailchat:group:g1' });
        let state = initialReplyState();
        let terminals = 0;
        for (const f of frames) {
          for (const e of mapper.accept(f as never) as EngineEvent[]) {
            if (terminals > 0) continue; // the event queue drops everything after the end
            state = applyEvent(state, e);
            if (e.type === 'final' || e.type === 'error' || e.type === 'aborted') terminals++;
          }
        }
        toBlocks(state);
        expect(typeof toPlainText(state)).toBe('string');
      }),
      { numRuns: 10_000 / 4 },
    );
  }, 120_000);
});
