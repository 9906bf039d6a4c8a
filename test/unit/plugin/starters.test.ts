import { describe, expect, it } from 'vitest';
import { parseAgentUsers } from '../../../plugins/com.yourcompany.ai/src/agents.js';
import { dmAgents, dmConversationStarting, dmStarterMessage, groupStarterAgents, groupStarterMessage } from '../../../plugins/com.yourcompany.ai/src/starters/place.js';
import type { AgentView } from '../../../protocol/actions.js';

const helper: AgentView = { agentId: 'helper', userId: 'u_helper', nickname: 'Helper', starterPrompts: ['Explain this error', 'Draft a reply'], isDefault: true };
const coder: AgentView = { agentId: 'coder', userId: 'u_coder', nickname: 'Coder', starterPrompts: ['Review my diff'], isDefault: false };
const quiet: AgentView = { agentId: 'quiet', userId: 'u_quiet', nickname: 'Quiet', starterPrompts: [], isDefault: false };

describe('which agents a place offers starter prompts for', () => {
  it('in a group: the member agents that have prompts, in the config order', () => {
    const offered = groupStarterAgents({ agents: [{ ...helper, member: false }, { ...coder, member: true }, { ...quiet, member: true }] });
    expect(offered).toEqual([coder]);
  });

  it('in a DM: the agents whose bot is a member of it', () => {
    const known = parseAgentUsers({ userIds: ['u_helper', 'u_coder'], agents: [helper, coder] });
    expect(dmAgents(known, ['u_alice', 'u_coder']).map((a) => a.agentId)).toEqual(['coder']);
    expect(dmAgents(known, ['u_alice', 'u_bob'])).toEqual([]);
  });
});

describe('the message a chosen prompt becomes', () => {
  it('in a group: the mention Tailchat\'s @ picker sends (BBCode tag and meta.mentions), then the prompt', () => {
    expect(groupStarterMessage(coder, 'Review my diff')).toEqual({ content: '[at=u_coder]Coder[/at] Review my diff', meta: { mentions: ['u_coder'] } });
  });

  it('brackets in a nickname cannot end the mention tag early', () => {
    expect(groupStarterMessage({ userId: 'u_x', nickname: 'Bot [/at] [b]x[/b]' }, 'hi').content).toBe('[at=u_x]Bot /at bx/b[/at] hi');
    expect(groupStarterMessage({ userId: 'u_x', nickname: '[]' }, 'hi').content).toBe('[at=u_x]u_x[/at] hi');
  });

  it('in a DM: the prompt as it reads, no mention', () => {
    expect(dmStarterMessage('Draft a reply')).toEqual({ content: 'Draft a reply' });
  });
});

describe('when a DM is at its start (the chips show)', () => {
  const agentUsers = new Set(['u_helper']);
  it('an empty DM, or one where only the agent wrote', () => {
    expect(dmConversationStarting([], agentUsers)).toBe(true);
    expect(dmConversationStarting(undefined, agentUsers)).toBe(true);
    expect(dmConversationStarting([{ author: 'u_helper' }], agentUsers)).toBe(true);
  });
  it('not once the user has written', () => {
    expect(dmConversationStarting([{ author: 'u_helper' }, { author: 'u_alice' }], agentUsers)).toBe(false);
    expect(dmConversationStarting([{}], agentUsers)).toBe(false);
  });
});
