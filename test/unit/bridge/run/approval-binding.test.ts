/**
 * A decision reaches the engine only for an approval pending in that very run, with a decision
 * the engine offered, once; expired ones and replays are refused. DM runs whose requester is no
 * global approver refuse the approval at once. Real runner and scripted engine, fake Tailchat.
 */
import { describe, expect, it } from 'vitest';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import { createApprovalBook } from '../../../../bridge/run/approval-book.js';
import { DM_APPROVAL_REFUSED_TEXT, type RunJob } from '../../../../bridge/run/execute.js';
import { createRunner } from '../../../../bridge/run/runner.js';
import { AI_META_KEY, type AiMeta } from '../../../../protocol/blocks.js';
import { createFakeHost, silentLogger } from '../../fakes/tailchat-host.js';

const job = (n: number, group: string | null = 'G1', extra: Partial<RunJob> = {}): RunJob => ({
  engineId: 'scripted',
  request: { runId: `tc-m${n}`, sessionKey: `s${n}`, prompt: 'please approve the build', requester: { userId: 'U' }, origin: { ...(group ? { groupId: group } : {}), converseId: 'P', messageId: `m${n}` } },
  target: { converseId: 'P', ...(group ? { groupId: group } : {}), audience: group ? { room: 'P' } : { users: ['U'] } },
  ...extra,
});

