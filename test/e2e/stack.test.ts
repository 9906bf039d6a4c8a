/**
 * The local stack (`npm start` runs `tsx scripts/stack.ts` after bootstrap) as a user meets it:
 * it prints where to go, the demo user gets an answer from the real OpenClaw gateway, the plugin
 * is listed and pre-installed, and Ctrl-C leaves nothing running.
 *
 * 1. No model configured: the offline demo model (every reply labelled "[demo]").
 * 2. A model configured by env (STACK_MODEL_URL/ID/API_KEY), here a fake OpenAI-compatible
 *    endpoint that insists on the key; the key is never printed nor written to the gateway config.
 *    It reuses the first run's state dir, so a restart over kept gateway state is covered too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../model-server/server.js';
import { aiMeta } from '../support/conversation.js';
import { isRunning, processTree } from '../support/processes.js';
import { TailchatApi, type ChatMessage } from '../tailchat/api.js';
import { REPO_ROOT } from '../tailchat/kit.js';

const START_BUDGET_MS = 240_000;
const STOP_BUDGET_MS = 90_000;
const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-test-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StackRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  banner: { url: string; groupId: string; panelId: string; email: string; password: string };
}

const runs: StackRun[] = [];

/** Spawns the stack as `npm start` does after its bootstrap, and waits for the "Open:" line. */
async function startStack(env: Record<string, string>): Promise<StackRun> {
  const tsxCli = path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs');
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('STACK_')) delete base[k];
  const child = spawn(process.execPath, [tsxCli, 'scripts/stack.ts'], {
    cwd: REPO_ROOT,
    env: { ...base, STACK_DIR: stackDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, like a terminal's foreground job
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run = { child, output: () => out, exited } as StackRun;
  runs.push(run);
  const t0 = Date.now();
  for (;;) {
    const open = /Open:\s+(http:\/\/127\.0\.0\.1:\d+)\/main\/group\/([0-9a-f]{24})\/([0-9a-f]{24})/.exec(out);
    const login = /Log in:\s+(\S+)\s+\/\s+(\S+)/.exec(out);
    if (open && login) {
      run.banner = { url: open[1]!, groupId: open[2]!, panelId: open[3]!, email: login[1]!, password: login[2]! };
      return run;
    }
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}) before printing "Open:":\n${out.slice(-4000)}`);
    if (Date.now() - t0 > START_BUDGET_MS) throw new Error(`no "Open:" line after ${START_BUDGET_MS} ms:\n${out.slice(-4000)}`);
    await sleep(250);
  }
}

interface StackState {
  pid: number;
  tailchat: { url: string; pids: Record<string, number> };
  gateway: { url: string; pid: number; dir: string };
  modelServer?: { url: string };
  bundle: { pid: number };
}
const readState = (): StackState => JSON.parse(fs.readFileSync(path.join(stackDir, 'stack.json'), 'utf8')) as StackState;

function portOpen(url: string): Promise<boolean> {
  const u = new URL(url.replace(/^ws/, 'http'));
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The demo user asks the agent in the demo group; resolves with the stored final reply. */
async function askAgent(run: StackRun, text: string): Promise<{ prompt: ChatMessage; reply: ChatMessage }> {
  const api = new TailchatApi(run.banner.url);
  const login = await api.login({ email: run.banner.email, password: run.banner.password });
  // The stack greets the agent on start: its mention tells us the agent's user id.
  const greeting = (await api.fetchConverseMessage(login.token, run.banner.panelId)).find((m) => m.author === login._id);
  const botUserId = (greeting?.meta?.mentions as string[] | undefined)?.[0];
  expect(botUserId, 'the stack posted a greeting that mentions the agent').toMatch(/^[0-9a-f]{24}$/);
  const prompt = await api.sendMessage(login.token, {
    converseId: run.banner.panelId,
    groupId: run.banner.groupId,
    content: `[at=${botUserId}]AI Assistant[/at] ${text}`,
    meta: { mentions: [botUserId] },
  });
  const t0 = Date.now();
  for (;;) {
    const reply = (await api.fetchConverseMessage(login.token, run.banner.panelId)).find(
      (m) => m.author === botUserId && (m.meta?.reply as { _id?: string } | undefined)?._id === prompt._id,
    );
    if (reply) return { prompt, reply };
    if (Date.now() - t0 > 90_000) throw new Error(`no reply to "${text}" after 90 s:\n${run.output().slice(-3000)}`);
    await sleep(300);
  }
}

/** SIGINT to the stack (as Ctrl-C), then: it exits 0 and every process it started is gone. */
async function interruptAndExpectAllGone(run: StackRun): Promise<void> {
  const state = readState();
  const pids = [state.pid, state.gateway.pid, state.bundle.pid, ...Object.values(state.tailchat.pids)];
  // Everything below the stack, and the gateway's own process group (it runs detached).
  const tree = processTree(run.child.pid!, [run.child.pid!, state.gateway.pid]);
  for (const pid of pids) expect(tree.map((p) => p.pid), `pid ${pid} from stack.json is part of the stack`).toContain(pid);
  const ports = [state.tailchat.url, state.gateway.url, ...(state.modelServer ? [state.modelServer.url] : [])];
  for (const url of ports) expect(await portOpen(url), `${url} is served while running`).toBe(true);

  const t0 = Date.now();
  run.child.kill('SIGINT');
  const code = await Promise.race([run.exited, sleep(STOP_BUDGET_MS).then(() => 'timeout' as const)]);
  expect(code, `the stack stops within ${STOP_BUDGET_MS} ms:\n${run.output().slice(-2000)}`).toBe(0);
  console.log(`stack stopped in ${Date.now() - t0} ms (${tree.length} processes)`);
  await sleep(500);
  const survivors = tree.filter((p) => isRunning(p.pid));
  expect(survivors.map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`)).toEqual([]);
  for (const url of ports) expect(await portOpen(url), `${url} is closed after stop`).toBe(false);
  expect(fs.existsSync(path.join(stackDir, 'stack.json'))).toBe(false);
  expect(run.output()).toContain('stopped.');
}

