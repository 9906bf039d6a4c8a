import { describe, expect, it } from 'vitest';
import { agentReplyOf, carriesAgentMeta } from '../../../../bridge/message/agent-reply.js';
import { AI_META_KEY } from '../../../../protocol/blocks.js';

const BOT = 'bot0000000000000000000001';
const meta = (extra: Record<string, unknown> = {}) => ({ [AI_META_KEY]: { v: 1, runId: 'tc-m1', engine: 'scripted', status: 'done', blocks: [], ...extra } });

describe('our meta on stored messages (server side)', () => {
  it('is a reply of the run on a message of the bot', () => {
    expect(agentReplyOf({ author: BOT, meta: meta() }, [BOT])).toEqual({ runId: 'tc-m1', partIndex: 1 });
    expect(agentReplyOf({ author: BOT, meta: meta({ part: { index: 2, count: 3 } }) }, [BOT])).toEqual({ runId: 'tc-m1', partIndex: 2 });
  });

  it('is nothing on a member\'s message, or a message without an author', () => {
    expect(agentReplyOf({ author: 'U_MALLORY', meta: meta() }, [BOT])).toBeUndefined();
    expect(agentReplyOf({ meta: meta() }, [BOT])).toBeUndefined();
  });

  it('is nothing when the bot\'s message carries no run id', () => {
    expect(agentReplyOf({ author: BOT, meta: { [AI_META_KEY]: { blocks: [] } } }, [BOT])).toBeUndefined();
    expect(agentReplyOf({ author: BOT, meta: {} }, [BOT])).toBeUndefined();
  });

  it('tells whether a message carries our meta at all', () => {
    expect(carriesAgentMeta(meta())).toBe(true);
    expect(carriesAgentMeta({ reply: { _id: 'x' } })).toBe(false);
    expect(carriesAgentMeta(undefined)).toBe(false);
  });
});
