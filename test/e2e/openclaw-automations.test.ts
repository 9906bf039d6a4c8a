/**
 * Scheduled tasks on the real OpenClaw gateway through the real Tailchat (issue #22, item 6): the
 * fake model server answers the job's turn; "remind us in 5 seconds to …" (and `/remind`) creates an OpenClaw cron job bound to the
 * group's session and its result arrives in the panel once; the bundle killed before the job
 * fires and started again afterwards still posts it once (caught up from the session's history);
 * two instances post it once (the claim in the plugin's database); a failing run posts one notice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULED_META_KEY, type ScheduledMeta } from '../../protocol/automations.js';
import type { Script } from '../model-server/server.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { type WireMessage } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TestUser } from '../tailchat/api.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

const TICK = 'Good morning team: stand-up in 5 minutes.';
const script: Script = [
  { match: '[[tick-fails]]', reply: { kind: 'error', status: 400, message: 'scripted failure of a scheduled run' } },
  { match: '[[tick]]', reply: { kind: 'text', text: TICK } },
];

describe('scheduled tasks on the real OpenClaw gateway', () => {
  let stack: Stack;
  let owner: TestUser;
  let socket: TailchatSocket;
  let first: BundleProcess;
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-automations-'));
  const env = (n: number) => ({
    AI_NODE_ID: `tcai-auto-${n}-${process.pid}`,
    OPENCLAW_DEVICE_IDENTITY_PATH: join(dir, `device-${n}.json`),
    AI_AUTOMATION_CATCH_UP_MS: '1500',
    AI_STREAM_INTERVAL_MS: '200',
  });
  const scheduledBy = (id: string) =>
    socket.events<WireMessage>('notify:chat.message.add').filter((m) => ((m.meta?.[SCHEDULED_META_KEY] as ScheduledMeta | undefined)?.jobId ?? '').startsWith(id));
  const command = async (text: string) => {
    const { groupId, panelId } = stack.group!;
    const sent = await stack.api.sendMessage(owner.token, { converseId: panelId, groupId, content: `[at=${stack.botUserId}]AI[/at] ${text}`, meta: { mentions: [stack.botUserId] } });
    const answer = await socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === stack.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === sent._id, 60_000);
    return answer.content;
  };
  const shortIdIn = (answer: string) => /\(id ([0-9a-z-]{8})/i.exec(answer)?.[1] ?? '';
  const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    stack = await startStack({ label: 'openclaw-automations', model: { script }, gateway: {}, bundle: false, users: ['owner'], group: { name: 'scheduled' } });
    owner = stack.users.owner!;
    first = stack.startBundle(env(1), 'bundle-auto-1');
    await stack.waitForAgent();
    socket = await connectSocket(stack.tc.url, owner.token);
    // A job commits to the group's session: the group has talked to the agent before.
    const { groupId, panelId } = stack.group!;
    const hello = await stack.api.sendMessage(owner.token, { converseId: panelId, groupId, content: `[at=${stack.botUserId}]AI[/at] hello there`, meta: { mentions: [stack.botUserId] } });
    await socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === stack.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === hello._id && (m.meta?.['com.yourcompany.ai'] as { status?: string } | undefined)?.status === 'done', 60_000);
  }, 240_000);
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('a reminder asked in words creates a gateway job; its result arrives in the panel once, as the agent', async () => {
    const id = shortIdIn(await command('remind us in 5 seconds to [[tick]] post the stand-up time'));
    expect(id).not.toBe('');
    await expect.poll(() => scheduledBy(id).length, { timeout: 60_000, interval: 250 }).toBe(1);
    expect(scheduledBy(id)[0]!.content).toContain(TICK);
    expect(scheduledBy(id)[0]!.author).toBe(stack.botUserId);
    await quiet(3_500); // two catch-up sweeps
    expect(scheduledBy(id)).toHaveLength(1);
  }, 120_000);

  it('the bundle killed before the job fires and started after it fired: the result is caught up, once', async () => {
    const id = shortIdIn(await command('/remind in 4 seconds [[tick]] while away'));
    await first.kill();
    // The job's turn reaches the model while no bundle runs; its result is then committed to the session.
    const asked = stack.model!.requests.length;
    await expect.poll(() => stack.model!.requests.slice(asked).some((r) => r.userText.includes('while away')), { timeout: 30_000, interval: 250 }).toBe(true);
    await quiet(2_000);
    expect(scheduledBy(id)).toHaveLength(0);
    first = stack.startBundle(env(1), 'bundle-auto-1b');
    await expect.poll(() => scheduledBy(id).length, { timeout: 60_000, interval: 250 }).toBe(1);
    await quiet(3_500);
    expect(scheduledBy(id)).toHaveLength(1);
  }, 150_000);

  it('two instances: the result is posted once', async () => {
    const second = stack.startBundle(env(2), 'bundle-auto-2');
    // Its first catch-up watches the group's session (the job store is shared): both instances get the result.
    await second.waitForOutput(/automations: started/, 60_000);
    const id = shortIdIn(await command('/remind in 4 seconds [[tick]] for both'));
    await expect.poll(() => scheduledBy(id).length, { timeout: 60_000, interval: 250 }).toBe(1);
    await quiet(4_000);
    expect(scheduledBy(id)).toHaveLength(1);
    await second.stop();
  }, 150_000);

  it('a failing run posts one notice', async () => {
    const id = shortIdIn(await command('/remind in 4 seconds [[tick-fails]] broken'));
    await expect.poll(() => scheduledBy(id).length, { timeout: 60_000, interval: 250 }).toBe(1);
    expect(scheduledBy(id)[0]!.content).toMatch(/failed/i);
    await quiet(3_500);
    expect(scheduledBy(id)).toHaveLength(1);
  }, 120_000);
});
