/**
 * Attachments end to end through the REAL Tailchat and the REAL OpenClaw gateway: files are
 * uploaded through Tailchat's own upload endpoint (`POST /upload` → `file.save` → object storage,
 * as the web client does), referenced in messages with the web client's BBCode, fetched by the
 * bundle's runner from Tailchat's `/static/…` and handed to the gateway as `chat.send`
 * attachments; the fake model server records what reached the model.
 *
 * The gateway's model is declared with image input (`input: ["text", "image"]`), as a vision
 * model would be; the bundle's per-file limit is lowered to 256 KB so "too big" is cheap to hit.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_TEXT } from '../../bridge/attachments/policy.js';
import type { ModelServer, Script } from '../model-server/server.js';
import { buildGatewayConfig, type TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, BOT_NICKNAME, type Conversation } from '../support/conversation.js';
import { noisePng, solidPng } from '../support/png.js';
import { fileCardTag, imageTag, type ChatMessage } from '../tailchat/api.js';
import { startStack, type Stack } from '../support/stack.js';
import { uploadsSettled } from '../tailchat/object-store.js';
import { CHAT_SERVICE } from '../../services/names.js';
const MAX_BYTES = 256 * 1024;

const script: Script = (ctx) => {
  if (!ctx.userText.includes('[[att]]')) return undefined;
  const images = ctx.images.map((i) => `${i.mimeType ?? 'link'}:${i.base64?.length ?? 0}`).join(',');
  return { kind: 'text', text: `Seen ${ctx.images.length} image(s) [${images}].` };
};

let stack: Stack;
let model: ModelServer;
let gateway: TestGateway;
let bundle: BundleProcess;
let conv: Conversation;
/** Any host a message links to: the runner must never call it. */
let bystander: Server;
let bystanderHits = 0;

/** The gateway's config with the fake model accepting images (a vision model). */
function visionModels(modelUrl: string): Record<string, unknown> {
  const models = buildGatewayConfig({ port: 0, token: '', dir: '', modelUrl, modelId: 'fake-coder', approvals: false }).models as {
    providers: { fake: { models: Array<{ input: string[] }> } };
  };
  for (const m of models.providers.fake.models) m.input = ['text', 'image'];
  return models;
}

const marker = () => randomBytes(4).toString('hex');

/** The model requests whose current user text contains `text`. */
const modelRequestsFor = (text: string) => model.requests.filter((r) => r.userText.includes(text));

async function askWith(text: string, tags: string): Promise<ChatMessage> {
  return conv.ask(`${text} ${tags}`);
}

async function uploadAs(name: string, bytes: Uint8Array, type?: string) {
  const uploaded = await conv.api.upload(conv.alice.token, { name, bytes, ...(type ? { type } : {}) });
  await uploadsSettled(stack.tc); // the next upload must not race Tailchat's clean-up (object-store.ts)
  return uploaded;
}

