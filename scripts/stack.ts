/**
 * The local stack (`npm start`): the real Tailchat (server + web client, from the kit) with this
 * bundle installed and answering through the real OpenClaw gateway, a demo user and group, kept
 * running until Ctrl-C. Every server runs on free 127.0.0.1 ports and is stopped on exit.
 *
 * The model: any OpenAI-compatible endpoint named by env (Ollama, vLLM, a cloud API); without one,
 * the scripted model server of the tests, which labels every reply "[demo]", so the whole path
 * works offline on a fresh machine.
 *
 * Env: STACK_MODEL_URL     OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 (Ollama)
 *      STACK_MODEL_ID      the model's id at that endpoint, e.g. llama3.2
 *      STACK_MODEL_API_KEY (secret; or STACK_MODEL_API_KEY_FILE) sent as the bearer key; never printed
 *      STACK_ENGINE        openclaw (default) | scripted (no gateway, no model) | mbe (its MBE_* env)
 *      STACK_DIR           state dir (default .cache/stack: gateway state, device identity, plugin files)
 *      STACK_PORT          Tailchat's HTTP port; STACK_TRANSPORTER nats (default) | redis
 */
import fs from 'node:fs';
import path from 'node:path';
import { startModelServer, type ModelServer } from '../test/model-server/server.js';
import { DEMO_WORDS, demoScript } from '../test/model-server/demo-script.js';
import { startTestGateway, type TestGateway } from '../test/openclaw/gateway.js';
import { startBundleProcess, type BundleProcess } from '../test/support/bundle-process.js';
import { BOT_NICKNAME, botUserIdOn } from '../test/support/conversation.js';
import { TailchatApi, TailchatApiError } from '../test/tailchat/api.js';
import { REPO_ROOT, startTailchat, waitForHealthServices, type TailchatInstance } from '../test/tailchat/kit.js';
import { ensureWebDist } from '../test/tailchat/web-dist.js';

const DEMO = { email: 'demo@tailchat-agent.local', password: 'demo-password', nickname: 'demo' };
/** Two agents (README "Agents"): the first is today's assistant, the second a bot user of its own with its own conversations. */
const STACK_AGENTS = [
  { id: 'assistant', nickname: BOT_NICKNAME, starterPrompts: ['What can you do?', 'Show me some code', 'Show me a diff'] },
  { id: 'reviewer', nickname: 'Code Reviewer', starterPrompts: ['Review this change', 'Explain this error'] },
];
const PLUGIN = 'plugin:com.yourcompany.ai';
const transporter = process.env.STACK_TRANSPORTER === 'redis' ? 'redis' : 'nats';
const STACK_DIR = path.resolve(REPO_ROOT, process.env.STACK_DIR || path.join('.cache', 'stack'));
const STATE_FILE = path.join(STACK_DIR, 'stack.json');
const engine = (process.env.STACK_ENGINE || 'openclaw').trim();

function fail(message: string): never {
  console.error(`local stack: ${message}`);
  process.exit(2);
}

if (!['openclaw', 'scripted', 'mbe'].includes(engine)) fail(`STACK_ENGINE must be openclaw, scripted or mbe (got "${engine}")`);

// ---------- the model (read before anything starts, so a bad setting fails at once) ----------

interface ConfiguredModel {
  url: string;
  id: string;
  apiKey: string | undefined;
}

/** The URL as it may be printed: no user:password part, no query (keys sometimes live there). */
function printableUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/$/, '');
}

