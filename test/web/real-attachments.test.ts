/**
 * Attachments from the real Tailchat web client: everything real (kit Tailchat + its web client in
 * Chromium, the bundle process with the OpenClaw engine on the real gateway, whose model is the
 * fake model server declared image-capable, as in test/e2e/attachments.test.ts).
 * As a user in the browser:
 * - "+" → Send Image → pick a PNG → "Upload original image" → Confirm: the client uploads it and
 *   posts it as a message of its own; then Reply on that message, "@AI Assistant <question>"
 *   typed (the mention popup does not offer the bot: it is no group member), Enter: the agent's
 *   reply shows as the plugin's panel and the model got exactly the uploaded bytes;
 * - "+" → Send File → a Windows program: replying to its file card the same way gets the refusal
 *   as the plugin's panel, and the model is never asked.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_TEXT, DEFAULT_ALLOWED_TYPES } from '../../bridge/attachments/policy.js';
import type { ModelServer, Script } from '../model-server/server.js';
import { buildGatewayConfig, type TestGateway } from '../openclaw/gateway.js';
import type { BundleProcess } from '../support/bundle-process.js';
import { BOT_NICKNAME } from '../support/conversation.js';
import { solidPng } from '../support/png.js';
import { TailchatApi, type ChatMessage, type TestUser } from '../tailchat/api.js';
import { TailchatWebClient } from '../tailchat/browser.js';
import type { TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import type { RealClient } from './support/real-client.js';
import { SHOTS } from './support/webhost.js';


/** The fake model describes what it was given: how many images, and their sizes in base64. */
const script: Script = (ctx) => {
  if (!ctx.userText.includes('in this picture')) return undefined;
  const images = ctx.images.map((i) => `${i.mimeType ?? 'link'}:${i.base64?.length ?? 0}`).join(',');
  return { kind: 'text', text: `I see ${ctx.images.length} image(s) [${images}].` };
};

let stack: Stack;
let tc: TailchatInstance;
let model: ModelServer;
let gateway: TestGateway;
let bundle: BundleProcess;
let client: RealClient;
let page: Page;
let web: TailchatWebClient;
let api: TailchatApi;
let alice: TestUser;
let groupId: string;
let panelId: string;
let botUserId: string;

/** The gateway's config with the fake model accepting images (a vision model). */
function visionModels(modelUrl: string): Record<string, unknown> {
  const models = buildGatewayConfig({ port: 0, token: '', dir: '', modelUrl, modelId: 'fake-coder', approvals: false }).models as {
    providers: { fake: { models: Array<{ input: string[] }> } };
  };
  for (const m of models.providers.fake.models) m.input = ['text', 'image'];
  return models;
}

beforeAll(async () => {
  stack = await startStack({
    label: 'web-attachments',
    model: { script },
    gateway: (m) => ({ extraConfig: { models: visionModels(m.url) } }),
    bundle: { env: ({ tc }) => ({ OPENCLAW_APPROVALS: 'false', AI_TAILCHAT_URL: tc.url }), label: 'bundle-web-attachments' },
    users: ['alice'],
    group: { name: 'Attachments', webDefaults: false },
    client: { user: 'alice' },
  });
  ({ tc, bundle, api, botUserId } = stack);
  model = stack.model!;
  gateway = stack.gateway!;
  alice = stack.users.alice!;
  ({ groupId, panelId } = stack.group!);
  client = stack.client;
  page = client.page;
  web = new TailchatWebClient(page, tc.url);
}, 300_000);

afterAll(() => stack?.stop(), 120_000);

const history = () => api.fetchConverseMessage(alice.token, panelId);

/** The first stored message of alice, not in `before`, that `matches` (the client sent it). */
async function newMessageOfAlice(before: Set<string>, matches: (m: ChatMessage) => boolean): Promise<ChatMessage> {
  let found: ChatMessage | undefined;
  await expect
    .poll(async () => (found = (await history()).find((m) => !before.has(m._id) && m.author === alice.userId && matches(m))), { timeout: 30_000 })
    .toBeTruthy();
  return found!;
}

const idsNow = async () => new Set((await history()).map((m) => m._id));