beforeAll(async () => {
  bystander = createServer((_req, res) => {
    bystanderHits++;
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(solidPng(2, 2));
  });
  await new Promise<void>((r) => bystander.listen(0, '127.0.0.1', r));
  stack = await startStack({
    label: 'attachments',
    model: { script },
    gateway: (m) => ({ extraConfig: { models: visionModels(m.url) } }),
    bundle: { env: ({ tc }) => ({ OPENCLAW_APPROVALS: 'false', AI_TAILCHAT_URL: tc.url, AI_ATTACHMENTS_MAX_BYTES: String(MAX_BYTES) }) },
    conversation: true,
  });
  ({ conv, bundle } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((r) => (bystander ? bystander.close(() => r()) : r()));
}, 120_000);

describe('attachments through the real Tailchat and the real OpenClaw gateway', () => {
  it('an image uploaded to Tailchat and sent with a mention reaches the model as image bytes', async () => {
    const png = solidPng(24, 16);
    const uploaded = await uploadAs('red.png', png, 'image/png');
    expect(uploaded.url).toMatch(/^\{BACKEND\}\/static\/files\/.+\.png$/);
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} what colour is this?`, imageTag(uploaded.url, { width: 24, height: 16 }));
    const final = await conv.finalReplyTo(prompt, 90_000);
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toBe(`Seen 1 image(s) [image/png:${png.toString('base64').length}].`);
    const seen = modelRequestsFor(m).at(-1)!;
    expect(seen.images).toEqual([expect.objectContaining({ mimeType: 'image/png', base64: png.toString('base64') })]);
    // the link itself never reached the model as text
    expect(seen.userText).not.toMatch(/static\/files|BACKEND|\[img/);
    expect(seen.userText).toContain('what colour is this?');
  });

  it('a mention that replies to an image message (how the web client sends images) brings that image', async () => {
    const png = solidPng(8, 8, [10, 200, 10]);
    const uploaded = await uploadAs('green.png', png, 'image/png');
    // The web client sends an image as a message of its own, with `plain` "[图片]"...
    const imageMessage = await conv.api.sendMessage(conv.alice.token, {
      converseId: conv.panelId,
      groupId: conv.groupId,
      content: imageTag(uploaded.url, { width: 8, height: 8 }),
      plain: '[图片]',
    });
    // ...then a reply to it that mentions the agent.
    const m = marker();
    const prompt = await conv.api.sendMessage(conv.alice.token, {
      converseId: conv.panelId,
      groupId: conv.groupId,
      content: `[at=${conv.botUserId}]${BOT_NICKNAME}[/at] [[att]] ${m} describe it`,
      meta: { mentions: [conv.botUserId], reply: { _id: imageMessage._id, author: conv.alice.userId, content: imageMessage.content } },
    });
    const final = await conv.finalReplyTo(prompt, 90_000);
    expect(final.content).toBe(`Seen 1 image(s) [image/png:${png.toString('base64').length}].`);
    expect(modelRequestsFor(m).at(-1)!.images.map((i) => i.base64)).toEqual([png.toString('base64')]);
  });

  it('a file card (text file) is handed to the gateway, which gives the agent the file', async () => {
    const text = `# Notes ${marker()}\n\n- first point\n- second point\n`;
    const uploaded = await uploadAs('notes.md', Buffer.from(text), 'text/markdown');
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} summarise the notes`, fileCardTag(uploaded.url, 'notes.md'));
    const final = await conv.finalReplyTo(prompt, 90_000);
    expect(aiMeta(final)?.status).toBe('done');
    expect(final.content).toBe('Seen 0 image(s) [].');
    // OpenClaw saves non-image files as the session's media and tells the agent their reference
    const seen = modelRequestsFor(m).at(-1)!;
    expect(seen.userText).toContain('summarise the notes');
    const ref = /\[media attached: media:\/\/inbound\/([^\]\s]+\.md) \(text\/markdown\)\]/.exec(seen.userText)?.[1];
    expect(ref, `a media reference in: ${seen.userText}`).toBeDefined();
    const saved = (readdirSync(gateway.dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith(ref!));
    expect(saved.length, `${ref} saved under the gateway's state`).toBeGreaterThan(0);
    expect(readFileSync(join(gateway.dir, saved[0]!), 'utf8')).toBe(text);
  });

  it('a file over the size limit is refused with one reply naming the limit; the model is never asked', async () => {
    const big = noisePng(MAX_BYTES + 40_000);
    const uploaded = await uploadAs('big.png', big, 'image/png');
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} look`, imageTag(uploaded.url));
    const final = await conv.finalReplyTo(prompt, 60_000);
    // Tailchat's /static streams without a Content-Length: the limit stopped the transfer midway
    expect(final.content).toBe(ATTACHMENT_TEXT.tooBig('image.png', MAX_BYTES));
    expect(final.content).toContain('256 KB');
    expect(modelRequestsFor(m)).toEqual([]);
    // the prompt itself is kept: the refusal is a reply to it
    expect((await conv.api.fetchConverseMessage(conv.alice.token, conv.panelId)).some((x) => x._id === prompt._id)).toBe(true);
    await bundle.waitForOutput(/attachments refused/, 5_000);
  });

  it('a file whose bytes are not an accepted type is refused, whatever its name says', async () => {
    const disguised = gzipSync(Buffer.from('not an image at all '.repeat(50)));
    const uploaded = await uploadAs('photo.png', disguised, 'image/png');
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} what is this`, imageTag(uploaded.url));
    const final = await conv.finalReplyTo(prompt, 60_000);
    expect(final.content).toContain('"image.png" is of type application/gzip, which the assistant does not accept');
    expect(modelRequestsFor(m)).toEqual([]);
  });

  it('a link to any other host is refused and never fetched (SSRF guard)', async () => {
    const port = (bystander.address() as AddressInfo).port;
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} see`, imageTag(`http://127.0.0.1:${port}/static/files/x/evil.png`));
    const final = await conv.finalReplyTo(prompt, 60_000);
    expect(final.content).toBe(ATTACHMENT_TEXT.notTailchat('image.png'));
    expect(bystanderHits).toBe(0);
    expect(modelRequestsFor(m)).toEqual([]);
  });

  it('too many attachments are refused at once by the chat side', async () => {
    // One after another: Tailchat names its temporary upload object after Date.now(), so two
    // uploads in the same millisecond collide in the object store.
    const links = [];
    for (const i of [1, 2, 3, 4, 5]) links.push(await uploadAs(`p${i}.png`, solidPng(2, 2 + i), 'image/png'));
    const m = marker();
    const prompt = await askWith(`[[att]] ${m} compare`, links.map((l) => imageTag(l.url)).join(' '));
    const reply = await conv.bobSocket.waitFor<{ author: string; content: string; meta?: { reply?: { _id?: string } } }>(
      'notify:chat.message.add',
      (x) => x.author === conv.botUserId && x.meta?.reply?._id === prompt._id,
      30_000,
    );
    expect(reply.content).toBe(ATTACHMENT_TEXT.tooMany(4, 5));
    expect(modelRequestsFor(m)).toEqual([]);
  });

  it('an engine that cannot read attachments says so instead of dropping them', async () => {
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { engine: 'scripted' } }, conv.alice.token);
    try {
      const uploaded = await uploadAs('blue.png', solidPng(4, 4, [0, 0, 255]), 'image/png');
      const prompt = await askWith('what is this?', imageTag(uploaded.url));
      const final = await conv.finalReplyTo(prompt, 60_000);
      expect(final.content).toBe(ATTACHMENT_TEXT.engine);
      expect(aiMeta(final)?.engine).toBe('scripted');
      // text alone still works on that engine
      const plain = await conv.ask('hello there');
      const answer = await conv.finalReplyTo(plain, 60_000);
      expect(answer.content).not.toBe(ATTACHMENT_TEXT.engine);
    } finally {
      await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { engine: 'openclaw' } }, conv.alice.token);
    }
  });
});