afterAll(async () => {
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGINT');
      await Promise.race([run.exited, sleep(STOP_BUDGET_MS)]);
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    }
  }
  fs.rmSync(stackDir, { recursive: true, force: true });
}, STOP_BUDGET_MS * 2);

describe('the local stack (npm start)', () => {
  it('without a model: the demo model through the real OpenClaw gateway; plugin listed and pre-installed; Ctrl-C stops everything', async () => {
    const t0 = Date.now();
    const run = await startStack({});
    const startedMs = Date.now() - t0;
    expect(run.output()).toMatch(/Model:\s+demo: the offline scripted model server/);
    expect(run.output()).toMatch(/Engine:\s+OpenClaw gateway ws:\/\/127\.0\.0\.1:\d+/);

    const { prompt, reply } = await askAgent(run, 'show me some code');
    expect(reply.content.startsWith('[demo] ')).toBe(true);
    expect(aiMeta(reply)).toMatchObject({ engine: 'openclaw', status: 'done', runId: `tc-${prompt._id}` });
    expect(aiMeta(reply)!.blocks).toContainEqual(expect.objectContaining({ type: 'code', language: 'ts' }));

    // The frontend plugin: listed for the Plugin Store, pre-installed by the served page, served itself.
    const registry = (await (await fetch(`${run.banner.url}/registry-be.json`)).json()) as { name: string }[];
    expect(registry.map((p) => p.name)).toContain('com.yourcompany.ai');
    const index = await (await fetch(`${run.banner.url}/`)).text();
    expect(index).toContain('$TailchatInstalledPlugins');
    expect(index).toContain('"name":"com.yourcompany.ai"');
    expect((await fetch(`${run.banner.url}/plugins/com.yourcompany.ai/index.js`)).status).toBe(200);

    // Two agents, both members of the demo group (its `@` picker offers them).
    const api = new TailchatApi(run.banner.url);
    const login = await api.login({ email: run.banner.email, password: run.banner.password });
    const { agents } = await api.call<{ agents: { nickname: string; userId: string }[] }>('plugin:com.yourcompany.ai.getAgentUsers', {}, login.token);
    expect(agents.map((a) => a.nickname)).toEqual(['AI Assistant', 'Code Reviewer']);
    const demoGroup = (await api.getUserGroups(login.token)).find((g) => g._id === run.banner.groupId)!;
    expect(demoGroup.members.map((m) => m.userId)).toEqual(expect.arrayContaining(agents.map((a) => a.userId)));
    expect(run.output()).toContain('pick AI Assistant or Code Reviewer');

    await interruptAndExpectAllGone(run);
    console.log(`demo stack: ready after ${startedMs} ms, whole case ${Date.now() - t0} ms`);
  }, START_BUDGET_MS + 240_000);

  it('with a model from env: the gateway uses it with the key, which is never printed or written', async () => {
    const key = `sk-test-${randomBytes(16).toString('hex')}`;
    const upstream: ModelServer = await startModelServer({ modelId: 'acme/my-model' });
    const authSeen: (string | undefined)[] = [];
    // The endpoint as a cloud API behaves: no key, no answer.
    const proxy: Server = createServer((req, res) => {
      authSeen.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${key}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key","type":"invalid_request_error"}}');
        return;
      }
      const fwd = httpRequest({ host: '127.0.0.1', port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.destroy());
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const modelUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/v1`;
    try {
      const run = await startStack({ STACK_MODEL_URL: modelUrl, STACK_MODEL_ID: 'acme/my-model', STACK_MODEL_API_KEY: key });
      expect(run.output()).toContain(`Model:     acme/my-model at ${modelUrl} (API key set)`);

      const { reply } = await askAgent(run, 'hello configured model');
      expect(reply.content).toMatch(/^You said: "hello configured model"/);
      expect(reply.content).not.toContain('[demo]');
      expect(aiMeta(reply)).toMatchObject({ engine: 'openclaw', status: 'done' });
      const seen = upstream.requests.find((r) => r.userText === 'hello configured model');
      expect(seen?.body.model).toBe('acme/my-model');
      expect(authSeen).toContain(`Bearer ${key}`);

      const state = readState();
      expect(state.modelServer).toBeUndefined(); // no demo model when one is configured
      const config = fs.readFileSync(path.join(state.gateway.dir, 'config', 'openclaw.json'), 'utf8');
      expect(config).toContain('${STACK_MODEL_API_KEY}');
      expect(config).not.toContain(key);
      await interruptAndExpectAllGone(run);
      expect(run.output()).not.toContain(key);
      expect(fs.readFileSync(path.join(state.gateway.dir, 'logs', 'openclaw.log'), 'utf8')).not.toContain(key);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await upstream.close();
    }
  }, START_BUDGET_MS + 240_000);
});
