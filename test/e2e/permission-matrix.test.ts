/**
 * The permission matrix on the real Tailchat: every plugin action over HTTP
 * (`/api/plugin:com.yourcompany.ai/<action>`, X-Token) and every chat command, as owner, named
 * approver, a member with each capability (Tailchat group roles), a member with none, an
 * outsider, signed out, and the DM roles; each cell is asserted against test/support/authz-matrix.ts.
 * Then a seeded, bounded fuzz: random users × random objects × actions, allowed only where the
 * same matrix says so. One Tailchat, one bundle, users and groups made once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, POLICY_ACTIONS, type PolicyAction } from '../../bridge/policy/table.js';
import { PERMISSIONS } from '../../protocol/actions.js';
import { LEGACY_AGENT_ID as DEFAULT_AGENT_ID } from '../../bridge/agents/roster.js';
import { PLUGIN } from '../support/agent-stack.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { startStack, type Stack } from '../support/stack.js';
import { aiMeta, botUserIdOn, type WireMessage } from '../support/conversation.js';
import { DM_MATRIX, DM_ROLES, GROUP_MATRIX, GROUP_ROLES, type Cell, type DmRole, type GroupRole } from '../support/authz-matrix.js';
import { createUser, TailchatApi, type TestUser } from '../tailchat/api.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

const HTTP_ACTIONS = POLICY_ACTIONS.filter((a): a is Exclude<PolicyAction, `chat.${string}`> => !a.startsWith('chat.'));
const CHAT_COMMANDS = POLICY_ACTIONS.filter((a): a is Extract<PolicyAction, `chat.${string}`> => a.startsWith('chat.'));
const COMMAND_TEXT: Record<(typeof CHAT_COMMANDS)[number], string> = {
  'chat.prompt': 'hello there',
  'chat.stop': '/stop',
  'chat.new': '/new',
  'chat.summarize': '/summarize 5',
  'chat.stats': '/stats',
  'chat.help': '/help',
  // A one-shot far ahead: a granted one is created (and never fires during the test).
  'chat.remind': '/remind in 300 days matrix check',
  'chat.schedule': '/schedule list',
};
const replyTo = (m: WireMessage) => (m.meta?.reply as { _id?: string } | undefined)?._id;
const isFinal = (m: WireMessage) => !['streaming', 'queued'].includes(aiMeta(m)?.status ?? '');

/** An HTTP answer read as a matrix cell: refusals are 401, 403, and the 404 of an object the caller may not see. */
async function cellOfResponse(action: string, res: Response): Promise<Cell> {
  const text = await res.text();
  if (res.status === 401 || res.status === 403) return 'no';
  if (res.status === 404 && text.includes('not visible to you')) return 'no';
  expect(res.status, `${action}: ${text.slice(0, 300)}`).toBeLessThan(500);
  // The access questions answer `allowed` instead of refusing.
  if (action === 'getToolOutputAccess' || action === 'getRegenerateAccess') return (JSON.parse(text) as { data: { allowed: boolean } }).data.allowed ? 'yes' : 'no';
  return 'yes';
}

/** A chat reply read as a matrix cell: the policy's refusals, the stop scope, or an answer. */
function cellOfReply(content: string): Cell {
  if (content.includes('do not have permission') || content.includes('does not answer your direct messages') || content.includes('not available in a direct message')) return 'no';
  if (content.includes('None of your replies is running')) return 'own';
  return 'yes';
}

