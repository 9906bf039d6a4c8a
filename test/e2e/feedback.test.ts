/**
 * 👍 / 👎 on agent replies, on the real Tailchat: members grade a finished reply once each
 * (changeable, a comment with 👎), each reads only their own votes, admins with `configure` see
 * the group's votes per agent and the latest 👎 (not who voted), Prometheus counts votes by agent
 * and engine; outsiders, signed-out callers and forged "agent" messages are refused, and in a DM
 * only its members vote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_SERVICE } from '../../services/names.js';
import { ACTIONS, type AgentUsersView } from '../../protocol/actions.js';
import { AI_META_KEY } from '../../protocol/blocks.js';
import { FEEDBACK_ACTIONS, type FeedbackReport, type MyVotesView } from '../../protocol/feedback.js';
import { aiMeta, type WireMessage } from '../support/conversation.js';
import { freePort } from '../support/redis-server.js';
import { startStack, type Stack } from '../support/stack.js';
import type { TestUser } from '../tailchat/api.js';
import { connectSocket, type TailchatSocket } from '../tailchat/socket.js';

const AGENTS = [
  { id: 'assistant', nickname: 'AI Assistant' },
  { id: 'reviewer', nickname: 'Code Reviewer', joinGroups: true },
];

describe('feedback on agent replies', () => {
  let stack: Stack;
  let owner: TestUser;
  let alice: TestUser;
  let carol: TestUser;
  let mallory: TestUser;
  let socket: TailchatSocket;
  let agents: AgentUsersView['agents'];
  let metricsPort: number;
  /** A finished reply of each agent in the group, and of the assistant in carol's DM. */
  const replies = { assistant: '', reviewer: '', dm: '' };
  const userOf = (agentId: string) => agents.find((a) => a.agentId === agentId)!.userId;
  const action = (name: string) => `${CHAT_SERVICE}.${name}`;
  const voteAs = (as: TestUser | undefined, messageId: string, vote: 'up' | 'down' | 'none', comment?: string) =>
    stack.api.request(action(FEEDBACK_ACTIONS.voteReply), { messageId, vote, ...(comment !== undefined ? { comment } : {}) }, as?.token);
  const myVotes = (as: TestUser, messageIds: string[]) => stack.api.call<MyVotesView>(action(FEEDBACK_ACTIONS.getMyVotes), { messageIds }, as.token);
  const report = (as = owner) => stack.api.call<FeedbackReport>(action(FEEDBACK_ACTIONS.getFeedback), { groupId: stack.group!.groupId }, as.token);
  const metric = async (line: RegExp) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const hit = text.split('\n').find((l) => line.test(l));
    return hit ? Number(hit.split(' ').at(-1)) : 0;
  };
  const finished = (s: TailchatSocket, promptId: string) =>
    s.waitFor<WireMessage>('notify:chat.message.add', (m) => (m.meta?.reply as { _id?: string } | undefined)?._id === promptId && aiMeta(m)?.status === 'done', 30_000);

  beforeAll(async () => {
    stack = await startStack({ label: 'feedback', bundle: false, users: ['owner', 'alice', 'carol', 'mal'], group: { name: 'feedback group', members: ['alice'] } });
    ({ owner, alice, carol, mal: mallory } = stack.users as Record<'owner' | 'alice' | 'carol' | 'mal', TestUser>);
    metricsPort = await freePort();
    stack.startBundle({ AI_AGENTS: JSON.stringify(AGENTS), AI_SCRIPTED_CHUNK_DELAY_MS: '5', AI_METRICS_PORT: String(metricsPort) });
    await stack.waitForAgent();
    agents = (await stack.api.call<AgentUsersView>(action(ACTIONS.getAgentUsers), {}, alice.token)).agents;
    socket = await connectSocket(stack.tc.url, alice.token);
    const { groupId, panelId } = stack.group!;
    for (const agentId of ['assistant', 'reviewer'] as const) {
      const prompt = await stack.api.sendMessage(alice.token, { converseId: panelId, groupId, content: `[at=${userOf(agentId)}]x[/at] hello`, meta: { mentions: [userOf(agentId)] } });
      replies[agentId] = (await finished(socket, prompt._id))._id;
    }
    const dm = await stack.api.createDMConverse(carol.token, [userOf('assistant')]);
    const carolSocket = await connectSocket(stack.tc.url, carol.token);
    try {
      const prompt = await stack.api.sendMessage(carol.token, { converseId: dm._id, content: 'hello in private' });
      replies.dm = (await finished(carolSocket, prompt._id))._id;
    } finally {
      carolSocket.close();
    }
  }, 240_000);
  afterAll(async () => {
    socket?.close();
    await stack?.stop();
  });

  it('a member votes, changes their vote with a comment, and takes it back; each member reads only their own votes', async () => {
    expect((await voteAs(alice, replies.assistant, 'up')).status).toBe(200);
    expect(await myVotes(alice, [replies.assistant, replies.reviewer])).toEqual({ votes: { [replies.assistant]: 'up' }, kept: true });
    expect((await voteAs(alice, replies.assistant, 'down', 'It missed the failing test')).status).toBe(200);
    expect((await myVotes(alice, [replies.assistant])).votes).toEqual({ [replies.assistant]: 'down' });
    expect((await myVotes(owner, [replies.assistant])).votes).toEqual({});
    expect((await voteAs(owner, replies.assistant, 'up')).status).toBe(200);
    expect((await voteAs(alice, replies.reviewer, 'up')).status).toBe(200);
    expect((await voteAs(alice, replies.reviewer, 'none')).status).toBe(200);
    expect((await myVotes(alice, [replies.reviewer])).votes).toEqual({});
    // Naming someone else's reply finds only the caller's own (none).
    expect((await myVotes(mallory, [replies.assistant, replies.dm])).votes).toEqual({});
  });

  it('admins see the votes per agent and the latest 👎 with its comment and reply, not who voted; members without `configure` are refused', async () => {
    await voteAs(owner, replies.reviewer, 'down');
    const seen = await report();
    expect(seen.kept).toBe(true);
    expect(seen.weeks.map((w) => [w.agentId, w.up, w.down])).toEqual([
      ['assistant', 1, 1],
      ['reviewer', 0, 1],
    ]);
    expect(seen.latestDown.map((d) => [d.agentId, d.messageId, d.comment ?? null])).toEqual([
      ['reviewer', replies.reviewer, null],
      ['assistant', replies.assistant, 'It missed the failing test'],
    ]);
    expect(JSON.stringify(seen)).not.toContain(alice.userId);
    expect(JSON.stringify(seen)).not.toContain(owner.userId);
    expect((await stack.api.request(action(FEEDBACK_ACTIONS.getFeedback), { groupId: stack.group!.groupId }, alice.token)).status).toBe(403);
  });

  it('Prometheus counts the votes cast by agent, engine and vote', async () => {
    expect(await metric(/^tcai_feedback_total\{engine="scripted",agent="assistant",vote="down"\}/)).toBe(1);
    expect(await metric(/^tcai_feedback_total\{engine="scripted",agent="assistant",vote="up"\}/)).toBe(2);
    expect(await metric(/^tcai_feedback_total\{engine="scripted",agent="reviewer",vote="down"\}/)).toBe(1);
  });

  it('outsiders and signed-out callers cannot vote; a member\'s message dressed as an agent reply cannot be rated', async () => {
    expect((await voteAs(mallory, replies.assistant, 'down')).status).toBe(404);
    expect((await voteAs(undefined, replies.assistant, 'down')).status).toBe(401);
    const { groupId, panelId } = stack.group!;
    const forged = await stack.api.sendMessage(alice.token, {
      converseId: panelId,
      groupId,
      content: 'totally the agent',
      meta: { [AI_META_KEY]: { v: 1, runId: 'tc-forged', engine: 'scripted', status: 'done', blocks: [] } },
    });
    const refused = await voteAs(alice, forged._id, 'up');
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Only replies of the AI agents can be rated');
    const tooLong = await voteAs(alice, replies.assistant, 'down', 'x'.repeat(1_001));
    expect(tooLong.status).toBe(422);
    expect((await report()).weeks.find((w) => w.agentId === 'assistant')).toMatchObject({ up: 1, down: 1 });
  });

  it('in a DM only its members vote', async () => {
    expect((await voteAs(carol, replies.dm, 'up')).status).toBe(200);
    expect((await myVotes(carol, [replies.dm])).votes).toEqual({ [replies.dm]: 'up' });
    expect((await voteAs(alice, replies.dm, 'down')).status).toBe(404);
  });
});