function setup(approvalTtlMs = 60_000) {
  const fake = createFakeHost();
  const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 1, chunkChars: 40, label: 'demo' }) });
  const runner = createRunner(engines, { host: fake.host, botUserId: 'BOT', intervalMs: 10, maxReplyChars: 60_000, runTimeoutMs: 10_000, approvalTtlMs, logger: silentLogger });
  const finalOf = (runId: string) => {
    const call = fake.byAction('chat.message.sendMessage').find((c) => (c.params.meta as Record<string, AiMeta>)[AI_META_KEY]?.runId === runId)!;
    return { content: call.params.content as string, meta: (call.params.meta as Record<string, AiMeta>)[AI_META_KEY]! };
  };
  /** Resolves once the run's approval card is out (the scripted engine asks right after it starts). */
  const asked = async (runId: string) => {
    for (let i = 0; i < 200; i++) {
      const drafts = fake.byAction('gateway.notify').map((c) => c.params.eventData as { meta?: Record<string, AiMeta> });
      if (drafts.some((d) => d.meta?.[AI_META_KEY]?.runId === runId && d.meta[AI_META_KEY].blocks.some((b) => b.type === 'approval'))) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no approval card for ${runId}`);
  };
  return { runner, finalOf, asked };
}
const approvalOf = (meta: AiMeta) => meta.blocks.find((b) => b.type === 'approval') as { status: string; decidedBy?: string } | undefined;

describe('approvals bound to their run', () => {
  it('refuses an approval id of another run, and the other run stays pending for its own approvers', async () => {
    const { runner, finalOf, asked } = setup();
    await runner.start(job(1, 'G1'));
    await runner.start({ ...job(2, 'G2'), request: { ...job(2, 'G2').request, prompt: 'slow answer' } });
    await asked('tc-m1');
    // Run 2 is the attacker's own; the approval id belongs to run 1.
    expect(await runner.resolveApproval('tc-m2', 'tc-m1-approval', 'allow-once', 'MALLORY', 'G2')).toEqual({ resolved: false, refusal: 'not-pending' });
    expect(await runner.resolveApproval('tc-m1', 'tc-m1-approval', 'allow-once', 'ALICE', 'G1')).toEqual({ resolved: true });
    await runner.drain();
    expect(approvalOf(finalOf('tc-m1').meta)).toMatchObject({ status: 'approved', decidedBy: 'ALICE' });
  });

  it('refuses a decision the engine did not offer, and accepts an offered one afterwards', async () => {
    const { runner, finalOf, asked } = setup();
    await runner.start(job(3));
    await asked('tc-m3');
    expect(await runner.resolveApproval('tc-m3', 'tc-m3-approval', 'allow-always', 'ALICE', 'G1')).toEqual({ resolved: false, refusal: 'decision-not-offered' });
    expect(await runner.resolveApproval('tc-m3', 'tc-m3-approval', 'deny', 'ALICE', 'G1')).toEqual({ resolved: true });
    await runner.drain();
    expect(approvalOf(finalOf('tc-m3').meta)).toMatchObject({ status: 'denied' });
  });

  it('accepts a decision once: a replay is refused', async () => {
    const { runner, asked } = setup();
    await runner.start(job(4));
    await asked('tc-m4');
    const [first, second] = await Promise.all([
      runner.resolveApproval('tc-m4', 'tc-m4-approval', 'allow-once', 'ALICE', 'G1'),
      runner.resolveApproval('tc-m4', 'tc-m4-approval', 'deny', 'BOB', 'G1'),
    ]);
    expect([first, second]).toEqual([{ resolved: true }, { resolved: false, refusal: 'not-pending' }]);
    await runner.drain();
  });

  it('refuses an expired approval', async () => {
    const { runner, finalOf, asked } = setup(50);
    await runner.start(job(5));
    await asked('tc-m5');
    await new Promise((r) => setTimeout(r, 120));
    // The expiry denied it and the run ended: nothing here takes the decision any more.
    expect(await runner.resolveApproval('tc-m5', 'tc-m5-approval', 'allow-once', 'ALICE', 'G1')).toEqual({ resolved: false });
    await runner.drain();
    expect(approvalOf(finalOf('tc-m5').meta)).toMatchObject({ status: 'expired' });
  });

  it('refuses a decision authorized for another group than the run\'s', async () => {
    const { runner, asked } = setup();
    await runner.start(job(6, 'G1'));
    await asked('tc-m6');
    expect(await runner.resolveApproval('tc-m6', 'tc-m6-approval', 'allow-once', 'MALLORY', 'G2')).toEqual({ resolved: false, refusal: 'wrong-run' });
    expect(await runner.resolveApproval('tc-m6', 'tc-m6-approval', 'allow-once', 'MALLORY', null)).toEqual({ resolved: false, refusal: 'wrong-run' });
    expect(await runner.resolveApproval('tc-m6', 'tc-m6-approval', 'allow-once', 'ALICE', 'G1')).toEqual({ resolved: true });
    await runner.drain();
  });

  it('in a DM refuses the approval at once with a clear message unless the requester is a global approver', async () => {
    const { runner, finalOf, asked } = setup();
    await runner.start(job(7, null));
    await runner.drain();
    const refused = finalOf('tc-m7');
    expect(refused.meta.status).toBe('error');
    expect(refused.content).toContain(DM_APPROVAL_REFUSED_TEXT.split(' · ')[0]);
    expect(approvalOf(refused.meta)).toMatchObject({ status: 'denied' });
    expect(refused.meta.blocks).not.toContainEqual(expect.objectContaining({ type: 'tool', name: 'exec' }));

    await runner.start(job(8, null, { selfApproval: true }));
    await asked('tc-m8');
    expect(await runner.resolveApproval('tc-m8', 'tc-m8-approval', 'allow-once', 'U', null)).toEqual({ resolved: true });
    await runner.drain();
    expect(finalOf('tc-m8').meta.blocks).toContainEqual(expect.objectContaining({ type: 'tool', name: 'exec', status: 'succeeded' }));
  });
});

describe('the approval book', () => {
  it('offers all decisions when the engine names none, refuses past expiry, forgets a closed run', () => {
    let now = 1000;
    const book = createApprovalBook(() => now);
    book.offer('r1', 'a1', undefined, 2000);
    book.offer('r1', 'a2', ['deny']);
    expect(book.take('r1', 'a2', 'allow-once')).toEqual({ ok: false, refusal: 'decision-not-offered' });
    now = 2000;
    expect(book.take('r1', 'a1', 'allow-always')).toEqual({ ok: false, refusal: 'not-pending' });
    book.offer('r2', 'b1', undefined);
    expect(book.take('r2', 'b1', 'allow-always')).toEqual({ ok: true });
    book.closeRun('r1');
    expect(book.pendingIn('r1')).toEqual([]);
  });
});
