/**
 * `npm run chaos -- [--prompts 200] [--faults 20] [--instances 3] [--engine openclaw|scripted]
 * [--every-ms 2000] [--seed 1]`: is every prompt answered, exactly once, while instances, Redis,
 * NATS and the gateway fail at random? (issue #20)
 *
 * The real parts: Tailchat (the kit) on its own NATS, `--instances` bundle processes (chat side +
 * runner each) sharing a Redis of their own, the real OpenClaw gateway streaming from the fake
 * model server. Users in several groups send a prompt every ~`--every-ms`; meanwhile faults come
 * at random: `kill -9` or SIGTERM of an instance (a new one starts a few seconds later), a Redis
 * restart (nothing persisted), a NATS restart, a gateway crash (down for a few seconds, less than
 * the engine's reconnect window). Afterwards every prompt's replies are read from Tailchat's
 * database.
 *
 * Printed: prompts, faults by kind, lost (no reply), doubled (more than one answer), errored (an
 * error reply, by text), and the time from prompt to reply. Target: 0 lost, 0 doubled, errors
 * only where the gateway stayed down longer than the window. Exit code 1 on a lost or doubled one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { startBundleProcess, type BundleProcess } from '../test/support/bundle-process.js';
import { restartKitNats } from '../test/support/nats-server.js';
import { startRedis } from '../test/support/redis-server.js';
import { startModelServer, type ModelServer } from '../test/model-server/server.js';
import { startTestGateway, type TestGateway } from '../test/openclaw/gateway.js';
import { createUser, TailchatApi, type TestUser } from '../test/tailchat/api.js';
import { startTailchat, waitForHealthServices, type TailchatInstance } from '../test/tailchat/kit.js';
import { ensurePluginBotUser } from '../test/tailchat/plugin-bot.js';
import { AI_META_KEY } from '../protocol/blocks.js';
import { CHAT_SERVICE, RUNNER_SERVICE } from '../services/names.js';

interface Options {
  prompts: number;
  faults: number;
  instances: number;
  engine: 'openclaw' | 'scripted';
  everyMs: number;
  seed: number;
  groups: number;
  users: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { prompts: 200, faults: 20, instances: 3, engine: 'openclaw', everyMs: 2_000, seed: 1, groups: 3, users: 4 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => Number(argv[++i]);
    if (a === '--prompts') o.prompts = next();
    else if (a === '--faults') o.faults = next();
    else if (a === '--instances') o.instances = next();
    else if (a === '--engine') o.engine = argv[++i] as Options['engine'];
    else if (a === '--every-ms') o.everyMs = next();
    else if (a === '--seed') o.seed = next();
    else if (a === '--groups') o.groups = next();
    else if (a === '--users') o.users = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (o.engine !== 'openclaw' && o.engine !== 'scripted') throw new Error('--engine must be openclaw or scripted');
  return o;
}

/** A small seeded generator (mulberry32): the same seed, the same prompts and faults. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type FaultKind = 'kill -9' | 'SIGTERM' | 'redis restart' | 'nats restart' | 'gateway crash';

/** Timings of the bundles under chaos: product defaults, shortened where the soak would only wait. */
const CHAOS_ENV = {
  AI_RUN_LEASE_MS: '6000',
  AI_RUN_HEARTBEAT_MS: '2000',
  AI_INTAKE_SWEEP_MS: '2000',
  AI_INTAKE_GRACE_MS: '5000',
  AI_INTAKE_LEASE_MS: '15000',
  AI_INTAKE_RECHECK_MS: '10000',
  AI_RATE_USER_PER_MIN: '0',
  AI_RATE_GROUP_PER_MIN: '0',
  LOG_LEVEL: 'info',
};

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const rnd = random(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const undo: (() => Promise<unknown>)[] = [];
  const log = (line: string) => console.log(`[chaos +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const t0 = Date.now();

  try {
    let redis = await startRedis();
    undo.push(() => redis.stop());
    const model: ModelServer | undefined = o.engine === 'openclaw' ? await startModelServer({ script: (ctx) => ({ kind: 'text', text: `Answer to ${ctx.userText.slice(0, 80)}. ${'More words. '.repeat(20)}`, chunks: 20, delayMs: 100 }) }) : undefined;
    if (model) undo.push(() => model.close());
    const [tc, gateway] = await Promise.all([
      startTailchat({ transporter: 'nats', label: 'chaos' }),
      model ? startTestGateway({ modelUrl: model.url }) : Promise.resolve(undefined),
    ]);
    undo.push(() => tc.stop());
    if (gateway) undo.push(() => gateway.dispose());
    log(`Tailchat ${tc.url} on ${tc.transporter}${gateway ? `, gateway ${gateway.url}` : ''}, Redis ${redis.url}`);

    const api = new TailchatApi(tc.url);
    const botUserId = await ensurePluginBotUser(tc);
    const users: TestUser[] = [];
    for (let i = 0; i < o.users; i++) users.push(await createUser(api, `u${i}`)); // short: Tailchat caps nicknames at 20
    const groups: { groupId: string; panelId: string }[] = [];
    for (let g = 0; g < o.groups; g++) {
      const { groupId, textPanelId } = await api.createGroup(users[0]!.token, `chaos ${g}`);
      for (const u of users.slice(1)) await api.joinGroup(users[0]!.token, groupId, u.token);
      groups.push({ groupId, panelId: textPanelId });
    }

    const bundleEnv = {
      ...CHAOS_ENV,
      TRANSPORTER: tc.transporter,
      TAILCHAT_NAMESPACE: tc.namespace,
      AI_REDIS_URL: redis.url,
      AI_ENGINE: o.engine,
      ...(gateway ? { OPENCLAW_GATEWAY_URL: gateway.url, OPENCLAW_GATEWAY_TOKEN: gateway.token } : {}),
    };
    let nth = 0;
    const live = new Set<BundleProcess>();
    const all: { label: string; bundle: BundleProcess }[] = [];
    // Every instance's output is kept for the post-mortem of a lost or doubled prompt.
    const logDir = path.resolve('test-results/chaos');
    undo.push(async () => {
      fs.mkdirSync(logDir, { recursive: true });
      for (const { label, bundle } of all) fs.writeFileSync(path.join(logDir, `${label}.log`), bundle.output());
      console.log(`instance logs: ${logDir}/`);
    });
    const startInstance = () => {
      const b = startBundleProcess({ ...bundleEnv, AI_NODE_ID: `chaos-${++nth}-${process.pid}` }, `chaos-${nth}`);
      all.push({ label: `chaos-${nth}`, bundle: b });
      live.add(b);
      void b.exited.then(() => live.delete(b));
      undo.push(() => b.stop());
      return b;
    };
    for (let i = 0; i < o.instances; i++) startInstance();
    await waitForHealthServices(tc.url, [CHAT_SERVICE, RUNNER_SERVICE], 120_000);
    await sleep(3_000);
    log(`${o.instances} instances up; ${o.prompts} prompts every ~${o.everyMs} ms, ${o.faults} faults`);

    // ---- prompts ----
    const sent: { id: string; at: number; group: number }[] = [];
    const prompting = (async () => {
      for (let n = 1; n <= o.prompts; n++) {
        const g = Math.floor(rnd() * groups.length);
        const user = pick(users);
        try {
          const m = await api.sendMessage(user.token, {
            converseId: groups[g]!.panelId,
            groupId: groups[g]!.groupId,
            content: `[at=${botUserId}]AI Assistant[/at] chaos prompt ${n} ${randomBytes(3).toString('hex')}`,
            meta: { mentions: [botUserId] },
          });
          sent.push({ id: m._id, at: Date.now(), group: g });
        } catch (err) {
          log(`prompt ${n} not stored by Tailchat (${err instanceof Error ? err.message.slice(0, 80) : String(err)}): not counted`);
        }
        await sleep(o.everyMs * (0.5 + rnd()));
      }
    })();

    // ---- faults ----
    const faults = new Map<FaultKind, number>();
    const kinds: FaultKind[] = ['kill -9', 'SIGTERM', 'redis restart', 'nats restart', ...(gateway ? (['gateway crash'] as const) : [])];
    const spacing = (o.prompts * o.everyMs) / (o.faults + 1);
    const faulting = (async () => {
      for (let f = 1; f <= o.faults; f++) {
        await sleep(spacing * (0.5 + rnd()));
        const kind = pick(kinds);
        faults.set(kind, (faults.get(kind) ?? 0) + 1);
        log(`fault ${f}: ${kind}`);
        switch (kind) {
          case 'kill -9':
          case 'SIGTERM': {
            const victim = pick([...live]);
            if (!victim) break;
            if (kind === 'kill -9') await victim.kill();
            else await victim.stop();
            await sleep(2_000 + rnd() * 4_000);
            startInstance();
            break;
          }
          case 'redis restart': {
            const { port } = redis;
            await redis.stop();
            await sleep(500 + rnd() * 2_000);
            redis = await startRedis(port);
            break;
          }
          case 'nats restart':
            await restartKitNats(tc, 1_000 + rnd() * 2_000);
            break;
          case 'gateway crash':
            await gateway!.stop({ hard: true });
            await sleep(3_000 + rnd() * 12_000);
            await gateway!.restart();
            break;
        }
      }
    })();
    await Promise.all([prompting, faulting]);
    log(`all prompts sent (${sent.length}) and faults done; waiting for the replies`);

    // ---- reading the outcome from Tailchat's database ----
    const mongo = new MongoClient(tc.env.MONGO_URL!, { serverMonitoringMode: 'poll' });
    undo.push(() => mongo.close());
    const messages = mongo.db().collection('messages');
    const outcome = async () => {
      const replies = await messages.find({ author: new ObjectId(botUserId), _id: { $gt: ObjectId.createFromTime(Math.floor(t0 / 1000)) } }).toArray();
      const by = new Map<string, { status: string; at: number; content: string }[]>();
      for (const r of replies) {
        const meta = r.meta as { reply?: { _id?: string }; [AI_META_KEY]?: { status?: string; attempt?: number; part?: number } } | undefined;
        const to = meta?.reply?._id;
        const ai = meta?.[AI_META_KEY];
        if (!to || (ai?.attempt ?? 1) !== 1 || (ai?.part ?? 1) !== 1) continue;
        const list = by.get(to) ?? [];
        list.push({ status: ai?.status ?? 'notice', at: (r._id as ObjectId).getTimestamp().getTime(), content: String(r.content) });
        by.set(to, list);
      }
      return by;
    };
    const settleBy = Date.now() + 4 * 60_000;
    let by = await outcome();
    while (sent.some((p) => !by.has(p.id)) && Date.now() < settleBy) {
      await sleep(2_000);
      by = await outcome();
    }
    await sleep(15_000); // a late second answer would show by now
    by = await outcome();

    const lost = sent.filter((p) => !by.has(p.id));
    const doubled = sent.filter((p) => (by.get(p.id)?.length ?? 0) > 1);
    const errored = sent.filter((p) => by.get(p.id)?.some((r) => r.status !== 'done'));
    const times = sent.flatMap((p) => (by.has(p.id) ? [(Math.min(...by.get(p.id)!.map((r) => r.at)) - p.at) / 1000] : [])).sort((a, b) => a - b);
    const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]?.toFixed(1) ?? '-';
    const errorTexts = new Map<string, number>();
    for (const p of errored) for (const r of by.get(p.id)!.filter((x) => x.status !== 'done')) errorTexts.set(r.content.slice(0, 90), (errorTexts.get(r.content.slice(0, 90)) ?? 0) + 1);

    console.log(`\nchaos soak (${o.engine}, ${o.instances} instances, seed ${o.seed}, ${((Date.now() - t0) / 60_000).toFixed(1)} min)`);
    console.log(`| prompts | faults | lost | doubled | errored | reply p50 / p95 / max |`);
    console.log(`| --- | --- | --- | --- | --- | --- |`);
    console.log(`| ${sent.length} | ${o.faults} (${[...faults].map(([k, n]) => `${n} ${k}`).join(', ')}) | ${lost.length} | ${doubled.length} | ${errored.length} | ${q(0.5)} s / ${q(0.95)} s / ${times.at(-1)?.toFixed(1) ?? '-'} s |`);
    for (const [text, n] of errorTexts) console.log(`  error ×${n}: ${text}`);
    for (const p of lost) console.log(`  lost: ${p.id} (group ${p.group}, sent at +${((p.at - t0) / 1000).toFixed(0)} s)`);
    for (const p of doubled) console.log(`  doubled: ${p.id}: ${by.get(p.id)!.map((r) => r.status).join(', ')}`);
    process.exitCode = lost.length || doubled.length ? 1 : 0;
  } finally {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
