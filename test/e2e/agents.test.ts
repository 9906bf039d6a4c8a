/**
 * Agents as members, on the real Tailchat: the default agent comes into every group by itself (the
 * groups that existed before the bundle started, and new ones on their first message), admins add
 * and remove agents (the server checks `configure`), each agent answers as its own bot user only
 * where it is a member, and two agents in one group keep separate conversations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_SERVICE } from '../../services/names.js';
import { ACTIONS, type AgentUsersView, type GroupAgentsView } from '../../protocol/actions.js';
import { aiMeta, type WireMessage } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TestUser } from '../tailchat/api.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

const AGENTS = [
  { id: 'assistant', nickname: 'AI Assistant', starterPrompts: ['What can you do?'] },
  { id: 'reviewer', nickname: 'Code Reviewer', instructions: 'Review code.' },
];

describe('agents are members of their groups', () => {
  let stack: Stack;
  let owner: TestUser;
  let member: TestUser;
  let socket: TailchatSocket;
  let agents: AgentUsersView['agents'];
  /** A group made before the bundle started (an install upgraded to agents as members). */
  let olderGroup: { groupId: string; textPanelId: string };
  const userOf = (agentId: string) => agents.find((a) => a.agentId === agentId)!.userId;
  /** The group's members as its owner's client gets them. */
  const membersOf = async (groupId: string) => ((await stack.api.getUserGroups(owner.token)).find((g) => g._id === groupId)?.members ?? []).map((m) => m.userId);
  const groupAgents = (groupId: string, as = owner) => stack.api.call<GroupAgentsView>(`${CHAT_SERVICE}.${ACTIONS.getGroupAgents}`, { groupId }, as.token);
  const setAgent = (groupId: string, agentId: string, member: boolean, as = owner) => stack.api.request(`${CHAT_SERVICE}.${ACTIONS.setGroupAgent}`, { groupId, agentId, member }, as.token);
  const ask = (groupId: string, panelId: string, agentId: string, text: string, as = member) =>
    stack.api.sendMessage(as.token, { converseId: panelId, groupId, content: `[at=${userOf(agentId)}]x[/at] ${text}`, meta: { mentions: [userOf(agentId)] } });
  const replyTo = (promptId: string, timeoutMs = 30_000) =>
    socket.waitFor<WireMessage>('notify:chat.message.add', (m) => (m.meta?.reply as { _id?: string } | undefined)?._id === promptId && !['streaming', 'queued'].includes(aiMeta(m)?.status ?? ''), timeoutMs);

  beforeAll(async () => {
    stack = await startStack({ label: 'agents', bundle: false, users: ['owner', 'alice'], group: { name: 'agents group', members: ['alice'] } });
    ({ owner, alice: member } = stack.users as { owner: TestUser; alice: TestUser });
    olderGroup = await stack.api.createGroup(owner.token, 'made before the bundle');
    stack.startBundle({ AI_AGENTS: JSON.stringify(AGENTS), AI_SCRIPTED_CHUNK_DELAY_MS: '5' });
    await stack.waitForAgent();
    agents = (await stack.api.call<AgentUsersView>(`${CHAT_SERVICE}.${ACTIONS.getAgentUsers}`, {}, member.token)).agents;
    socket = await connectSocket(stack.tc.url, member.token);
  });
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
  });

  it('every signed-in user learns the agents: bot users of their own, the first one the default', () => {
    expect(agents.map((a) => [a.agentId, a.nickname, a.isDefault])).toEqual([['assistant', 'AI Assistant', true], ['reviewer', 'Code Reviewer', false]]);
    expect(new Set(agents.map((a) => a.userId)).size).toBe(2);
    expect(agents[0]!.starterPrompts).toEqual(['What can you do?']);
  });

  it('the default agent joined the groups that existed before, by itself; the other agent did not', async () => {
    await expect.poll(() => membersOf(olderGroup.groupId), { timeout: 30_000, interval: 500 }).toContain(userOf('assistant'));
    expect(await membersOf(olderGroup.groupId)).not.toContain(userOf('reviewer'));
  });

  it('a new group: the first mention is answered by the default agent, which is a member from then on', async () => {
    const { groupId, textPanelId } = await stack.api.createGroup(owner.token, 'brand new');
    const ownerSocket = await connectSocket(stack.tc.url, owner.token);
    try {
      const prompt = await ask(groupId, textPanelId, 'assistant', 'hello there', owner);
      const reply = await ownerSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id && aiMeta(m)?.status === 'done', 30_000);
      expect(reply.author).toBe(userOf('assistant'));
      expect(await membersOf(groupId)).toContain(userOf('assistant'));
    } finally {
      ownerSocket.close();
    }
  });

  it('an admin adds an agent; a member without `configure` cannot (refused by the server)', async () => {
    const { groupId } = stack.group!;
    expect((await setAgent(groupId, 'reviewer', true, member)).status).toBe(403);
    expect(await membersOf(groupId)).not.toContain(userOf('reviewer'));
    const seen = await groupAgents(groupId, member);
    expect(seen.canConfigure).toBe(false);
    expect(seen.agents.find((a) => a.agentId === 'reviewer')?.member).toBe(false);
    expect((await setAgent(groupId, 'reviewer', true)).status).toBe(200);
    expect(await membersOf(groupId)).toContain(userOf('reviewer'));
    expect((await groupAgents(groupId)).agents.map((a) => [a.agentId, a.member])).toEqual([['assistant', true], ['reviewer', true]]);
    expect((await setAgent(groupId, 'nobody', true)).status).toBe(404);
  });

  it('each agent answers as its own bot user, with its instructions, and two agents never share a conversation', async () => {
    const { groupId, panelId } = stack.group!;
    const first = await ask(groupId, panelId, 'assistant', 'first for the assistant');
    expect((await replyTo(first._id)).author).toBe(userOf('assistant'));
    const second = await ask(groupId, panelId, 'assistant', 'second for the assistant');
    expect((await replyTo(second._id)).content).toContain('turn 2 of this conversation; before that you said: "first for the assistant"');
    const review = await ask(groupId, panelId, 'reviewer', 'please review');
    const reviewed = await replyTo(review._id);
    expect(reviewed.author).toBe(userOf('reviewer'));
    expect(reviewed.content).toContain('Following my instructions: "Review code."');
    expect(reviewed.content).toContain('This is turn 1 of this conversation.');
  });

  it('a removed agent stops answering there at once; the audit log names who did it', async () => {
    const { groupId, panelId } = stack.group!;
    expect((await setAgent(groupId, 'reviewer', false, member)).status).toBe(403);
    expect((await setAgent(groupId, 'reviewer', false)).status).toBe(200);
    expect(await membersOf(groupId)).not.toContain(userOf('reviewer'));
    const ignored = await ask(groupId, panelId, 'reviewer', 'are you there?');
    // The assistant's answer to a later prompt comes after anything the reviewer would have said.
    const later = await ask(groupId, panelId, 'assistant', 'and you?');
    await replyTo(later._id);
    expect(socket.events<WireMessage>('notify:chat.message.add').filter((m) => m.author === userOf('reviewer') && (m.meta?.reply as { _id?: string } | undefined)?._id === ignored._id)).toEqual([]);
    const audit = await stack.api.call<{ entries: { action: string; actor: string; details: Record<string, unknown> }[] }>(`${CHAT_SERVICE}.getAuditLog`, { groupId }, owner.token);
    expect(audit.entries.filter((e) => e.action.startsWith('agent.')).map((e) => [e.action, e.actor, e.details.agentId])).toEqual([
      ['agent.removed', owner.userId, 'reviewer'],
      ['agent.added', owner.userId, 'reviewer'],
    ]);
  });
});
