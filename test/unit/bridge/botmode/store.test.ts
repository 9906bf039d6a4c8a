/**
 * Bot mode's group settings: from the plugin's own collections when it has a database
 * (AI_MONGO_URL, a real CongoDB here), so a group-data rewrite by a core.groupConfig holder does
 * nothing; without one, from Tailchat's group data (the exposure docs/SECURITY.md describes).
 */
import { ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBotModeBridge, type BotModeBridge } from '../../../../bridge/botmode/bridge.js';
import { createOpenPlatformClient } from '../../../../bridge/botmode/client.js';
import { createEngineRegistry } from '../../../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../../../bridge/engine/scripted/engine.js';
import { SETTINGS_DATA_NAME } from '../../../../bridge/settings/group-settings.js';
import { loadConfig } from '../../../../config/load.js';
import { startCongo, type CongoServer } from '../../../support/congodb.js';
import { recordingLogger } from '../../fakes/tailchat-host.js';
import { APP_ID, APP_SECRET, BOT_ID, FakeOpenPlatform } from './fake-openplatform.js';

let congo: CongoServer;
let running: BotModeBridge | undefined;
beforeAll(async () => {
  congo = await startCongo();
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(async () => {
  await congo?.stop();
});

/** The bot in group G1 whose group data an admin with core.groupConfig rewrote to "disabled". */
async function botWithForgedGroupData(env: Record<string, string>) {
  const server = new FakeOpenPlatform();
  server.groupData[`G1/${SETTINGS_DATA_NAME}`] = JSON.stringify({ enabled: false });
  const { lines, logger } = recordingLogger();
  const client = createOpenPlatformClient({
    url: 'http://tailchat.test', appId: APP_ID, appSecret: APP_SECRET, logger,
    fetch: (i, init) => server.fetch(i, init), openSocket: (u, t) => server.openSocket(u, t), reconnectMinMs: 5, reconnectMaxMs: 10,
  });
  const engines = createEngineRegistry({ scripted: () => createScriptedEngine({ chunkDelayMs: 0, chunkChars: 8, label: 'test' }) });
  const handled: { id: string; kind: string }[] = [];
  const bridge = createBotModeBridge({ config: loadConfig({}, env), client, engines, logger, onHandled: (m, _s, outcome) => void handled.push({ id: m._id, kind: outcome.kind }) });
  running = bridge;
  await bridge.start();
  const prompt = server.post({ converseId: 'P1', groupId: 'G1', author: 'U1', content: `[at=${BOT_ID}]Helper[/at] hello`, meta: { mentions: [BOT_ID] } });
  const t0 = Date.now();
  while (!handled.some((h) => h.id === prompt._id)) {
    if (Date.now() - t0 > 5000) throw new Error('the prompt was not handled');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { outcome: handled.find((h) => h.id === prompt._id)!.kind, lines };
}

describe('bot-mode group settings', () => {
  it('with a database, come from the plugin store: the rewritten group data changes nothing', async () => {
    const { outcome } = await botWithForgedGroupData({ AI_MONGO_URL: congo.url(`bot${new ObjectId().toHexString()}`) });
    expect(outcome).toBe('started');
  });

  it('without one, come from the group data (and the start says so)', async () => {
    const { outcome, lines } = await botWithForgedGroupData({});
    expect(outcome).toBe('ignored');
    expect(lines.some((l) => l.level === 'warn' && l.msg.includes("group settings read from Tailchat's group data"))).toBe(true);
  });
});
