/** The configured agents: today's single assistant without `agents`, named agents with their bot users, and the config's refusals. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../config/load.js';
import { createRoster, LEGACY_AGENT_ID } from '../../../../bridge/agents/roster.js';

describe('the roster of agents', () => {
  it('without `agents`, one agent made of `bot`: the existing bot user, joining groups like the assistant did', () => {
    const roster = createRoster(loadConfig({ bot: { id: 'acme.ai', nickname: 'Acme AI' } }, {}));
    expect(roster.agents).toEqual([{ id: LEGACY_AGENT_ID, botId: 'acme.ai', nickname: 'Acme AI', starterPrompts: [], joinGroups: true, isDefault: true }]);
    expect(createRoster(loadConfig({ groupDefaults: { enabled: false } }, {})).defaultAgent.joinGroups).toBe(false);
  });

  it('named agents: the first keeps the plugin bot and joins groups, the others get bot users of their own and are added by admins', () => {
    const roster = createRoster(
      loadConfig({}, { AI_AGENTS: JSON.stringify([
        { id: 'assistant', nickname: 'AI Assistant', starterPrompts: ['What can you do?'] },
        { id: 'reviewer', nickname: 'Reviewer', engine: 'openclaw', engineAgentId: 'review' },
        { id: 'writer', nickname: 'Writer', instructions: 'Write tersely.', joinGroups: true },
      ]) }),
    );
    expect(roster.agents.map((a) => [a.id, a.botId, a.joinGroups, a.isDefault])).toEqual([
      ['assistant', 'com.yourcompany.ai', true, true],
      ['reviewer', 'com.yourcompany.ai.reviewer', false, false],
      ['writer', 'com.yourcompany.ai.writer', true, false],
    ]);
    expect(roster.byId('reviewer')).toMatchObject({ engine: 'openclaw', engineAgentId: 'review' });
    expect(roster.defaultAgent.starterPrompts).toEqual(['What can you do?']);
  });

  it('refuses agents that would collide or mislead, naming the key', () => {
    const agents = (list: unknown[]) => () => loadConfig({}, { AI_AGENTS: JSON.stringify(list) });
    expect(agents([{ id: 'a', nickname: 'A' }, { id: 'a', nickname: 'B' }])).toThrow(/agent ids must be unique/);
    expect(agents([{ id: 'a', nickname: 'A' }, { id: 'b', nickname: 'B', botId: 'com.yourcompany.ai' }])).toThrow(/share the bot id com\.yourcompany\.ai/);
    expect(agents([{ id: 'a', nickname: 'A', engine: 'openclaw', instructions: 'x' }])).toThrow(/OpenClaw agent keeps its instructions/);
    expect(agents([{ id: 'Bad Id', nickname: 'A' }])).toThrow(/agents/);
    expect(agents([{ id: 'a', nickname: 'A', starterPrompts: ['1', '2', '3', '4', '5'] }])).toThrow(/starterPrompts/);
    expect(agents([])).toThrow(/agents/);
    expect(() => loadConfig({}, { AI_AGENTS: '[{' })).toThrow(/AI_AGENTS|JSON/);
  });
});
