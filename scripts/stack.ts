/**
 * The local stack (`npm start`): the real Tailchat (server + web client, from the kit) with this
 * bundle installed and answering, a demo user and group, kept running until Ctrl-C.
 * Every server runs on free 127.0.0.1 ports and is stopped on exit.
 *
 * Env: STACK_PORT (Tailchat's HTTP port), STACK_TRANSPORTER (nats | redis, default nats),
 *      AI_ENGINE and the engine settings of the README's config reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startBundleProcess } from '../test/support/bundle-process.js';
import { BOT_NICKNAME, botUserIdOn } from '../test/support/conversation.js';
import { TailchatApi, TailchatApiError } from '../test/tailchat/api.js';
import { REPO_ROOT, startTailchat, waitForHealthServices } from '../test/tailchat/kit.js';
import { ensureWebDist } from '../test/tailchat/web-dist.js';

const DEMO = { email: 'demo@tailchat-agent.local', password: 'demo-password', nickname: 'demo' };
const transporter = process.env.STACK_TRANSPORTER === 'redis' ? 'redis' : 'nats';

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
  const dir = path.join(REPO_ROOT, '.cache', 'stack');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'registry-be.json'), JSON.stringify([manifest], null, 2));
  const preinstall = `<script>(function(){try{var k='$TailchatInstalledPlugins',m=${JSON.stringify(manifest)};
var v=JSON.parse(localStorage.getItem(k)||'{"rawData":[]}');var l=Array.isArray(v.rawData)?v.rawData:[];
if(!l.some(function(p){return p&&p.name===m.name})){l.push(m);localStorage.setItem(k,JSON.stringify({rawData:l}));}}catch(e){}})();</script>`;
  const index = fs.readFileSync(path.join(webDist, 'index.html'), 'utf8').replace('<head>', `<head>${preinstall}`);
  fs.writeFileSync(path.join(dir, 'index.html'), index);
  return { 'registry-be.json': path.join(dir, 'registry-be.json'), 'index.html': path.join(dir, 'index.html') };
}

const webDist = ensureWebDist();
const tc = await startTailchat({
  transporter,
  label: 'stack',
  publicDirs: { '': webDist, ...frontendPublicDirs() },
  publicFiles: pluginFiles(webDist),
  ...(process.env.STACK_PORT ? { env: { TAILCHAT_PORT: process.env.STACK_PORT } } : {}),
});
const bundle = startBundleProcess({ TRANSPORTER: tc.transporter, TAILCHAT_NAMESPACE: tc.namespace, ...(process.env.TAILCHAT_HARNESS_VERBOSE ? {} : {}) }, 'bundle');

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await bundle.stop().catch(() => undefined);
  await tc.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

try {
  await waitForHealthServices(tc.url, ['plugin:com.yourcompany.ai', 'plugin:com.yourcompany.ai.runner'], 90_000);
  const api = new TailchatApi(tc.url);
  const demo = await api.register(DEMO).catch(async (err) => {
    if (err instanceof TailchatApiError) return api.login(DEMO);
    throw err;
  });
  const { groupId, textPanelId } = await api.createGroup(demo.token, 'AI demo');
  const botUserId = await botUserIdOn(tc);
  await api.sendMessage(demo.token, {
    converseId: textPanelId,
    groupId,
    content: `[at=${botUserId}]${BOT_NICKNAME}[/at] hello! what can you do?`,
    meta: { mentions: [botUserId] },
  });
  console.log(`
  tailchat-agent local stack is running (Ctrl-C stops everything)

    Open:      ${tc.url}/main/group/${groupId}/${textPanelId}
    Log in:    ${DEMO.email}  /  ${DEMO.password}
    Then:      type "@${BOT_NICKNAME} …" in the "AI demo" group (try: code, diff, tool, slow)

    Tailchat:  ${tc.url}  (transporter ${tc.transporter}, logs ${tc.logFile})
`);
} catch (err) {
  console.error('local stack failed to start:', err instanceof Error ? err.message : err);
  console.error(bundle.output().slice(-3000));
  await stop(1);
}
await new Promise(() => undefined);