/**
 * In the UI: Reply on message `id` (the client starts the text with a mention of that message's
 * author), then "@AI Assistant <question>" typed after it, Enter. The mention popup cannot be
 * used: it lists the group's members and the plugin's bot is none, so the mention is typed (the
 * bundle takes a typed "@AI Assistant" anywhere). Resolves with the prompt as Tailchat stored it.
 */
async function askAboutMessage(id: string, question: string): Promise<ChatMessage> {
  const before = await idsNow();
  await web.replyTo(id);
  const input = web.input();
  await expect.poll(() => input.inputValue()).toMatch(/^@alice/);
  await input.press('End');
  await page.keyboard.type(` @${BOT_NICKNAME} ${question}`);
  await input.press('Enter');
  return newMessageOfAlice(before, (m) => (m.meta?.reply as { _id?: string } | undefined)?._id === id);
}

/** The plugin's panel of the reply to `prompt`, once done. */
async function doneReplyTo(prompt: ChatMessage) {
  const reply = web.aiReply(`tc-${prompt._id}`).and(page.locator('[data-run-status="done"]'));
  await reply.waitFor({ timeout: 90_000 });
  return reply;
}

describe('attachments from the real web client', () => {
  it('an image sent with "+ → Send Image", then a reply to it mentioning the agent: the model gets those bytes', async () => {
    const png = solidPng(24, 16, [30, 90, 220]);
    const before = await idsNow();
    await web.chooseFileInputAction('Send Image', { name: 'blue.png', mimeType: 'image/png', buffer: png });
    await page.screenshot({ path: `${SHOTS}/95-attachment-image-preview.png` });
    await web.confirmImageUpload({ original: true });
    // The client uploaded it and posted it as a message of its own.
    const imageMessage = await newMessageOfAlice(before, (m) => m.content.includes('[img'));
    expect(imageMessage.content).toMatch(/^\[img height=16 width=24\]\{BACKEND\}\/static\/files\/.+\.png\[\/img\]$/);
    await page.locator(`[data-message-id="${imageMessage._id}"] img`).first().waitFor({ timeout: 30_000 });

    const prompt = await askAboutMessage(imageMessage._id, 'what is in this picture?');
    expect(prompt.content).toContain(`@${BOT_NICKNAME} what is in this picture?`);
    const reply = await doneReplyTo(prompt);
    expect(await reply.innerText()).toContain(`I see 1 image(s) [image/png:${png.toString('base64').length}].`);
    await page.locator('.chat-message-item').filter({ has: reply }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/96-attachment-image-answered.png` });

    const seen = model.requests.filter((r) => r.userText.includes('what is in this picture?')).at(-1);
    expect(seen, 'a model request for the question').toBeDefined();
    expect(seen!.images.map((i) => ({ mimeType: i.mimeType, base64: i.base64 }))).toEqual([{ mimeType: 'image/png', base64: png.toString('base64') }]);
  });

  it('a program sent with "+ → Send File" is refused in a reply the user sees; the model is never asked', async () => {
    // A minimal Windows PE: "MZ", the PE header offset, "PE\0\0".
    const exe = Buffer.alloc(512);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(128, 0x3c);
    exe.write('PE\0\0', 128, 'latin1');
    const before = await idsNow();
    await web.chooseFileInputAction('Send File', { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: exe });
    const card = await newMessageOfAlice(before, (m) => m.content.includes('[card'));
    expect(card.content).toContain('setup.exe');
    await page.locator(`[data-message-id="${card._id}"]`).waitFor({ timeout: 30_000 });
    const requestsBefore = model.requests.length;

    const prompt = await askAboutMessage(card._id, 'can you run this program for me?');
    const refusal = ATTACHMENT_TEXT.type('setup.exe', 'application/x-msdownload', DEFAULT_ALLOWED_TYPES);
    const reply = await doneReplyTo(prompt);
    expect(await reply.innerText()).toContain(refusal.split(' · ')[0]!);
    await page.locator('.chat-message-item').filter({ has: reply }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/97-attachment-refused.png` });
    const stored = (await history()).find((m) => m.author === botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id);
    expect(stored?.content).toBe(refusal);
    expect(model.requests.slice(requestsBefore).filter((r) => r.userText.includes('run this program'))).toEqual([]);
  });
});
