import { describe, expect, it } from 'vitest';
import { isAgentReply } from '../../../plugins/com.yourcompany.ai/src/meta.js';

const meta = { 'com.yourcompany.ai': { v: 1, runId: 'tc-6561f0a1b2c3d4e5f6a7b8c9', engine: 'scripted', status: 'done', blocks: [] } };
const AGENTS: ReadonlySet<string> = new Set(['u_bot']);

describe('which messages render as agent panels (web client)', () => {
  it('our meta on a message of an agent user is an agent reply', () => {
    expect(isAgentReply({ author: 'u_bot', meta }, AGENTS)).toBe(true);
  });

  it('the same meta on a member\'s message is only its plain text', () => {
    expect(isAgentReply({ author: 'u_mallory', meta }, AGENTS)).toBe(false);
  });

  it('nothing is an agent reply until the server has named the agent users', () => {
    expect(isAgentReply({ author: 'u_bot', meta }, undefined)).toBe(false);
  });

  it('a message of the bot without our meta, or without an author, is not one either', () => {
    expect(isAgentReply({ author: 'u_bot', meta: { mentions: [] } }, AGENTS)).toBe(false);
    expect(isAgentReply({ meta }, AGENTS)).toBe(false);
  });
});
