import { describe, expect, it } from 'vitest';
import { withAttachments } from '../../../../bridge/attachments/gate.js';
import { ATTACHMENT_TEXT, AttachmentRefusal } from '../../../../bridge/attachments/policy.js';
import { createEventQueue } from '../../../../bridge/engine/event-queue.js';
import type { AttachmentRef, Engine, EngineEvent, EngineRun, LoadedAttachment, RunRequest } from '../../../../bridge/engine/types.js';
import { toChatSendAttachments } from '../../../../bridge/engine/openclaw/attachments.js';

const REF: AttachmentRef = { kind: 'image', url: '{BACKEND}/static/files/u/a.png', name: 'image.png' };
const LOADED: LoadedAttachment = { kind: 'image', name: 'image.png', mimeType: 'image/png', sizeBytes: 3, content: 'AAAA' };

function fakeEngine(attachments: boolean, onStart?: (r: RunRequest) => void): Engine & { started: RunRequest[] } {
  const started: RunRequest[] = [];
  return {
    id: attachments ? 'vision' : 'text-only',
    ...(attachments ? { capabilities: { attachments: true } } : {}),
    started,
    async start(request) {
      started.push(request);
      onStart?.(request);
      const run = createEventQueue(request.runId);
      run.push({ type: 'final', text: `ok ${request.loadedAttachments?.length ?? 0}` });
      return run;
    },
    abort: async () => true,
    reset: async () => undefined,
    stats: async (u) => `stats ${u}`,
    health: async () => ({ ok: true, detail: 'fine' }),
    close: async () => undefined,
  };
}

const request = (attachments?: AttachmentRef[]): RunRequest => ({
  runId: 'tc-1',
  sessionKey: 'agent:main:tailchat:group:g',
  prompt: 'look',
  requester: { userId: 'u' },
  origin: { converseId: 'c', messageId: '1' },
  ...(attachments ? { attachments } : {}),
});

async function events(run: EngineRun): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const e of run) out.push(e);
  return out;
}

function logger() {
  const lines: Array<{ level: string; msg: string; meta?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, meta?: Record<string, unknown>) => void lines.push({ level, msg, ...(meta ? { meta } : {}) });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('withAttachments', () => {
  it('hands the fetched files to an engine that reads attachments', async () => {
    const inner = fakeEngine(true);
    const loads: AttachmentRef[][] = [];
    const gated = withAttachments(inner, async (refs) => (loads.push([...refs]), [LOADED]), logger().log);
    expect(await events(await gated.start(request([REF])))).toEqual([{ type: 'final', text: 'ok 1' }]);
    expect(loads).toEqual([[REF]]);
    expect(inner.started[0]!.loadedAttachments).toEqual([LOADED]);
  });

  it('an engine that reads text only gets nothing and the user reads why; nothing is fetched', async () => {
    const inner = fakeEngine(false);
    let fetched = false;
    const { lines, log } = logger();
    const gated = withAttachments(inner, async () => ((fetched = true), []), log);
    expect(await events(await gated.start(request([REF])))).toEqual([{ type: 'final', text: ATTACHMENT_TEXT.engine }]);
    expect(ATTACHMENT_TEXT.engine).toContain('This agent cannot read attachments; send the text only');
    expect(inner.started).toEqual([]);
    expect(fetched).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'attachments refused', meta: expect.objectContaining({ reason: 'engine', runId: 'tc-1' }) }));
  });

  it('a refused file ends the run with the refusal, logged; the engine never starts', async () => {
    const inner = fakeEngine(true);
    const { lines, log } = logger();
    const gated = withAttachments(inner, async () => {
      throw new AttachmentRefusal('too-big', ATTACHMENT_TEXT.tooBig('image.png', 1024), 'more than 1024 bytes');
    }, log);
    expect(await events(await gated.start(request([REF])))).toEqual([{ type: 'final', text: ATTACHMENT_TEXT.tooBig('image.png', 1024) }]);
    expect(inner.started).toEqual([]);
    expect(lines.find((l) => l.msg === 'attachments refused')?.meta).toMatchObject({ reason: 'too-big', detail: 'more than 1024 bytes' });
  });

  it('the engine’s own attachment limits refuse the same way', async () => {
    const inner = fakeEngine(true, () => {
      throw new AttachmentRefusal('too-big', 'gateway says no');
    });
    const gated = withAttachments(inner, async () => [LOADED], logger().log);
    expect(await events(await gated.start(request([REF])))).toEqual([{ type: 'final', text: 'gateway says no' }]);
  });

  it('runs without attachments pass straight through; other engine methods are the engine’s', async () => {
    const inner = fakeEngine(false);
    const gated = withAttachments(inner, async () => {
      throw new Error('must not load');
    }, logger().log);
    expect(await events(await gated.start(request()))).toEqual([{ type: 'final', text: 'ok 0' }]);
    expect(await gated.stats!('u1')).toBe('stats u1');
    expect(gated.resolveApproval).toBeUndefined();
    expect(gated.id).toBe('text-only');
  });
});

describe('toChatSendAttachments (OpenClaw chat.send)', () => {
  it('uses the gateway protocol’s ChatAttachment shape', () => {
    expect(toChatSendAttachments([{ ...LOADED, width: 4, height: 2 }, { kind: 'file', name: 'n.md', mimeType: 'text/markdown', sizeBytes: 2, content: 'aGk=' }], undefined)).toEqual([
      { type: 'image', mimeType: 'image/png', fileName: 'image.png', content: 'AAAA', sizeBytes: 3, width: 4, height: 2 },
      { type: 'file', mimeType: 'text/markdown', fileName: 'n.md', content: 'aGk=', sizeBytes: 2 },
    ]);
  });

  it('refuses what exceeds the limits the gateway announced in hello-ok', () => {
    const policy = { maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 1, tickIntervalMs: 1, attachments: { maxBytes: 100, maxImageBytes: 10 } };
    expect(() => toChatSendAttachments([{ ...LOADED, sizeBytes: 11 }], policy)).toThrow(/at most 10 bytes/);
    expect(toChatSendAttachments([{ ...LOADED, kind: 'file', sizeBytes: 11 }], policy)).toHaveLength(1);
    const small = { ...policy, maxPayload: 300 * 1024 };
    const err = (() => {
      try {
        toChatSendAttachments([{ ...LOADED, sizeBytes: 60_000, content: 'A'.repeat(80_000) }], { ...small, attachments: undefined });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AttachmentRefusal);
    expect((err as AttachmentRefusal).text).toContain('too big together');
  });
});
