/**
 * Deploy form (b): the chat side inside Tailchat's own process as a server plugin
 * (`server/plugins/com.yourcompany.ai/services/`), on Tailchat's own Node (the machine's, not the
 * bundle's Node 24), with the engine side as the bundle's own process (AI_ROLE=runner).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../support/conversation.js';
import { startStack, type Stack } from '../support/stack.js';
import { createPluginBroker } from '../tailchat/broker.js';
import { REPO_ROOT, type TailchatInstance } from '../tailchat/kit.js';
import { expectLiveReplyAndFinalMessage, expectNewForgets, expectNoAnswerToBots } from './scenario.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../../services/names.js';

/** PATH without the bundle's Node 24, so Tailchat runs on the Node it would have anyway. */
function hostNodePath(): string {
  return (process.env.PATH ?? '').split(':').filter((p) => !p.includes('.cache/node24') && !p.includes('node_modules/.bin')).join(':');
}

describe('in Tailchat\'s process as a server plugin', () => {
  let tc: TailchatInstance;
  let stack: Stack;
  let conv: Conversation;
  const pluginDir = path.join(REPO_ROOT, 'dist/tailchat-plugin/com.yourcompany.ai');

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs'), 'server'], { cwd: REPO_ROOT });
    stack = await startStack({
      label: 'inprocess',
      tailchat: 'own',
      transporter: 'redis',
      own: {
        env: { PATH: hostNodePath() },
        serverPlugins: [
          {
            id: 'com.yourcompany.ai',
            files: Object.fromEntries(fs.readdirSync(path.join(pluginDir, 'services')).map((f) => [`services/${f}`, path.join(pluginDir, 'services', f)])),
          },
        ],
        waitForServices: [CHAT_SERVICE],
      },
      bundle: { env: { AI_ROLE: 'runner', AI_SCRIPTED_CHUNK_DELAY_MS: '25', AI_STREAM_INTERVAL_MS: '100' }, label: 'runner' },
      conversation: true,
    });
    ({ tc, conv } = stack);
  });
  afterAll(() => stack?.stop());

  it('runs the chat service in Tailchat\'s own process, on Tailchat\'s Node', async () => {
    const broker = createPluginBroker({ tailchat: tc });
    await broker.start();
    try {
      await broker.waitForServices([CHAT_SERVICE, RUNNER_SERVICE], 15_000);
      const services = broker.registry.getServiceList({ onlyAvailable: true }) as { name: string; nodeID: string }[];
      expect(services.filter((s) => s.name === CHAT_SERVICE).map((s) => s.nodeID)).toEqual([tc.nodeId]);
      expect(services.find((s) => s.name === RUNNER_SERVICE)?.nodeID).not.toBe(tc.nodeId);
    } finally {
      await broker.stop();
    }
    const tailchatNode = fs.readlinkSync(`/proc/${tc.env.TAILCHAT_PID}/exe`);
    const version = execFileSync(tailchatNode, ['--version']).toString().trim();
    expect(Number(version.slice(1).split('.')[0])).toBeLessThan(22); // not the bundle's Node 24
  });
  it('answers a mention live and stores one final reply', async () => {
    await expectLiveReplyAndFinalMessage(conv);
  });
  it('never answers itself or another bot', async () => {
    await expectNoAnswerToBots(conv, tc);
  });
  it('/new starts a new conversation for the group', async () => {
    await expectNewForgets(conv);
  });
  it('the chat side in Tailchat reads the usage the runner process counted, and enforces the budget', async () => {
    const getUsage = () => conv.api.call<{ totals: { runs: number; totalTokens: number } }>(`${CHAT_SERVICE}.getUsage`, { groupId: conv.groupId }, conv.alice.token);
    await expect.poll(async () => (await getUsage()).totals.runs, { timeout: 10_000 }).toBeGreaterThan(0);
    const { totalTokens } = (await getUsage()).totals;
    await conv.api.call(`${CHAT_SERVICE}.saveGroupSettings`, { groupId: conv.groupId, settings: { monthlyTokenBudget: totalTokens } }, conv.alice.token);
    const refused = await conv.ask('over budget?');
    const notice = await conv.bobSocket.waitFor<{ author: string; content: string; meta?: Record<string, unknown> }>(
      'notify:chat.message.add',
      (m) => m.author === conv.botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === refused._id,
      15_000,
    );
    expect(notice.content).toContain('This group has used its AI budget');
  });
});
