/**
 * The MBE engine end to end on the real Tailchat: a group configured for MBE gets the seed's
 * pipeline (surprise → route → generate → memory) from the reference MBE server over real HTTP,
 * and over real stdio MCP; another group of the same running service stays on another engine.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleProcess } from '../support/bundle-process.js';
import { aiMeta, startConversation, type Conversation, type WireMessage } from '../support/conversation.js';
import { REPO_ROOT, type TailchatInstance } from '../tailchat/kit.js';
import { startStack, type Stack } from '../support/stack.js';
import { startReferenceHttpServer, type ReferenceHttpServer } from '../mbe-reference/http-server.js';
import { CHAT_SERVICE } from '../../services/names.js';

const PROMPT = 'please debug this typescript function for me';

describe('MBE engine through the real Tailchat', () => {
  let stack: Stack;
  let tc: TailchatInstance;
  let mbe: ReferenceHttpServer;
  let bundle: BundleProcess | undefined;
  let convs: Conversation[] = [];

  const startBundle = async (extra: Record<string, string>, label: string) => {
    bundle = stack.startBundle({ MBE_API_URL: mbe.url, AI_STREAM_INTERVAL_MS: '100', ...extra }, label);
    await stack.waitForAgent();
  };
  const mbeGroup = async () => {
    const conv = await startConversation(tc);
    convs.push(conv);
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { engine: 'mbe' } }, conv.alice.token);
    return conv;
  };
  const stopBundle = async () => {
    await bundle?.stop();
    bundle = undefined;
    // Tailchat forgets the node before the next one joins (else the health check sees the old one).
    await stack.waitForNoAgent();
  };

  beforeAll(async () => {
    stack = await startStack({ label: 'mbe', bundle: false });
    ({ tc } = stack);
    mbe = await startReferenceHttpServer();
  });
  afterAll(async () => {
    for (const c of convs) c.close();
    await stack?.stop();
    await mbe?.close();
  });

  let httpReply: WireMessage;

  it('over HTTP: runs the pipeline in order and shows novelty and expert badges', async () => {
    await startBundle({}, 'bundle-mbe-http');
    const conv = await mbeGroup();
    const before = mbe.requests.length;
    const prompt = await conv.ask(PROMPT);
    httpReply = await conv.finalReplyTo(prompt);
    const ops = mbe.requests.slice(before).map((r) => r.op).filter((op) => op !== 'health');
    expect(ops).toEqual(['surprise', 'route', 'generate', 'memoryWrite']);
    const meta = aiMeta(httpReply)!;
    expect(meta).toMatchObject({ engine: 'mbe', status: 'done' });
    expect(meta.blocks).toContainEqual(expect.objectContaining({ type: 'badge', kind: 'novelty' }));
    expect(meta.blocks).toContainEqual({ type: 'badge', kind: 'expert', label: 'Answered by the coding expert' });
    expect(httpReply.content).toContain(`You said: "${PROMPT}"`);
    expect(httpReply.content).toContain('[Answered by the coding expert]'); // plain-text clients see it too
    const write = mbe.requests.slice(before).find((r) => r.op === 'memoryWrite')!.body as Record<string, any>;
    expect(write).toMatchObject({ user_id: conv.alice.userId, memory_type: 'working' });
    expect(write.importance).toBeCloseTo(0.5 + 0.5 * write.content.surprise_score, 6);
  });

  it('/stats answers with the memory statistics of the asking user', async () => {
    const conv = convs[0]!;
    const ask = await conv.ask('/stats');
    const stats = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === ask._id, 15_000);
    expect(stats.content).toMatch(/memor/i);
    expect(stats.content).toMatch(/\b1\b/); // one stored memory so far
  });

  it('/remind says clearly that the MBE engine does not run schedules', async () => {
    const conv = convs[0]!;
    // alice owns the group: she holds `schedule`.
    const ask = await conv.ask('/remind in 10 minutes check the build');
    const answer = await conv.bobSocket.waitFor<WireMessage>('notify:chat.message.add', (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === ask._id, 15_000);
    expect(answer.content).toContain('Scheduled tasks are not supported by the mbe engine');
  });

  it('another group of the same service keeps its own engine', async () => {
    const conv = await startConversation(tc);
    convs.push(conv);
    const prompt = await conv.ask('which engine are you?');
    const reply = await conv.finalReplyTo(prompt);
    expect(aiMeta(reply)?.engine).toBe('scripted');
  });

  it('a dead MBE gives the user a short error, and the next message works again', async () => {
    const conv = convs[0]!;
    mbe.setFault('generate', { kind: 'status', status: 503 });
    const failed = await conv.ask('are you there?');
    const reply = await conv.finalReplyTo(failed);
    expect(aiMeta(reply)?.status).toBe('error');
    expect(reply.content.length).toBeLessThan(400);
    mbe.setFault('generate', undefined);
    const ok = await conv.ask('and now?');
    expect(aiMeta(await conv.finalReplyTo(ok))?.status).toBe('done');
  });

  it('over MCP (stdio) for surprise, route and memory: the same reply as over HTTP', async () => {
    await stopBundle();
    await startBundle(
      {
        MBE_MCP_COMMAND: path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
        MBE_MCP_ARGS: `${path.join(REPO_ROOT, 'test/mbe-reference/mcp-main.ts')},--http-url,${mbe.url}`,
      },
      'bundle-mbe-mcp',
    );
    const conv = await mbeGroup();
    const before = mbe.requests.length;
    const prompt = await conv.ask(PROMPT);
    const reply = await conv.finalReplyTo(prompt, 45_000);
    const seen = mbe.requests.slice(before);
    expect(seen.filter((r) => r.via === 'mcp').map((r) => r.op)).toEqual(['surprise', 'route', 'memoryWrite']);
    expect(seen.filter((r) => r.via === 'http').map((r) => r.op)).toContain('generate');
    expect(reply.content).toBe(httpReply.content);
    expect(aiMeta(reply)!.blocks).toEqual(aiMeta(httpReply)!.blocks);
  });
});