function readModelEnv(): ConfiguredModel | undefined {
  const url = process.env.STACK_MODEL_URL?.trim();
  const id = process.env.STACK_MODEL_ID?.trim();
  let apiKey = process.env.STACK_MODEL_API_KEY;
  const keyFile = process.env.STACK_MODEL_API_KEY_FILE;
  // Secrets go to the gateway only (through its own env), never to the other children.
  delete process.env.STACK_MODEL_API_KEY;
  if (!apiKey && keyFile) {
    try {
      apiKey = fs.readFileSync(keyFile, 'utf8').trim();
    } catch (err) {
      fail(`STACK_MODEL_API_KEY_FILE: cannot read ${keyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!url && !id) return undefined;
  if (!url || !id) fail('set both STACK_MODEL_URL (OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1) and STACK_MODEL_ID (e.g. llama3.2), or neither for the offline demo model');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail('STACK_MODEL_URL is not a URL (expected e.g. http://127.0.0.1:11434/v1)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail('STACK_MODEL_URL must be an http:// or https:// URL');
  return { url: url.replace(/\/+$/, ''), id, apiKey: apiKey?.trim() || undefined };
}

const configuredModel = engine === 'openclaw' ? readModelEnv() : undefined;

// ---------- one stack per state dir ----------

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

fs.mkdirSync(STACK_DIR, { recursive: true });
try {
  const previous = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as { pid?: number };
  if (previous.pid && previous.pid !== process.pid && alive(previous.pid)) {
    fail(`another local stack (pid ${previous.pid}) uses ${STACK_DIR}; stop it first, or set STACK_DIR`);
  }
} catch {
  /* no earlier stack */
}

// ---------- the frontend plugin, as Tailchat serves it ----------

function frontendPublicDirs(): Record<string, string> {
  const built = path.join(REPO_ROOT, 'dist/plugins/com.yourcompany.ai');
  return fs.existsSync(path.join(built, 'index.js')) ? { 'plugins/com.yourcompany.ai': built } : {};
}

/**
 * The plugin as Tailchat's server-plugin list advertises it (`registry-be.json`, shown in the
 * Plugin Store), and pre-installed for this stack's browsers: Tailchat keeps installed plugins in
 * each browser's localStorage, so the served index.html adds ours there once.
 */
function pluginFiles(webDist: string): Record<string, string> {
  const manifestFile = path.join(REPO_ROOT, 'plugins/com.yourcompany.ai/manifest.json');
  if (!fs.existsSync(manifestFile)) return {};
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { name: string };
  fs.writeFileSync(path.join(STACK_DIR, 'registry-be.json'), JSON.stringify([manifest], null, 2));
  const preinstall = `<script>(function(){try{var k='$TailchatInstalledPlugins',m=${JSON.stringify(manifest)};
var v=JSON.parse(localStorage.getItem(k)||'{"rawData":[]}');var l=Array.isArray(v.rawData)?v.rawData:[];
if(!l.some(function(p){return p&&p.name===m.name})){l.push(m);localStorage.setItem(k,JSON.stringify({rawData:l}));}}catch(e){}})();</script>`;
  const index = fs.readFileSync(path.join(webDist, 'index.html'), 'utf8').replace('<head>', `<head>${preinstall}`);
  fs.writeFileSync(path.join(STACK_DIR, 'index.html'), index);
  return { 'registry-be.json': path.join(STACK_DIR, 'registry-be.json'), 'index.html': path.join(STACK_DIR, 'index.html') };
}

// ---------- the OpenClaw gateway ----------

/** Gateway config for a configured model: one provider, the key referenced as ${STACK_MODEL_API_KEY}. */
function configuredModelConfig(model: ConfiguredModel, dir: string): Record<string, unknown> {
  return {
    models: {
      mode: 'replace',
      catalogRefresh: { enabled: false },
      providers: {
        stack: {
          baseUrl: model.url,
          // OpenClaw substitutes ${VAR} from its env: the key never lands in the config file.
          apiKey: model.apiKey ? '${STACK_MODEL_API_KEY}' : 'no-key',
          api: 'openai-completions',
          models: [
            {
              id: model.id,
              name: model.id,
              reasoning: false,
              input: ['text'],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: Number(process.env.STACK_MODEL_CONTEXT_WINDOW) || 32_768,
              maxTokens: Number(process.env.STACK_MODEL_MAX_TOKENS) || 4_096,
            },
          ],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: `stack/${model.id}` },
        workspace: path.join(dir, 'workspace'),
        skipBootstrap: true,
        heartbeat: { every: '0m' },
      },
    },
  };
}

function proxyEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) {
    if (process.env[k]) out[k] = process.env[k]!;
  }
  return out;
}

// ---------- start, stop ----------

let tc: TailchatInstance | undefined;
let gateway: TestGateway | undefined;
let model: ModelServer | undefined;
let bundle: BundleProcess | undefined;
let stopping = false;

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  // The bundle first (it drains running replies), then what it used.
  await bundle?.stop().catch(() => undefined);
  await Promise.allSettled([gateway?.dispose(), tc?.stop(), model?.close()]);
  fs.rmSync(STATE_FILE, { force: true });
  console.log('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

function writeState(): void {
  const state = {
    pid: process.pid,
    tailchat: tc ? { url: tc.url, logFile: tc.logFile, pids: Object.fromEntries(Object.entries(tc.env).filter(([k]) => k.endsWith('_PID')).map(([k, v]) => [k, Number(v)])) } : undefined,
    gateway: gateway ? { url: gateway.url, pid: gateway.pid, dir: gateway.dir, logFile: gateway.logFile } : undefined,
    modelServer: model ? { url: model.url, inProcess: true } : undefined,
    bundle: bundle ? { pid: bundle.pid } : undefined,
  };
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

function modelLine(): string {
  if (engine !== 'openclaw') return engine === 'scripted' ? 'none (the scripted engine answers by itself)' : `the ${engine} engine's own`;
  if (configuredModel) return `${configuredModel.id} at ${printableUrl(configuredModel.url)} (API key ${configuredModel.apiKey ? 'set' : 'not set'})`;
  return 'demo: the offline scripted model server, every reply labelled [demo] (set STACK_MODEL_URL + STACK_MODEL_ID for a real model)';
}

async function main(): Promise<void> {
  console.log(`tailchat-agent local stack: engine ${engine}; model ${modelLine()}`);
  console.log('starting (the first start installs and builds; later ones take ~1 minute)…');
  const webDist = ensureWebDist();

  let gatewayStart: Promise<TestGateway> | undefined;
  if (engine === 'openclaw') {
    if (!configuredModel) model = await startModelServer({ script: demoScript, label: 'demo' });
    const dir = path.join(STACK_DIR, 'openclaw');
    gatewayStart = startTestGateway({
      dir,
      approvals: true,
      modelUrl: configuredModel?.url ?? model!.url,
      ...(configuredModel
        ? { extraConfig: configuredModelConfig(configuredModel, dir), env: { ...proxyEnv(), ...(configuredModel.apiKey ? { STACK_MODEL_API_KEY: configuredModel.apiKey } : {}) } }
        : {}),
    });
  }
  const tcStart = startTailchat({
    transporter,
    label: 'stack',
    publicDirs: { '': webDist, ...frontendPublicDirs() },
    publicFiles: pluginFiles(webDist),
    ...(process.env.STACK_PORT ? { env: { TAILCHAT_PORT: process.env.STACK_PORT } } : {}),
  });
  // Both take ~20 s: start them side by side, and keep hold of each even if the other fails.
  const [tcResult, gwResult] = await Promise.allSettled([tcStart, gatewayStart ?? Promise.resolve(undefined)]);
  if (tcResult.status === 'fulfilled') tc = tcResult.value;
  if (gwResult.status === 'fulfilled') gateway = gwResult.value;
  writeState();
  if (tcResult.status === 'rejected') throw tcResult.reason;
  if (gwResult.status === 'rejected') throw new Error(`the OpenClaw gateway did not start: ${gwResult.reason instanceof Error ? gwResult.reason.message : String(gwResult.reason)}`);
  if (stopping) return;

  const engineEnv: Record<string, string> =
    engine === 'openclaw'
      ? {
          AI_ENGINE: 'openclaw',
          OPENCLAW_GATEWAY_URL: gateway!.url,
          OPENCLAW_GATEWAY_TOKEN: gateway!.token,
          OPENCLAW_APPROVALS: 'true',
          OPENCLAW_DEVICE_IDENTITY_PATH: path.join(STACK_DIR, 'openclaw-device.json'),
        }
      : { AI_ENGINE: engine };
  // AI_TAILCHAT_URL: images and files in prompts are fetched from this Tailchat's /static/ (README "Attachments").
  bundle = startBundleProcess({ TRANSPORTER: tc!.transporter, TAILCHAT_NAMESPACE: tc!.namespace, AI_TAILCHAT_URL: tc!.url, AI_AGENTS: JSON.stringify(STACK_AGENTS), ...engineEnv }, 'bundle');
  writeState();

  await waitForHealthServices(tc!.url, [PLUGIN, `${PLUGIN}.runner`], 90_000);
  const api = new TailchatApi(tc!.url);
  const demo = await api.register(DEMO).catch(async (err) => {
    if (err instanceof TailchatApiError) return api.login(DEMO);
    throw err;
  });
  const { groupId, textPanelId } = await api.createGroup(demo.token, 'AI demo');
  // Both agents are members of the demo group, so its `@` picker offers them (the owner may add agents).
  for (const agent of STACK_AGENTS) await api.call(`${PLUGIN}.setGroupAgent`, { groupId, agentId: agent.id, member: true }, demo.token);
  const botUserId = await botUserIdOn(tc!);
  await api.sendMessage(demo.token, {
    converseId: textPanelId,
    groupId,
    content: `[at=${botUserId}]${BOT_NICKNAME}[/at] hello! what can you do?`,
    meta: { mentions: [botUserId] },
  });
  if (stopping) return;
  const tryWords = engine === 'openclaw' ? (configuredModel ? 'anything; a shell command asks for your approval' : DEMO_WORDS.join(', ')) : 'code, diff, tool, slow';
  console.log(`
  tailchat-agent local stack is running (Ctrl-C stops everything)

    Open:      ${tc!.url}/main/group/${groupId}/${textPanelId}
    Log in:    ${DEMO.email}  /  ${DEMO.password}
    Then:      type "@" in the "AI demo" group and pick ${STACK_AGENTS.map((a) => a.nickname).join(' or ')} (try: ${tryWords})

    Engine:    ${engine === 'openclaw' ? `OpenClaw gateway ${gateway!.url} (exec approvals on; state ${gateway!.dir})` : engine}
    Model:     ${modelLine()}
    Tailchat:  ${tc!.url}  (transporter ${tc!.transporter}, logs ${tc!.logFile})${gateway ? `\n    Gateway:   logs ${gateway.logFile}` : ''}
`);
}

try {
  await main();
} catch (err) {
  console.error('local stack failed to start:', err instanceof Error ? err.message : err);
  if (bundle) console.error(bundle.output().slice(-3000));
  await stop(1);
}
await new Promise(() => undefined);
