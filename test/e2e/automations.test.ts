/**
 * Scheduled tasks on the real Tailchat with the scripted engine's in-process schedules (issue #22,
 * items 1, 2, 4, 5): `/remind` creates a job bound to the panel; its result arrives once, as the
 * agent, labelled with the job and its creator; `/schedule` lists, pauses, resumes and deletes;
 * a member without `schedule` is refused (chat and HTTP); a failing run posts one notice.
 * The real gateway's side (restart, two instances): test/openclaw/engine.gateway.test.ts for the
 * engine; the end-to-end OpenClaw path is still to come (README "Scheduled tasks").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_SERVICE } from '../../services/names.js';
import { AUTOMATION_ACTIONS, SCHEDULED_META_KEY, type AutomationView, type ScheduledMeta } from '../../protocol/automations.js';
import { aiMeta, type WireMessage } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TestUser } from '../tailchat/api.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

describe('scheduled tasks (scripted engine)', () => {
  let stack: Stack;
  let owner: TestUser;
  let alice: TestUser;
  let socket: TailchatSocket;
  const scheduledBy = (jobShortId: string) =>
    socket.events<WireMessage>('notify:chat.message.add').filter((m) => {
      const s = m.meta?.[SCHEDULED_META_KEY] as ScheduledMeta | undefined;
      return m.author === stack.botUserId && s !== undefined && s.jobId.startsWith(jobShortId);
    });
  /** Sends a command to the agent and returns its answer (a reply to the command). */
  const command = async (text: string, as: TestUser = owner) => {
    const { groupId, panelId } = stack.group!;
    const sent = await stack.api.sendMessage(as.token, { converseId: panelId, groupId, content: `[at=${stack.botUserId}]AI[/at] ${text}`, meta: { mentions: [stack.botUserId] } });
    const answer = await socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === stack.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === sent._id, 30_000);
    return answer.content;
  };
  const shortIdIn = (answer: string) => /\(id ([0-9a-z-]{8})/.exec(answer)?.[1] ?? '';
  const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    stack = await startStack({ label: 'automations', bundle: false, users: ['owner', 'alice'], group: { name: 'automations', members: ['alice'] } });
    ({ owner, alice } = stack.users as { owner: TestUser; alice: TestUser });
    stack.startBundle({ AI_ENGINE: 'scripted', AI_SCRIPTED_CHUNK_DELAY_MS: '5', AI_AUTOMATION_MIN_INTERVAL_MS: '1000', AI_AUTOMATION_CATCH_UP_MS: '1500' });
    await stack.waitForAgent();
    socket = await connectSocket(stack.tc.url, owner.token);
  }, 240_000);
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
  });

  it('/remind: the job is bound to the panel; its result arrives once, as the agent, labelled with the job and its creator', async () => {
    const answer = await command('/remind in 3 seconds stand-up time');
    expect(answer).toContain('⏰ Scheduled');
    const id = shortIdIn(answer);
    expect(id).toHaveLength(8);
    await expect.poll(() => scheduledBy(id).length, { timeout: 20_000, interval: 250 }).toBe(1);
    const [result] = scheduledBy(id);
    expect(result!.converseId).toBe(stack.group!.panelId);
    expect(result!.content).toContain('stand-up time');
    expect(result!.meta?.[SCHEDULED_META_KEY]).toMatchObject({ name: 'stand-up time', creatorId: owner.userId });
    expect(aiMeta(result!)?.status).toBe('done');
    // Past two catch-up sweeps (every 1.5 s here): still once.
    await quiet(3_500);
    expect(scheduledBy(id)).toHaveLength(1);
  });

  it('a member without `schedule` is refused in chat and over HTTP; listing is for every member', async () => {
    expect(await command('/remind in 3 seconds mine', alice)).toContain('do not have permission to schedule tasks');
    const { groupId } = stack.group!;
    const listed = await stack.api.call<{ automations: AutomationView[] }>(`${CHAT_SERVICE}.${AUTOMATION_ACTIONS.listAutomations}`, { groupId }, alice.token);
    expect(Array.isArray(listed.automations)).toBe(true);
    const refused = await stack.api.request(`${CHAT_SERVICE}.${AUTOMATION_ACTIONS.changeAutomation}`, { groupId, jobId: 'sj-00000', change: 'delete' }, alice.token);
    expect(refused.status).toBe(403);
    expect(await command('/schedule delete sj-00000', alice)).toContain('do not have permission to schedule tasks');
  });

  it('/schedule lists, pauses, resumes and deletes a recurring task', async () => {
    const id = shortIdIn(await command('/remind every 2 seconds ping the team'));
    await expect.poll(() => scheduledBy(id).length, { timeout: 20_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(await command('/schedule list')).toContain(`${id} · every 2 seconds`);
    expect(await command(`/schedule pause ${id}`)).toContain('Paused');
    const paused = scheduledBy(id).length;
    await quiet(3_000); // more than an interval
    expect(scheduledBy(id).length).toBe(paused);
    expect(await command(`/schedule resume ${id}`)).toContain('Resumed');
    await expect.poll(() => scheduledBy(id).length, { timeout: 20_000, interval: 250 }).toBeGreaterThan(paused);
    expect(await command(`/schedule delete ${id}`)).toContain('Deleted');
    const deleted = scheduledBy(id).length;
    await quiet(3_000);
    expect(scheduledBy(id).length).toBe(deleted);
    expect(await command('/schedule list')).not.toContain(id);
    // Who created and changed it is in the group's audit log.
    const { entries } = await stack.api.call<{ entries: { action: string; actor: string; details: Record<string, unknown> }[] }>(`${CHAT_SERVICE}.getAuditLog`, { groupId: stack.group!.groupId }, owner.token);
    const ofJob = entries.filter((e) => String(e.details.jobId ?? '').startsWith(id)).map((e) => [e.action, e.actor, e.details.change ?? null]);
    expect(ofJob).toEqual([
      ['automation.changed', owner.userId, 'delete'],
      ['automation.changed', owner.userId, 'resume'],
      ['automation.changed', owner.userId, 'pause'],
      ['automation.created', owner.userId, null],
    ]);
  });

  it('a failing run posts one notice in its panel', async () => {
    const id = shortIdIn(await command('/remind in 2 seconds this run will fail'));
    await expect.poll(() => scheduledBy(id).length, { timeout: 20_000, interval: 250 }).toBe(1);
    expect(scheduledBy(id)[0]!.content).toMatch(/failed/i);
    await quiet(3_500);
    expect(scheduledBy(id)).toHaveLength(1);
  });
});