describe('permission matrix on the real Tailchat', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let bundle: BundleProcess;
  let api: TailchatApi;
  let botUserId: string;
  const users = {} as Record<Exclude<GroupRole, 'signed-out'>, TestUser> & { dm: Record<Exclude<DmRole, 'signed-out'>, TestUser> };
  let groupId: string;
  let panelId: string;
  let sharedDmId: string;
  let globalDmId: string;
  /** Objects: a group run by the requester (with a private tool call), the DM requester's run, the global approver's (waiting for approval). */
  const runs = { group: '', dm: '', globalDm: '' };
  /** The finished replies of the group run and the DM run (the objects of voteReply). */
  const replies = { group: '', dm: '' };
  /** A run's finished reply; anything else names a message that does not exist. */
  const replyIdOf = (runId: string | undefined) => (runId === runs.group ? replies.group : runId === runs.dm ? replies.dm : '000000000000000000000000');
  const sockets: TailchatSocket[] = [];
  let ownerSocket: TailchatSocket;
  let dmSocket: TailchatSocket;
  let globalSocket: TailchatSocket;

  const finalReply = (socket: TailchatSocket, messageId: string, what = messageId) =>
    socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === botUserId && replyTo(m) === messageId && isFinal(m), 30_000).catch((err: Error) => {
      throw new Error(`no answer to ${what}: ${err.message}`);
    });
  /** The agent's first message answering `messageId`: a refusal is a plain reply, a run shows its draft first. */
  const firstAnswer = (socket: TailchatSocket, messageId: string, what: string) =>
    socket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === botUserId && replyTo(m) === messageId, 30_000).catch((err: Error) => {
      throw new Error(`no answer to ${what}: ${err.message}`);
    });
  const mention = (text: string) => ({ content: `[at=${botUserId}]AI[/at] ${text}`, meta: { mentions: [botUserId] } });

  beforeAll(async () => {
    stack = await startStack({ label: 'authz-matrix', bundle: false });
    tc = stack.tc;
    api = new TailchatApi(tc.url);
    const groupNames = GROUP_ROLES.filter((r): r is Exclude<GroupRole, 'signed-out'> => r !== 'signed-out');
    // Tailchat caps nicknames at 20 characters; createUser adds a 15-character tag.
    const made = await Promise.all(groupNames.map((r) => createUser(api, r.slice(0, 4))));
    groupNames.forEach((r, i) => (users[r] = made[i]!));
    const dmNames = DM_ROLES.filter((r): r is Exclude<DmRole, 'signed-out'> => r !== 'signed-out');
    const dmMade = await Promise.all(dmNames.map((r) => createUser(api, `d${r.slice(0, 3)}`)));
    users.dm = Object.fromEntries(dmNames.map((r, i) => [r, dmMade[i]!])) as typeof users.dm;
    bundle = stack.startBundle(
      {
        AI_SCRIPTED_CHUNK_DELAY_MS: '5',
        AI_STREAM_INTERVAL_MS: '100',
        AI_INVOKE_BY_DEFAULT: 'false',
        AI_RATE_USER_PER_MIN: '0',
        AI_RATE_GROUP_PER_MIN: '0',
        AI_DM_ACCESS: 'listed',
        AI_DM_ALLOWED_USERS: [users.dm.requester, users.dm.global, users.dm.other].map((u) => u.userId).join(','),
        AI_GLOBAL_APPROVERS: users.dm.global.userId,
      },
      'bundle-authz-matrix',
    );
    await stack.waitForAgent();
    botUserId = await botUserIdOn(tc);

    ({ groupId, textPanelId: panelId } = await api.createGroup(users.owner.token, 'matrix'));
    for (const r of ['named', 'approve', 'configure', 'schedule', 'requester', 'plain'] as const) await api.joinGroup(users.owner.token, groupId, users[r].token);
    const roles = {
      approve: await api.createGroupRole(users.owner.token, groupId, 'AI approvers', [PERMISSIONS.approve]),
      configure: await api.createGroupRole(users.owner.token, groupId, 'AI admins', [PERMISSIONS.configure]),
      invoke: await api.createGroupRole(users.owner.token, groupId, 'AI users', [PERMISSIONS.invoke]),
      schedule: await api.createGroupRole(users.owner.token, groupId, 'AI schedulers', [PERMISSIONS.schedule]),
    };
    await api.appendGroupMemberRoles(users.owner.token, groupId, [users.named.userId, users.approve.userId], [roles.approve]);
    await api.appendGroupMemberRoles(users.owner.token, groupId, [users.configure.userId], [roles.configure]);
    await api.appendGroupMemberRoles(users.owner.token, groupId, [users.requester.userId], [roles.invoke]);
    await api.appendGroupMemberRoles(users.owner.token, groupId, [users.schedule.userId], [roles.schedule]);
    await api.call(`${PLUGIN}.saveGroupSettings`, { groupId, settings: { approvers: [users.named.userId] } }, users.owner.token);

    ownerSocket = await connectSocket(tc.url, users.owner.token);
    sharedDmId = (await api.createDMConverse(users.dm.requester.token, [botUserId, users.dm.unlisted.userId, users.dm.other.userId]))._id;
    globalDmId = (await api.createDMConverse(users.dm.global.token, [botUserId]))._id;
    dmSocket = await connectSocket(tc.url, users.dm.requester.token);
    globalSocket = await connectSocket(tc.url, users.dm.global.token);
    sockets.push(ownerSocket, dmSocket, globalSocket);

    const groupPrompt = await api.sendMessage(users.requester.token, { converseId: panelId, groupId, ...mention('use a tool please') });
    const dmPrompt = await api.sendMessage(users.dm.requester.token, { converseId: sharedDmId, content: 'use a tool please' });
    const globalPrompt = await api.sendMessage(users.dm.global.token, { converseId: globalDmId, content: 'please approve my build' });
    runs.group = `tc-${groupPrompt._id}`;
    runs.dm = `tc-${dmPrompt._id}`;
    runs.globalDm = `tc-${globalPrompt._id}`;
    replies.group = (await finalReply(ownerSocket, groupPrompt._id))._id;
    replies.dm = (await finalReply(dmSocket, dmPrompt._id))._id;
    // The global approver's own DM run waits on its approval card (the policy let it through).
    await globalSocket.waitFor<WireMessage>('notify:chat.message.update', (u) => aiMeta(u)?.runId === runs.globalDm && aiMeta(u)!.blocks.some((b) => b.type === 'approval' && (b as { status?: string }).status === 'pending'), 15_000);
  }, 240_000);

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await stack?.stop();
  });

  /** The body of an action on an object: a group id, or a run id (with its tool call / approval ids). */
  const bodyOf = (action: (typeof HTTP_ACTIONS)[number], object: { groupId?: string; runId?: string }): Record<string, unknown> => {
    switch (action) {
      case 'saveGroupSettings':
        return { groupId: object.groupId, settings: {} };
      case 'setGroupAgent':
        // The default agent is already a member: an allowed call changes nothing.
        return { groupId: object.groupId, agentId: DEFAULT_AGENT_ID, member: true };
      case 'getToolOutput':
        return { runId: object.runId, toolCallId: `${object.runId}-t1` };
      case 'resolveApproval':
        return { runId: object.runId, approvalId: `${object.runId}-approval`, decision: 'deny' };
      case 'voteReply':
        return { messageId: replyIdOf(object.runId), vote: 'up' };
      case 'getMyVotes':
        return { messageIds: [replies.group, replies.dm] };
      case 'changeAutomation':
        // No such task: an allowed caller is told so (404), a refused one is refused first.
        return { groupId: object.groupId, jobId: 'deadbeef', change: 'pause' };
      default:
        return POLICY[action].on === 'run' ? { runId: object.runId } : { groupId: object.groupId };
    }
  };
  const callAs = async (action: (typeof HTTP_ACTIONS)[number], user: TestUser | undefined, object: { groupId?: string; runId?: string }) =>
    cellOfResponse(action, await api.request(`${PLUGIN}.${action}`, bodyOf(action, object), user?.token));

  it('every plugin action over HTTP, in a group, per role', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    for (const action of HTTP_ACTIONS) {
      for (const role of GROUP_ROLES) {
        const user = role === 'signed-out' ? undefined : users[role];
        seen.push(`${action} ${role} ${await callAs(action, user, { groupId, runId: runs.group })}`);
        expected.push(`${action} ${role} ${GROUP_MATRIX[action][role]}`);
      }
    }
    expect(seen).toEqual(expected);
  });

  it('every run and reply action over HTTP, in a DM, per role', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    for (const action of HTTP_ACTIONS.filter((a) => POLICY[a].on === 'run' || POLICY[a].on === 'reply')) {
      for (const role of DM_ROLES) {
        const user = role === 'signed-out' ? undefined : users.dm[role];
        // A vote's object is the requester's DM reply for everyone: the global approver is not in that DM.
        const runId = role === 'global' && action !== 'voteReply' ? runs.globalDm : runs.dm;
        seen.push(`${action} ${role} ${await callAs(action, user, { runId })}`);
        expected.push(`${action} ${role} ${DM_MATRIX[action]![role]}`);
      }
    }
    expect(seen).toEqual(expected);
  });

  it('every chat command, in a group and in a DM, per role', async () => {
    // Nothing may be running when /stop is sent (a stop that ends a run answers through that
    // run's reply): the global approver's Regenerate above waits on its approval card.
    const regenerated = `${runs.globalDm}.r2`;
    expect(await api.call(`${PLUGIN}.stopRun`, { runId: regenerated }, users.dm.global.token)).toEqual({ stopped: true });
    await globalSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => aiMeta(m)?.runId === regenerated && isFinal(m), 15_000);
    const seen: string[] = [];
    const expected: string[] = [];
    for (const command of CHAT_COMMANDS) {
      for (const role of GROUP_ROLES) {
        let cell: Cell;
        if (role === 'signed-out' || role === 'outsider') {
          // Tailchat itself refuses the message: only members post in a group's panels.
          const res = await api.request('chat.message.sendMessage', { converseId: panelId, groupId, ...mention(COMMAND_TEXT[command]) }, role === 'outsider' ? users.outsider.token : undefined);
          cell = res.status === 200 && (JSON.parse(await res.text()) as { code?: number }).code === 200 ? 'yes' : 'no';
        } else {
          const sent = await api.sendMessage(users[role].token, { converseId: panelId, groupId, ...mention(COMMAND_TEXT[command]) });
          cell = cellOfReply((await firstAnswer(ownerSocket, sent._id, `${command} by ${role} in the group`)).content);
        }
        seen.push(`${command} group ${role} ${cell}`);
        expected.push(`${command} group ${role} ${GROUP_MATRIX[command][role]}`);
      }
      for (const role of DM_ROLES) {
        let cell: Cell;
        if (role === 'signed-out') {
          const res = await api.request('chat.message.sendMessage', { converseId: sharedDmId, content: COMMAND_TEXT[command] });
          cell = res.status === 200 ? 'yes' : 'no';
        } else {
          const [converseId, socket] = role === 'global' ? [globalDmId, globalSocket] : [sharedDmId, dmSocket];
          const sent = await api.sendMessage(users.dm[role].token, { converseId, content: COMMAND_TEXT[command] });
          cell = cellOfReply((await firstAnswer(socket, sent._id, `${command} by ${role} in a DM`)).content);
        }
        seen.push(`${command} dm ${role} ${cell}`);
        expected.push(`${command} dm ${role} ${DM_MATRIX[command]![role]}`);
      }
    }
    expect(seen).toEqual(expected);
  });

  it('seeded authorization fuzz: random users × objects × actions are allowed only where the matrix says', async () => {
    const seed = Number(process.env.AUTHZ_FUZZ_SEED ?? 18);
    let state = seed >>> 0;
    // mulberry32: a small seeded generator, so a failure replays with the same seed.
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    type Who = { kind: 'group'; role: GroupRole } | { kind: 'dm'; role: DmRole };
    const everyone: Who[] = [...GROUP_ROLES.map((role) => ({ kind: 'group' as const, role })), ...DM_ROLES.filter((r) => r !== 'signed-out').map((role) => ({ kind: 'dm' as const, role }))];
    const objects = ['group', 'group-run', 'dm-run', 'global-dm-run', 'unknown-run'] as const;
    const userOf = (w: Who) => (w.role === 'signed-out' ? undefined : w.kind === 'group' ? users[w.role as Exclude<GroupRole, 'signed-out'>] : users.dm[w.role as Exclude<DmRole, 'signed-out'>]);
    const expectedCell = (action: (typeof HTTP_ACTIONS)[number], who: Who, object: (typeof objects)[number]): Cell => {
      if (who.role === 'signed-out') return 'no';
      if (object === 'group' || object === 'group-run') return who.kind === 'group' ? GROUP_MATRIX[action][who.role] : 'no';
      if (object === 'dm-run') return who.kind === 'dm' && who.role !== 'global' ? DM_MATRIX[action]![who.role] : 'no';
      if (object === 'global-dm-run') return who.kind === 'dm' && who.role === 'global' ? DM_MATRIX[action]!.global : 'no';
      return 'no';
    };
    const mismatches: string[] = [];
    for (let i = 0; i < 60; i++) {
      const who = pick(everyone);
      const object = pick(objects);
      const action = pick(HTTP_ACTIONS.filter((a) => POLICY[a].on !== 'nothing' && (POLICY[a].on === 'group') === (object === 'group')));
      const target =
        object === 'group' ? { groupId } : { runId: { 'group-run': runs.group, 'dm-run': runs.dm, 'global-dm-run': runs.globalDm, 'unknown-run': 'tc-000000000000000000000000' }[object] };
      const got = await callAs(action, userOf(who), target);
      const want = expectedCell(action, who, object);
      if (got !== want) mismatches.push(`#${i} ${who.kind}:${who.role} ${action} on ${object}: got ${got}, matrix says ${want}`);
    }
    expect(mismatches, `seed ${seed}`).toEqual([]);
  });
});
