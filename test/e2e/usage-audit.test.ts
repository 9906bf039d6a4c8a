/**
 * Usage metering, the monthly token budget and the audit log on the real Tailchat (NATS, no
 * Redis: usage and audit entries live in the plugin's own collections in Tailchat's MongoDB,
 * which the test launcher passes as AI_MONGO_URL), with the scripted engine,
 * which reports token usage like a model. The bundle runs as its own process with /metrics on.
 * - runs and tokens are counted per group, member and agent, and in /metrics by engine and agent;
 * - the counts survive a restart of the bundle;
 * - only members with the configure permission may read usage and the audit log;
 * - a settings change and an approval are in the audit log, with who did it;
 * - once the month's budget is used up a prompt gets the budget message; /help still answers;
 *   raising the budget lets prompts run again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLogPage, UsageReport } from '../../protocol/admin.js';
import { PERMISSIONS } from '../../protocol/actions.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, startConversation, type Conversation, type WireMessage } from '../support/conversation.js';
import { freePort } from '../support/redis-server.js';
import type { ChatMessage } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { CHAT_SERVICE } from '../../services/names.js';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

describe('usage, budgets and the audit log on the real Tailchat', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let conv: Conversation;
  let metricsPort: number;

  const startBundle = (label: string) =>
    stack.startBundle(
      {
        AI_ENGINE: 'scripted',
        AI_SCRIPTED_CHUNK_DELAY_MS: '20',
        AI_STREAM_INTERVAL_MS: '100',
        AI_METRICS_PORT: String(metricsPort),
      },
      label,
    );
  const usage = (token = conv.alice.token) => conv.api.call<UsageReport>(`${CHAT_SERVICE}.getUsage`, { groupId: conv.groupId }, token);
  const auditLog = () => conv.api.call<AuditLogPage>(`${CHAT_SERVICE}.getAuditLog`, { groupId: conv.groupId }, conv.alice.token);
  /** Usage is written right after the final message: poll until the expected run count. */
  const usageWithRuns = async (runs: number) => {
    let last: UsageReport | undefined;
    await expect.poll(async () => (last = await usage()).totals.runs, { timeout: 10_000 }).toBe(runs);
    return last!;
  };
  const metric = async (line: RegExp) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const hit = text.split('\n').find((l) => line.test(l));
    return hit ? Number(hit.split(' ').at(-1)) : 0;
  };
  const botReplyTo = (prompt: ChatMessage) =>
    conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id, 20_000);

  beforeAll(async () => {
    stack = await startStack({ label: 'usage', bundle: false });
    ({ tc } = stack);
    metricsPort = await freePort();
    bundle = startBundle('bundle-usage');
    await stack.waitForAgent();
    conv = await startConversation(tc);
  });
  afterAll(async () => {
    conv?.close();
    await stack?.stop();
  });

  it('counts runs and tokens per group, member and agent, and in /metrics by engine and agent', async () => {
    const tokensBefore = await metric(/^tcai_tokens_total\{engine="scripted",agent="assistant",kind="total"\} /);
    const runsBefore = await metric(/^tcai_agent_runs_total\{engine="scripted",agent="assistant"\} /);
    expect((await usage()).totals).toEqual({ runs: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 });

    for (const [text, who] of [['first question', conv.alice], ['a second, longer question with some code', conv.alice], ['question from bob', conv.bob]] as const) {
      const prompt = await conv.ask(text, who);
      expect((await conv.finalReplyTo(prompt)).content).toContain(`You said: "${text}"`);
    }
    const report = await usageWithRuns(3);
    expect(report.totals.totalTokens).toBeGreaterThan(0);
    expect(report.totals.totalTokens).toBe(report.totals.inputTokens + report.totals.outputTokens);
    expect(report.users.map((u) => [u.id, u.runs])).toEqual([
      [conv.alice.userId, 2],
      [conv.bob.userId, 1],
    ]);
    expect(report.users.reduce((n, u) => n + u.totalTokens, 0)).toBe(report.totals.totalTokens);
    expect(report.agents).toEqual([{ id: 'assistant', ...report.totals }]);
    expect(report.engines).toEqual([{ id: 'scripted', ...report.totals }]);
    expect(report.budget).toBeNull();
    const now = new Date();
    expect(report.month).toBe(now.toISOString().slice(0, 7));
    expect(report.renewsOn).toBe(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10));

    expect(await metric(/^tcai_agent_runs_total\{engine="scripted",agent="assistant"\} /)).toBe(runsBefore + 3);
    expect(await metric(/^tcai_tokens_total\{engine="scripted",agent="assistant",kind="total"\} /)).toBe(tokensBefore + report.totals.totalTokens);
    expect(await metric(/^tcai_tokens_total\{engine="scripted",agent="assistant",kind="input"\} /)).toBeGreaterThan(0);
  });

  it('members without the configure permission get 403 from getUsage and getAuditLog; strangers 401', async () => {
    for (const action of ['getUsage', 'getAuditLog']) {
      const asBob = await conv.api.request(`${CHAT_SERVICE}.${action}`, { groupId: conv.groupId }, conv.bob.token);
      expect(asBob.status).toBe(403);
      expect(((await asBob.json()) as { message: string }).message).toContain('"configure" permission');
      expect((await conv.api.request(`${CHAT_SERVICE}.${action}`, { groupId: conv.groupId })).status).toBe(401);
    }
    expect((await conv.api.request(`${CHAT_SERVICE}.getUsage`, { groupId: conv.groupId, month: '2026-13' }, conv.alice.token)).status).toBe(422);
    // A role with the configure key opens it.
    const roleId = await conv.api.createGroupRole(conv.alice.token, conv.groupId, 'AI admins', [PERMISSIONS.configure]);
    await conv.api.appendGroupMemberRoles(conv.alice.token, conv.groupId, [conv.bob.userId], [roleId]);
    expect((await usage(conv.bob.token)).totals.runs).toBe(3);
  });

  it('keeps the counts across a restart of the bundle (stored in the plugin store)', async () => {
    const before = await usage();
    await bundle.stop();
    bundle = startBundle('bundle-usage-2');
    await stack.waitForAgent();
    await expect.poll(async () => (await conv.api.request(`${CHAT_SERVICE}.getUsage`, { groupId: conv.groupId }, conv.alice.token)).status, { timeout: 30_000 }).toBe(200);
    expect(await usage()).toEqual(before);
  });

  it('records a settings change and an approval in the audit log, newest first, with who did it', async () => {
    const before = (await auditLog()).entries.length;
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { sessionScope: 'panel' } }, conv.alice.token);
    // Saving the same values again changes nothing and records nothing.
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { sessionScope: 'panel' } }, conv.alice.token);

    const prompt = await conv.ask('please approve the build');
    const draft = await conv.bobSocket.waitFor<WireMessage>(
      'notify:chat.message.update',
      (u) => aiMeta(u)?.runId === `tc-${prompt._id}` && aiMeta(u)!.blocks.some((b) => b.type === 'approval'),
      15_000,
    );
    const approval = aiMeta(draft)!.blocks.find((b) => b.type === 'approval') as unknown as { approvalId: string };
    await conv.api.call(`${CHAT_SERVICE}.resolveApproval`, { runId: `tc-${prompt._id}`, approvalId: approval.approvalId, decision: 'allow-once' }, conv.alice.token);
    await conv.finalReplyTo(prompt);

    const { entries } = await auditLog();
    expect(entries).toHaveLength(before + 2);
    expect(entries[0]).toMatchObject({
      groupId: conv.groupId,
      actor: conv.alice.userId,
      action: 'approval.decided',
      details: { runId: `tc-${prompt._id}`, approvalId: approval.approvalId, decision: 'allow-once' },
    });
    expect(entries[1]).toMatchObject({ actor: conv.alice.userId, action: 'settings.changed', details: { changes: { sessionScope: { from: 'group', to: 'panel' } } } });
    expect(Date.parse(entries[0]!.at)).toBeGreaterThanOrEqual(Date.parse(entries[1]!.at));
    // The log lines stay, for log shippers.
    expect(bundle.output()).toContain('audit: approval decided');
  });

  it('refuses prompts with the budget message once the month is used up; /help still works; a higher budget lets them run', async () => {
    const used = (await usageWithRuns(4)).totals.totalTokens;
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { monthlyTokenBudget: used } }, conv.alice.token);
    expect((await usage()).budget).toBe(used);

    const refused = await conv.ask('one more question please');
    const notice = await botReplyTo(refused);
    const now = new Date();
    const monthName = `${MONTH_NAMES[now.getUTCMonth()]} ${now.getUTCFullYear()}`;
    const renews = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    expect(notice.content).toContain(`This group has used its AI budget for ${monthName} (${used.toLocaleString('en-US')} of ${used.toLocaleString('en-US')} tokens). It renews on ${renews}; an admin can raise it in the AI settings.`);
    expect(aiMeta(notice)).toBeUndefined(); // a plain notice, not a run
    expect((await usage()).totals.runs).toBe(4);
    expect(bundle.output()).toContain('refused: monthly token budget used up');

    const help = await conv.ask('/help');
    expect((await botReplyTo(help)).content).toContain('Commands: /stop');

    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { monthlyTokenBudget: used * 10 } }, conv.alice.token);
    const allowed = await conv.ask('and now?');
    expect((await conv.finalReplyTo(allowed)).content).toContain('You said: "and now?"');
    await usageWithRuns(5);
    const budgetChange = (await auditLog()).entries.find((e) => e.action === 'settings.changed');
    expect(budgetChange?.details).toEqual({ changes: { monthlyTokenBudget: { from: used, to: used * 10 } } });
  });
});
