import { describe, expect, it } from 'vitest';
import { sessionKeyFor } from '../../../../bridge/session/keys.js';

const base = { agentId: 'main', groupId: 'G1', converseId: 'P1', userId: 'U1' };

describe('sessionKeyFor', () => {
  it('maps a group to one session, whatever the panel', () => {
    expect(sessionKeyFor({ ...base, scope: 'group' })).toBe('agent:main:tailchat:group:g1');
    expect(sessionKeyFor({ ...base, converseId: 'P2', scope: 'group' })).toBe('agent:main:tailchat:group:g1');
  });
  it('narrows to a panel or a reply thread when asked', () => {
    expect(sessionKeyFor({ ...base, scope: 'panel' })).toBe('agent:main:tailchat:group:g1:channel:p1');
    expect(sessionKeyFor({ ...base, scope: 'thread', threadRootId: 'M9' })).toBe('agent:main:tailchat:group:g1:channel:p1:thread:m9');
    expect(sessionKeyFor({ ...base, scope: 'thread' })).toBe('agent:main:tailchat:group:g1:channel:p1');
  });
  it('gives each DM user their own session and uses the agent id', () => {
    expect(sessionKeyFor({ agentId: 'coder', scope: 'group', converseId: 'C', userId: 'U7' })).toBe('agent:coder:tailchat:direct:u7');
  });
  it('refuses ids that could forge another key', () => {
    expect(() => sessionKeyFor({ ...base, groupId: 'g1:thread:x', scope: 'group' })).toThrow(/unsafe id/);
  });
});
