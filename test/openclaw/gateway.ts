/**
 * Starts a real OpenClaw gateway (`openclaw@2026.9.6`) for tests: every path isolated in a temp
 * dir, loopback bind, a random 32-byte hex token, a free port, the fake model server as its only
 * model, logging into the temp dir. Readiness is a real handshake with the official client (not a
 * log line). `stop()`/`restart()` keep port, token and state dir (the restart-mid-run test).
 * The child dies with the test process (exit hook + a parent-watchdog preloaded into the child).
 *
 * It needs ~20–27 s to start and ~1 GB RSS: start one per test file, in `beforeAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GatewayClient } from '@openclaw/gateway-client';
import { PROTOCOL_VERSION } from '@openclaw/gateway-protocol/version';

export interface TestGatewayOptions {
  /** Base URL of the OpenAI-compatible model (`…/v1`), e.g. the fake model server's `url`. */
  modelUrl: string;
  modelId?: string;
  /** Make the `exec` tool ask an operator before running anything (`tools.exec.mode: "ask"`). */
  approvals?: boolean;
  /** Default: a free loopback port. */
  port?: number;
  /** Default: 32 random bytes as hex. */
  token?: string;
  /** How long to wait for the handshake to succeed (default 120 s). */
  readyTimeoutMs?: number;
  /** Merged over the generated config (top-level keys replace). */
  extraConfig?: Record<string, unknown>;
  /** Keep the temp dir after dispose (debugging). */
  keepDir?: boolean;
  /**
   * Use this directory (created if missing, never removed) instead of a fresh temp dir, so the
   * gateway's state (sessions, paired devices) survives the caller: the local stack keeps it in
   * `.cache/stack/openclaw`. The config is rewritten on every start.
   */
  dir?: string;
  /** Extra environment for the gateway process, e.g. a model API key the config names as `${VAR}`. */
  env?: Record<string, string>;
  /** Echo the gateway's stdout/stderr to this process's stderr. */
  echo?: boolean;
}

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Root temp dir (state, config, workspace, logs live below it). */
  readonly dir: string;
  readonly configPath: string;
  readonly logFile: string;
  /** Milliseconds from spawn to a successful handshake, for the latest start. */
  readonly readyMs: number;
  readonly pid: number | undefined;
  /** Last ~64 KB of the child's stdout+stderr (never contains the token: it is not on argv). */
  output(): string;
  /**
   * Stops the process; state stays. Default: SIGTERM (OpenClaw drains: in-flight runs finish
   * first), SIGKILL after 30 s. `hard`: SIGKILL at once (a crash: in-flight runs are lost).
   */
  stop(opts?: { hard?: boolean }): Promise<void>;
  /** Stops (see stop), then starts again on the same port, token, config and state dir; resolves when ready. */
  restart(opts?: { hard?: boolean }): Promise<void>;
  /** Starts it again after a `stop()` (same port, token, config and state dir); resolves when ready. */
  start(): Promise<void>;
  /** Stops and removes the temp dir. */
  dispose(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Shared by every gateway the tests and the local stack start (in the repo's .cache, like Node 24). */
const COMPILE_CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'node-compile-cache');

/** The `openclaw.mjs` entry of the installed package (as docs/gateway/embedding.md advises). */
export function openclawEntry(): string {
  const packageEntry = require.resolve('openclaw'); // <pkg>/dist/index.js
  return resolve(dirname(packageEntry), '..', 'openclaw.mjs');
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export function buildGatewayConfig(params: {
  port: number;
  token: string;
  dir: string;
  modelUrl: string;
  modelId: string;
  approvals: boolean;
}): Record<string, unknown> {
  return {
    gateway: {
      mode: 'local',
      port: params.port,
      bind: 'loopback',
      auth: { mode: 'token', token: params.token },
      controlUi: { enabled: false },
    },
    discovery: { mdns: { mode: 'off' } },
    update: { checkOnStart: false },
    telemetry: { enabled: false },
    logging: { file: join(params.dir, 'logs', 'openclaw.log') },
    models: {
      mode: 'replace',
      catalogRefresh: { enabled: false },
      providers: {
        fake: {
          baseUrl: params.modelUrl,
          apiKey: 'fake-local',
          api: 'openai-completions',
          models: [
            {
              id: params.modelId,
              name: 'Fake Coder',
              reasoning: false,
              input: ['text'],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128000,
              maxTokens: 4096,
            },
          ],
        },
      },
    },
    agents: {
      defaults: {
        model: { primary: `fake/${params.modelId}` },
        workspace: join(params.dir, 'workspace'),
        skipBootstrap: true,
        heartbeat: { every: '0m' },
      },
    },
    // Exec approvals: host exec on the gateway, allowlist + ask on every miss (empty allowlist ⇒
    // every command asks). Without an approvals-capable operator connected it falls back to deny.
    ...(params.approvals ? { tools: { exec: { host: 'gateway', mode: 'ask' } } } : {}),
  };
}

/**
 * OpenClaw keeps zero-byte lock-coordinator files in a fixed `/tmp/openclaw-state-locks-<uid>/`
 * (not under TMPDIR, by design, so every process using a database agrees on the path), named
 * `<family>.<sha256(db path) prefix 8>.lock.sqlite`. Remove the ones of this gateway's databases.
 */
function removeLockFiles(dir: string): void {
  const locks = join('/tmp', typeof process.getuid === 'function' ? `openclaw-state-locks-${process.getuid()}` : 'openclaw-state-locks');
  if (!existsSync(locks)) return;
  const hashes = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.sqlite')) hashes.add(createHash('sha256').update(join(dir, entry)).digest('hex').slice(0, 8));
  }
  for (const name of readdirSync(locks)) {
    const hash = /\.([a-f0-9]{8})\.lock\.sqlite$/.exec(name)?.[1];
    if (hash && hashes.has(hash)) {
      try {
        unlinkSync(join(locks, name));
      } catch {
        /* already gone */
      }
    }
  }
}

/** A preload for the gateway child: exit when the test process that started it is gone. */
function watchdogImport(parentPid: number): string {
  const code = `const p=${parentPid};setInterval(()=>{try{process.kill(p,0)}catch{process.kill(process.pid,'SIGTERM');setTimeout(()=>process.exit(1),5000).unref()}},1000).unref();`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killTree(child, 'SIGKILL');
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // its own process group (detached)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** One real handshake with the official client; resolves true on hello-ok. */
export function probeGateway(url: string, token: string, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolveProbe) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.stop();
      resolveProbe(ok);
    };
    const client = new GatewayClient({
      url,
      token,
      clientName: 'gateway-client',
      mode: 'backend',
      role: 'operator',
      scopes: ['operator.read'],
      caps: [],
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      onHelloOk: () => finish(true),
      onConnectError: () => finish(false),
      onClose: () => finish(false),
    });
    const timer = setTimeout(() => finish(false), timeoutMs);
    client.start();
  });
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  installExitHook();
  const persistent = options.dir !== undefined;
  const dir = persistent ? resolve(options.dir!) : mkdtempSync(join(tmpdir(), 'openclaw-test-'));
  const keepDir = persistent || options.keepDir === true;
  const port = options.port ?? (await freePort());
  const token = options.token ?? randomBytes(32).toString('hex');
  const modelId = options.modelId ?? 'fake-coder';
  for (const sub of ['home', 'state', 'cache', 'workspace', 'logs', 'config', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  const configPath = join(dir, 'config', 'openclaw.json');
  const config = {
    ...buildGatewayConfig({ port, token, dir, modelUrl: options.modelUrl, modelId, approvals: options.approvals ?? false }),
    ...options.extraConfig,
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(configPath, 0o600);
  const logFile = join(dir, 'logs', 'openclaw.log');
  const url = `ws://127.0.0.1:${port}`;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  let child: ChildProcess | undefined;
  let outputBuf = '';
  let readyMs = 0;
  let exitPromise: Promise<void> = Promise.resolve();

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: process.env.LANG ?? 'C.UTF-8',
    TZ: process.env.TZ,
    HOME: join(dir, 'home'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    XDG_DATA_HOME: join(dir, 'home', '.local', 'share'),
    // OpenClaw also keeps locks, staging dirs and a fallback log dir under os.tmpdir()
    TMPDIR: join(dir, 'tmp'),
    OPENCLAW_HOME: join(dir, 'home'),
    OPENCLAW_STATE_DIR: join(dir, 'state'),
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_SKIP_CHANNELS: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_NO_RESPAWN: '1',
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_EXEC_SHELL_SNAPSHOT: '0',
    // OpenClaw keeps Node's compile cache under os.tmpdir(), which is a fresh dir per gateway
    // here: one shared cache makes every start after the first ~4 s faster.
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE_DIR,
    DO_NOT_TRACK: '1',
    NODE_ENV: 'production',
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const spawnChild = (): void => {
    const proc = spawn(process.execPath, ['--import', watchdogImport(process.pid), openclawEntry(), 'gateway'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = proc;
    live.add(proc);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (options.echo) process.stderr.write(text);
      outputBuf = (outputBuf + text).slice(-65_536);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    exitPromise = new Promise<void>((resolveExit) => {
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        outputBuf += `\n[gateway exited code=${code} signal=${signal}]\n`;
        resolveExit();
      });
    });
  };

  const waitReady = async (): Promise<void> => {
    const started = Date.now();
    const proc = child!;
    while (Date.now() - started < readyTimeoutMs) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`openclaw gateway exited before it was ready (code ${proc.exitCode}):\n${outputBuf.slice(-4000)}`);
      }
      if (await probeGateway(url, token, 5_000)) {
        readyMs = Date.now() - started;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`openclaw gateway not ready after ${readyTimeoutMs} ms:\n${outputBuf.slice(-4000)}`);
  };

  const stop = async (opts?: { hard?: boolean }): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    killTree(proc, opts?.hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => killTree(proc, 'SIGKILL'), 30_000);
    await exitPromise;
    clearTimeout(timer);
    // exec'd commands may linger in the group; make sure nothing of ours survives
    killTree(proc, 'SIGKILL');
  };

  spawnChild();
  try {
    await waitReady();
  } catch (err) {
    await stop();
    if (!keepDir) {
      removeLockFiles(dir);
      rmSync(dir, { recursive: true, force: true });
    }
    throw err;
  }

  return {
    url,
    port,
    token,
    dir,
    configPath,
    logFile,
    get readyMs() {
      return readyMs;
    },
    get pid() {
      return child?.pid;
    },
    output: () => outputBuf,
    stop,
    async restart(opts) {
      await stop(opts);
      spawnChild();
      await waitReady();
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) throw new Error('the gateway is running; stop it first');
      spawnChild();
      await waitReady();
    },
    async dispose() {
      await stop();
      if (!keepDir) {
        removeLockFiles(dir);
        rmSync(resolve(dir), { recursive: true, force: true });
      }
    },
  };
}
