/**
 * Serves the stand-in host page (host/host.tsx, bundled with esbuild) and the built mini-star
 * plugins (dist/plugins), mocks the plugin backend (`POST /api/plugin:com.yourcompany.ai/*`,
 * recorded and answered by the test), and drives headless Chromium with playwright-core.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AgentView } from '../../../protocol/actions.js';
import { launchBrowser } from '../../tailchat/browser.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../../..');
const PLUGIN_DIR = path.join(REPO, 'plugins/com.yourcompany.ai');
const DIST = path.join(REPO, 'dist/plugins');
export const SHOTS = path.join(REPO, 'test-results/web');
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

let built = false;
/**
 * Builds the plugin and the example plugin with the real build script when the output is
 * missing or older than the sources (so the tests always exercise what `build.mjs` produces).
 */
export function ensurePluginBuilt(): void {
  if (built) return;
  const outputs = ['com.yourcompany.ai/index.js', 'com.example.ai-weather/index.js'].map((file) => path.join(DIST, file));
  const sourcesTime = Math.max(newestMtime(PLUGIN_DIR), newestMtime(path.join(REPO, 'protocol')));
  const stale = outputs.some((file) => !fs.existsSync(file) || fs.statSync(file).mtimeMs < sourcesTime);
  if (stale) {
    const result = spawnSync(process.execPath, [path.join(PLUGIN_DIR, 'build.mjs'), '--example', '--quiet'], { cwd: REPO, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`plugin build failed:\n${result.stdout}\n${result.stderr}`);
  }
  built = true;
}

let hostBundle: Promise<string> | undefined;
function bundleHost(): Promise<string> {
  hostBundle ??= build({
    entryPoints: [path.join(HERE, '../host/host.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  }).then((result) => (result.outputFiles[0] as { text: string }).text);
  return hostBundle;
}

const HOST_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tailchat stand-in</title>
<style>
  /* The parts of Tailwind's preflight that Tailchat applies and the plugin must undo. */
  *, ::before, ::after { box-sizing: border-box; border: 0 solid; }
  body { margin: 0; font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif; font-size: 14px;
         color: #374151; background: #fff; }
  h1, h2, h3, h4, h5, h6, p, blockquote, pre, hr { margin: 0; }
  h1, h2, h3, h4, h5, h6 { font-size: inherit; font-weight: inherit; }
  ol, ul { list-style: none; margin: 0; padding: 0; }
  button, input, select { font: inherit; color: inherit; }
  html.dark body { background: #36393f; color: #dcddde; }
  .host-layout { display: flex; gap: 16px; padding: 12px; }
  .host-chat { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 10px; }
  .host-message { display: flex; gap: 10px; padding: 4px 8px; }
  .host-message:hover { background: rgba(0,0,0,.03); }
  .host-avatar { flex: 0 0 36px; height: 36px; border-radius: 50%; background: #7c3aed; color: #fff; display: flex;
                 align-items: center; justify-content: center; font-weight: 700; }
  .host-main { flex: 1; min-width: 0; overflow: auto; }
  .host-author { font-weight: 700; }
  .chat-message-item_body { line-height: 1.5rem; word-break: break-word; }
  .host-group-detail { flex: 0 0 460px; border-left: 1px solid #ddd; padding-left: 16px; }
  .host-group-detail h3 { font-weight: 700; font-size: 16px; margin-bottom: 8px; }
  .host-toasts { position: fixed; top: 8px; right: 8px; display: flex; flex-direction: column; gap: 6px; }
  .host-toast { padding: 6px 12px; border-radius: 4px; background: #333; color: #fff; font-size: 13px; }
  .host-toast-error { background: #cf1322; }
  .host-toast-success { background: #389e0d; }
</style></head>
<body><div id="root"></div><script src="/host.js"></script></body></html>`;

export interface RecordedRequest {
  action: string;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}
export type Responder = (body: unknown) => { status: number; body: unknown };

export interface WebHost {
  page: Page;
  context: BrowserContext;
  baseUrl: string;
  /** Every call to the mocked plugin backend, in order. */
  requests: RecordedRequest[];
  /** Answer `action` with `fn` (default: 200 `{code: 200, data: {}}`). */
  respond(action: string, fn: Responder): void;
  /** Console lines and page errors seen so far. */
  logs: string[];
  loadPlugins(names?: string[]): Promise<void>;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface WebHostOptions {
  lang?: string;
  viewport?: { width: number; height: number };
  /**
   * The users the mocked backend names as the agent (`getAgentUsers`): the plugin renders panels
   * only on their messages. Default the fixtures' bot, `u_bot` (fixtures.ts).
   */
  agentUserIds?: string[];
  /** The agents `getAgentUsers` names with them; default one per agent user ("AI Assistant" for `u_bot`). */
  agents?: AgentView[];
}

/** One agent view per agent user, as a server with one configured agent per bot answers. */
export function defaultAgentViews(userIds: string[]): AgentView[] {
  return userIds.map((userId, i) => ({
    agentId: i === 0 ? 'assistant' : `agent-${i}`,
    userId,
    nickname: i === 0 ? 'AI Assistant' : `Agent ${i}`,
    starterPrompts: [],
    isDefault: i === 0,
  }));
}

export async function startWebHost(options: WebHostOptions = {}): Promise<WebHost> {
  ensurePluginBuilt();
  const script = await bundleHost();
  const requests: RecordedRequest[] = [];
  const responders = new Map<string, Responder>();
  const userIds = options.agentUserIds ?? ['u_bot'];
  const agentUsers = { code: 200, data: { userIds, agents: options.agents ?? defaultAgentViews(userIds) } };
  responders.set('getAgentUsers', () => ({ status: 200, body: agentUsers }));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(HOST_HTML);
    }
    if (req.method === 'GET' && url.pathname === '/host.js') {
      res.writeHead(200, { 'Content-Type': 'application/javascript' });
      return res.end(script);
    }
    if (req.method === 'GET' && url.pathname.startsWith('/plugins/')) {
      const file = path.normalize(path.join(DIST, decodeURIComponent(url.pathname.slice('/plugins/'.length))));
      if (file.startsWith(DIST + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'application/javascript' : 'application/octet-stream' });
        return fs.createReadStream(file).pipe(res);
      }
    }
    const api = /^\/api\/plugin:com\.yourcompany\.ai\/(.+)$/.exec(url.pathname);
    if (req.method === 'POST' && api) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const action = api[1] as string;
        const body: unknown = raw ? JSON.parse(raw) : {};
        requests.push({ action, body, headers: req.headers });
        const answer = responders.get(action)?.(body) ?? { status: 200, body: { code: 200, data: {} } };
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser: Browser = await launchBrowser();
  const context = await browser.newContext({
    serviceWorkers: 'block',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    locale: options.lang ?? 'en-US',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  await page.goto(baseUrl);
  await page.waitForFunction(() => window.__hostReady === true);
  if (options.lang) await page.evaluate((lang) => window.__host.setLang(lang), options.lang);
  fs.mkdirSync(SHOTS, { recursive: true });

  return {
    page,
    context,
    baseUrl,
    requests,
    logs,
    respond: (action, fn) => void responders.set(action, fn),
    async loadPlugins(names = ['com.yourcompany.ai']) {
      for (const name of names) {
        const ok = await page.evaluate(({ name, url }) => window.__host.loadPlugin(name, url), { name, url: `${baseUrl}/plugins/${name}/index.js` });
        if (!ok) throw new Error(`plugin ${name} did not load: ${JSON.stringify(await page.evaluate(() => window.__host.loadErrors))}\n${logs.join('\n')}`);
      }
    },
    async shot(name) {
      const file = path.join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
