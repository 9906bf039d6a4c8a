/**
 * A streamed reply the way the backend delivers it: an unpersisted draft message, partial
 * `notify:chat.message.update`s merged into the store, then the stored message replacing the
 * draft. Also the Stop button, approval decisions and Retry on a failed reply (the requests they
 * send, and server refusals shown as toasts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../protocol/actions.js';
import type { AnyBlock } from '../../protocol/blocks.js';
import { GROUP_ID, PANEL_ID, aiMessage, aiMeta } from './support/fixtures.js';
import { SHOTS, startWebHost, type WebHost } from './support/webhost.js';

let host: WebHost;

beforeAll(async () => {
  host = await startWebHost();
  await host.loadPlugins();
});
afterAll(async () => {
  await host?.close();
});

const RUN = 'tc-650000000000000000000001';

function update(id: string, content: string, blocks: AnyBlock[], status: 'streaming' | 'done' | 'error' | 'aborted' = 'streaming') {
  return { _id: id, converseId: PANEL_ID, content, meta: { 'com.yourcompany.ai': aiMeta(blocks, status, { runId: RUN }) } };
}

describe('live updates', () => {
  it('re-renders as partial updates arrive, then the stored message replaces the draft', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('draft-1', '', aiMeta([], 'queued', { runId: RUN })));
    const draft = page.locator('[data-message-id="draft-1"]');
    await draft.locator('[data-testid="tcai-run-status"][data-status="queued"]').waitFor();
    expect(await draft.locator('[data-testid="tcai-stop"]').isVisible()).toBe(true);

    const words = ['Reading', 'the', 'repository', 'and', 'planning', 'the', 'change…'];
    for (let i = 1; i <= words.length; i++) {
      const text = words.slice(0, i).join(' ');
      await page.evaluate((u) => window.__host.updateMessage(u), update('draft-1', text, [{ type: 'markdown', text }]));
      await draft.locator('[data-testid="tcai-markdown"]', { hasText: text }).waitFor({ timeout: 5_000 });
    }
    expect(await draft.locator('[data-testid="tcai-run-status"]').getAttribute('data-status')).toBe('streaming');
    await page.evaluate(
      (u) => window.__host.updateMessage(u),
      update('draft-1', 'Reading the repository and planning the change…', [
        { type: 'markdown', text: 'Reading the repository and planning the change…' },
        { type: 'tool', toolCallId: 'c1', name: 'grep', status: 'running', args: { pattern: 'TODO' } },
      ])
    );
    await draft.locator('[data-testid="tcai-tool"][data-status="running"]').waitFor();
    await draft.screenshot({ path: `${SHOTS}/20-live-streaming.png` });
    await page.evaluate(
      (u) => window.__host.updateMessage(u),
      update('draft-1', 'done', [
        { type: 'markdown', text: 'Reading the repository and planning the change…' },
        { type: 'tool', toolCallId: 'c1', name: 'grep', status: 'succeeded', args: { pattern: 'TODO' }, result: '3 matches' },
      ])
    );
    await draft.locator('[data-testid="tcai-tool"][data-status="succeeded"]').waitFor();

    // The final message arrives (notify:chat.message.add), the draft goes (notify:chat.message.delete).
    const final = aiMessage('final-1', 'All done.', aiMeta([{ type: 'markdown', text: 'All **done**.' }], 'done', { runId: RUN }));
    await page.evaluate((m) => window.__host.addMessage(m), final);
    await page.evaluate(() => window.__host.deleteMessage('draft-1'));
    const stored = page.locator('[data-message-id="final-1"]');
    await stored.locator('[data-testid="tcai-markdown"] strong', { hasText: 'done' }).waitFor();
    expect(await page.locator('[data-message-id="draft-1"]').count()).toBe(0);
    expect(await stored.locator('[data-testid="tcai-run-status"]').count()).toBe(0);
    expect(await stored.locator('[data-testid="host-content"]').isVisible()).toBe(false);
  });

  it('shows error and aborted runs', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('err', 'failed', aiMeta([{ type: 'error', kind: 'unavailable', message: 'OpenClaw gateway is down' }], 'error')));
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('abrt', 'stopped', aiMeta([{ type: 'markdown', text: 'Partial answer' }], 'aborted')));
    const err = page.locator('[data-message-id="err"]');
    await err.locator('[data-testid="tcai-run-status"][data-status="error"]').waitFor();
    expect(await err.locator('[data-testid="tcai-error"]').innerText()).toContain('Engine unavailable');
    expect(await err.locator('[data-testid="tcai-stop"]').count()).toBe(0);
    const aborted = page.locator('[data-message-id="abrt"]');
    await aborted.locator('[data-testid="tcai-run-status"][data-status="aborted"]').waitFor();
    expect(await aborted.locator('[data-testid="tcai-run-status"]').innerText()).toContain('Stopped');
    expect(await aborted.locator('[data-testid="tcai-stop"]').count()).toBe(0);
  });
});

describe('stop', () => {
  it('posts stopRun with the run id, and shows a refusal as a toast', async () => {
    const { page } = host;
    const runId = 'tc-650000000000000000000002';
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('s1', '…', aiMeta([{ type: 'markdown', text: 'Working' }], 'streaming', { runId })));
    const stop = page.locator('[data-message-id="s1"] [data-testid="tcai-stop"]');

    host.respond(ACTIONS.stopRun, () => ({ status: 403, body: { code: 403, name: 'MoleculerClientError', message: 'Only the requester or an approver can stop this run.' } }));
    await stop.click();
    await page.locator('[data-testid="host-toast"][data-type="error"]', { hasText: 'Only the requester or an approver can stop this run.' }).waitFor();
    expect(await stop.isEnabled()).toBe(true);

    host.respond(ACTIONS.stopRun, () => ({ status: 200, body: { code: 200, data: { stopped: true } } }));
    await stop.click();
    await expect.poll(() => host.requests.filter((r) => r.action === 'stopRun').length).toBe(2);
    const request = host.requests.filter((r) => r.action === 'stopRun').at(-1)!;
    expect(request.body).toEqual({ runId });
    expect(request.headers['x-token']).toBe('test-jwt');
    expect(await stop.isDisabled()).toBe(true); // until the status leaves 'streaming'
    await page.evaluate((u) => window.__host.updateMessage(u), { _id: 's1', converseId: PANEL_ID, meta: { 'com.yourcompany.ai': aiMeta([{ type: 'markdown', text: 'Working' }], 'aborted', { runId }) } });
    await page.locator('[data-message-id="s1"] [data-testid="tcai-run-status"][data-status="aborted"]').waitFor();
  });
});

describe('approval', () => {
  const runId = 'tc-650000000000000000000003';
  const pending = (approvalId: string): AnyBlock => ({ type: 'approval', approvalId, command: 'kubectl rollout restart deploy/api', status: 'pending' });

  it('Approve posts resolveApproval {runId, approvalId, decision} and then shows who decided', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('ap1', 'needs approval', aiMeta([pending('ap-1')], 'streaming', { runId })));
    const card = page.locator('[data-message-id="ap1"] [data-testid="tcai-approval"]');
    await card.locator('[data-testid="tcai-approval-approve"]').click();
    await expect.poll(() => host.requests.filter((r) => r.action === 'resolveApproval').length).toBe(1);
    expect(host.requests.find((r) => r.action === 'resolveApproval')!.body).toEqual({ runId, approvalId: 'ap-1', decision: 'allow-once' });
    expect(await card.locator('[data-testid="tcai-approval-deny"]').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/30-approval-sending.png` });

    await page.evaluate(
      (u) => window.__host.updateMessage(u),
      { _id: 'ap1', converseId: PANEL_ID, groupId: GROUP_ID, meta: { 'com.yourcompany.ai': aiMeta([{ ...pending('ap-1'), status: 'approved', decidedBy: 'u_bob' }], 'streaming', { runId }) } }
    );
    await card.locator('[data-testid="tcai-approval-decided"]', { hasText: 'Approved by Bob' }).waitFor();
    expect(await card.getAttribute('data-status')).toBe('approved');
    expect(await card.locator('button').count()).toBe(0);
  });

  it('Always allow and Deny send their decisions; a refusal is a toast and the buttons come back', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('ap2', 'needs approval', aiMeta([pending('ap-2')], 'streaming', { runId })));
    const card = page.locator('[data-message-id="ap2"] [data-testid="tcai-approval"]');

    host.respond(ACTIONS.resolveApproval, () => ({
      status: 403,
      body: { code: 403, name: 'MoleculerClientError', message: 'You do not have the "approve" permission of the AI assistant in this group.' },
    }));
    await card.locator('[data-testid="tcai-approval-deny"]').click();
    await page.locator('[data-testid="host-toast"][data-type="error"]', { hasText: 'You do not have the "approve" permission' }).waitFor();
    expect(await card.locator('[data-testid="tcai-approval-deny"]').isEnabled()).toBe(true);
    expect(host.requests.filter((r) => r.action === 'resolveApproval').at(-1)!.body).toEqual({ runId, approvalId: 'ap-2', decision: 'deny' });
    await page.screenshot({ path: `${SHOTS}/31-approval-refused-toast.png` });

    host.respond(ACTIONS.resolveApproval, () => ({ status: 200, body: { code: 200, data: { ok: true } } }));
    await card.locator('[data-testid="tcai-approval-always"]').click();
    await expect.poll(() => (host.requests.filter((r) => r.action === 'resolveApproval').at(-1)!.body as { decision: string }).decision).toBe('allow-always');
    await page.evaluate(
      (u) => window.__host.updateMessage(u),
      { _id: 'ap2', converseId: PANEL_ID, meta: { 'com.yourcompany.ai': aiMeta([{ ...pending('ap-2'), status: 'denied', decidedBy: 'u_alice' }], 'done', { runId }) } }
    );
    await card.locator('[data-testid="tcai-approval-decided"]', { hasText: 'Denied by Alice' }).waitFor();
  });

  it('offers only the decisions the engine accepts', async () => {
    const { page } = host;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('ap4', 'once only', aiMeta([{ ...pending('ap-4'), decisions: ['allow-once', 'deny'] }], 'streaming', { runId })));
    const card = page.locator('[data-message-id="ap4"] [data-testid="tcai-approval"]');
    await card.locator('[data-testid="tcai-approval-approve"]').waitFor();
    expect(await card.locator('[data-testid="tcai-approval-deny"]').count()).toBe(1);
    expect(await card.locator('[data-testid="tcai-approval-always"]').count()).toBe(0);
  });

  it('an approval past its deadline greys out without a server round trip', async () => {
    const { page } = host;
    const expiresAt = Date.now() + 1_500;
    await page.evaluate((m) => window.__host.addMessage(m), aiMessage('ap3', 'expiring', aiMeta([{ ...pending('ap-3'), expiresAt }], 'streaming', { runId })));
    const card = page.locator('[data-message-id="ap3"] [data-testid="tcai-approval"]');
    await card.locator('[data-testid="tcai-approval-approve"]').waitFor();
    await card.locator('[data-testid="tcai-approval-decided"]', { hasText: 'Expired' }).waitFor({ timeout: 5_000 });
    expect(await card.getAttribute('data-status')).toBe('expired');
  });
});

describe('retry', () => {
  const MAY = 'tc-650000000000000000000011';
  const MAY_NOT = 'tc-650000000000000000000012';
  const failed = (id: string, runId: string, groupId: string) => ({
    ...aiMessage(id, 'failed', aiMeta([{ type: 'error', kind: 'unavailable', message: 'The agent is unavailable right now.' }], 'error', { runId })),
    groupId,
  });

  it('an error reply offers Retry (not Regenerate) only when the server says the user may; a click posts regenerate with its run', async () => {
    const { page } = host;
    host.respond(ACTIONS.getRegenerateAccess, (body) => ({ status: 200, body: { code: 200, data: { allowed: (body as { runId: string }).runId === MAY } } }));
    host.respond(ACTIONS.regenerate, () => ({ status: 200, body: { code: 200, data: { runId: `${MAY}.r2`, attempt: 2 } } }));
    // Groups of their own: the web client remembers the answer per group.
    await page.evaluate((m) => window.__host.addMessage(m), failed('retry-may', MAY, 'g-retry-may'));
    await page.evaluate((m) => window.__host.addMessage(m), failed('retry-may-not', MAY_NOT, 'g-retry-may-not'));

    const may = page.locator('[data-message-id="retry-may"]');
    await may.locator('[data-testid="tcai-error"] [data-testid="tcai-retry"]').click();
    await expect.poll(() => host.requests.filter((r) => r.action === 'regenerate').map((r) => r.body)).toEqual([{ runId: MAY }]);
    expect(await may.locator('[data-testid="tcai-regenerate"]').count()).toBe(0);

    const mayNot = page.locator('[data-message-id="retry-may-not"]');
    await mayNot.locator('[data-testid="tcai-error"]').waitFor();
    await expect.poll(() => host.requests.some((r) => r.action === 'getRegenerateAccess' && (r.body as { runId: string }).runId === MAY_NOT)).toBe(true);
    expect(await mayNot.locator('[data-testid="tcai-retry"], [data-testid="tcai-regenerate"]').count()).toBe(0);
  });

  it('a refusal by the server is a toast', async () => {
    const { page } = host;
    host.respond(ACTIONS.regenerate, () => ({ status: 403, body: { code: 403, message: 'Only the member who asked, or members with the "Use the AI assistant" permission, can regenerate or retry this reply.' } }));
    await page.locator('[data-message-id="retry-may"] [data-testid="tcai-retry"]').click();
    await page.locator('[data-testid="host-toast"][data-type="error"]', { hasText: 'regenerate or retry this reply' }).waitFor();
  });
});
