import { describe, expect, it } from 'vitest';
import { agentOfAuthor, parseAgentUsers } from '../../../plugins/com.yourcompany.ai/src/agents.js';
import { defaultAgentChoices } from '../../../plugins/com.yourcompany.ai/src/settings/default-agent.js';
import type { AgentView } from '../../../protocol/actions.js';

const helper: AgentView = { agentId: 'helper', userId: 'u_helper', nickname: 'Helper', starterPrompts: ['Explain this error'], isDefault: true };
const coder: AgentView = { agentId: 'coder', userId: 'u_coder', nickname: 'Coder', avatar: 'https://example.com/c.png', starterPrompts: [], isDefault: false };

describe("the agents the web client learns from getAgentUsers", () => {
  it('keeps the agent views the server names', () => {
    const known = parseAgentUsers({ userIds: ['u_helper', 'u_coder'], agents: [helper, coder] });
    expect([...known.userIds]).toEqual(['u_helper', 'u_coder']);
    expect(known.agents).toEqual([helper, coder]);
  });

  it('a backend from before named agents (userIds only) still names who speaks for the agent', () => {
    const known = parseAgentUsers({ userIds: ['u_bot'] });
    expect(known.userIds.has('u_bot')).toBe(true);
    expect(known.agents).toEqual([]);
  });

  it('an answer that names no user is refused (asked again later), as before', () => {
    expect(() => parseAgentUsers({ userIds: [] })).toThrow();
    expect(() => parseAgentUsers({ agents: [helper] })).toThrow();
    expect(() => parseAgentUsers(undefined)).toThrow();
  });

  it('a malformed agent entry is left out; an agent whose bot is not an agent user never speaks for one', () => {
    const known = parseAgentUsers({ userIds: ['u_helper'], agents: [{ agentId: 'x' }, helper, { ...coder }, 'nonsense'] });
    expect(known.agents.map((a) => a.agentId)).toEqual(['helper']);
  });

  it('keeps at most four starter prompts, only non-empty strings', () => {
    const known = parseAgentUsers({ userIds: ['u_helper'], agents: [{ ...helper, starterPrompts: ['a', '', 3, 'b', 'c', 'd', 'e'] }] });
    expect(known.agents[0]?.starterPrompts).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('which agent wrote a reply (the label under it)', () => {
  const known = parseAgentUsers({ userIds: ['u_helper', 'u_coder', 'u_legacy'], agents: [helper, coder] });

  it("is the agent whose bot is the message's author", () => {
    expect(agentOfAuthor(known, 'u_coder')?.nickname).toBe('Coder');
    expect(agentOfAuthor(known, 'u_helper')?.nickname).toBe('Helper');
  });

  it("a member's message is nobody's, whatever it carries", () => {
    expect(agentOfAuthor(known, 'u_alice')).toBeUndefined();
    expect(agentOfAuthor(known, undefined)).toBeUndefined();
  });

  it('an agent user the server gives no view of is unnamed (the label then says only AI-generated)', () => {
    expect(agentOfAuthor(known, 'u_legacy')).toBeUndefined();
  });

  it('nothing is known before the server answered', () => {
    expect(agentOfAuthor(undefined, 'u_helper')).toBeUndefined();
  });
});

describe('the default agent select of the group settings', () => {
  it('offers the member agents, and the stored default even when it is not a member', () => {
    const view = {
      agents: [
        { ...helper, member: false },
        { ...coder, member: true },
        { ...coder, agentId: 'writer', userId: 'u_writer', nickname: 'Writer', member: false },
      ],
      defaultAgentId: 'helper',
      canConfigure: true,
    };
    expect(defaultAgentChoices(view).map((a) => a.agentId)).toEqual(['helper', 'coder']);
  });
});
