/**
 * Drives the read-only "tailchat-real" kit (/work/shared/tailchat-real) to run real Tailchat
 * servers for tests.
 *
 * Each startTailchat() gets its own TAILCHAT_REAL_HOME (a "farm" of symlinks into the shared
 * install plus a few real dirs), so any number of instances can run next to each other and
 * next to a developer's own stack in the default home, which is never touched. The kit's
 * start.sh/stop.sh are used unchanged; they only see a different TAILCHAT_REAL_HOME.
 *
 * Farm layout (<home> = per-instance dir):
 *   <home>/tools                -> <shared>/tools                     (CongoDB, s3rver)
 *   <home>/tailchat/<entry>     -> <shared>/tailchat/<entry>          (all but server/)
 *   <home>/tailchat/server/<e>  -> <shared>/tailchat/server/<e>       (all but the 3 below)
 *   <home>/tailchat/server/{plugins,public,logs}   real dirs of this instance
 *   <home>/run/                 written by start.sh: env, pids, logs/
 * start.sh does `cd $SRC/server`, so Tailchat's cwd is the farm's server dir: the runner globs
 * `plugins/**\/*.service.ts` and the gateway serves `./public` from there, while Node resolves
 * every symlinked module to its real path (one copy of each module, shared node_modules).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterFailedTest } from '../support/on-failure.js';
import { ensurePluginBotUser } from './plugin-bot.js';

export type TransporterKind = 'redis' | 'nats';

export interface ServerPlugin {
  /** Directory name under server/plugins/ (Tailchat uses the plugin id, e.g. com.yourcompany.ai). */
  id: string;
  /** Relative path inside plugins/<id>/ -> absolute source file to copy there. */
  files: Record<string, string>;
}

export interface StartOptions {
  transporter?: TransporterKind;
  /** Copied into server/plugins/<id>/ before start; Tailchat's own process loads their services. */
  serverPlugins?: ServerPlugin[];
  /** Relative path inside server/public/ -> absolute source file. */
  publicFiles?: Record<string, string>;
  /** Relative dir inside server/public/ ('' = public itself) -> absolute source dir, merged recursively. */
  publicDirs?: Record<string, string>;
  /** Extra environment for Tailchat's process (and start.sh). */
  env?: Record<string, string>;
  /** Moleculer namespace (kit default: tailchat). */
  namespace?: string;
  /** Service names (as in /api/gateway/health) that must be up before start resolves. */
  waitForServices?: string[];
  /** Default 30 s (the runner loads services before the gateway answers, so this is rarely hit). */
  waitForServicesTimeoutMs?: number;
  /** Prefix of the instance dir name, for finding logs. */
  label?: string;
  /** Seconds start.sh waits for Tailchat (kit default 90). */
  startTimeoutSec?: number;
}

/** What a test needs to talk to a Tailchat; also the shape of an external (non-kit) Tailchat. */
export interface TailchatConnection {
  url: string;
  namespace: string;
  /** Full Moleculer transporter URL, e.g. redis://127.0.0.1:41234 */
  transporter: string;
  nodeId: string;
}

export interface TailchatInstance extends TailchatConnection {
  transporterKind: TransporterKind | 'external';
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  /** Per-instance TAILCHAT_REAL_HOME ('' for an external Tailchat). */
  home: string;
  /** Tailchat's stdout/stderr ('' for an external Tailchat). */
  logFile: string;
  /** The instance's server/public dir ('' for an external Tailchat). */
  publicDir: string;
  /** Parsed $home/run/env. */
  env: Record<string, string>;
  external: boolean;
  /** Stops exactly this instance; idempotent. */
  stop(): Promise<void>;
}

/**
 * The repo root: two levels above this file. `__dirname` exists under vitest (vite-node) and
 * tsx; the tsconfig types .ts files here as CommonJS, where `import.meta` is not allowed.
 * Fallback: walk up from cwd to the package.json named tailchat-agent.
 */
function findRepoRoot(): string {
  if (typeof __dirname === 'string' && fs.existsSync(path.resolve(__dirname, '..', '..', 'package.json'))) {
    return path.resolve(__dirname, '..', '..');
  }
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'tailchat-agent') return dir;
    } catch { /* keep walking */ }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}
export const REPO_ROOT = findRepoRoot();

/** Kit dir from TAILCHAT_KIT, else <repo>/../shared/tailchat-real; null when absent. */
export function findKitDir(): string | null {
  const dir = process.env.TAILCHAT_KIT ?? path.resolve(REPO_ROOT, '..', 'shared', 'tailchat-real');
  const ok = ['setup.sh', 'start.sh', 'stop.sh'].every((f) => fs.existsSync(path.join(dir, f)));
  return ok ? dir : null;
}

/** The shared install that setup.sh fills; instances only link to it. */
export function sharedHome(): string {
  return process.env.TAILCHAT_REAL_HOME ?? path.join(os.homedir(), '.cache', 'tailchat-real');
}

/** Where instance homes live; in tmp so a crashed run leaves nothing in the repo. */
export function instancesRoot(): string {
  return process.env.TAILCHAT_HARNESS_DIR ?? path.join(os.tmpdir(), `tailchat-harness-${os.userInfo().uid}`);
}

const verbose = (): boolean => !!process.env.TAILCHAT_HARNESS_VERBOSE;
function log(msg: string): void {
  if (verbose()) console.error(`[tailchat-kit] ${msg}`);
}

// Kit/Moleculer variables a developer may have exported (e.g. after sourcing their own
// run/env). Inherited, they would pin ports or the namespace of our instances to theirs.
const INHERITED_ENV_DROP = [
  'TAILCHAT_REAL_HOME', 'TRANSPORTER', 'TAILCHAT_PORT', 'TAILCHAT_NAMESPACE', 'TAILCHAT_SECRET',
  'CONGODB_PORT', 'REDIS_PORT', 'S3_PORT', 'NATS_PORT', 'TAILCHAT_URL', 'TAILCHAT_NODE_ID',
  'TAILCHAT_START_TIMEOUT', 'TAILCHAT_TRACING', 'NAMESPACE', 'NODEID', 'SERVICES', 'SERVICEDIR',
  'MONGO_URL', 'REDIS_URL', 'MINIO_URL', 'PORT', 'API_URL',
];
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of INHERITED_ENV_DROP) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('MOL_')) delete env[k];
  return env;
}

interface RunResult { code: number | null; out: string }
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, onSpawn?: (c: ChildProcess) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

let setupPromise: Promise<void> | undefined;
/** setup.sh once per process; flock because parallel test files may call it together. */
export function ensureSetup(kitDir: string): Promise<void> {
  setupPromise ??= (async () => {
    const home = sharedHome();
    fs.mkdirSync(home, { recursive: true });
    const env = { ...baseEnv(), TAILCHAT_REAL_HOME: home };
    const t0 = Date.now();
    const r = await run('flock', [path.join(home, '.harness-setup.lock'), path.join(kitDir, 'setup.sh')], env, 600_000);
    if (r.code !== 0) {
      throw new Error(`tailchat kit: ${kitDir}/setup.sh failed (exit ${r.code}, TAILCHAT_REAL_HOME=${home}):\n${tail(r.out, 30)}`);
    }
    log(`setup.sh ok in ${Date.now() - t0} ms`);
  })();
  setupPromise.catch(() => { setupPromise = undefined; });
  return setupPromise;
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Symlink every entry of `from` into `to`, except `except`. */
function linkEntries(from: string, to: string, except: string[]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) {
    if (except.includes(name)) continue;
    fs.symlinkSync(path.join(from, name), path.join(to, name));
  }
}

function copyInto(dir: string, rel: string, src: string): void {
  const dest = path.resolve(dir, rel);
  if (dest !== dir && !dest.startsWith(dir + path.sep)) throw new Error(`tailchat kit: path '${rel}' escapes ${dir}`);
  if (!fs.existsSync(src)) throw new Error(`tailchat kit: source '${src}' does not exist`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(src, dest, { recursive: true, dereference: true, force: true });
}

function buildFarm(home: string, shared: string, opts: StartOptions): void {
  const sharedSrc = path.join(shared, 'tailchat');
  const sharedServer = path.join(sharedSrc, 'server');
  for (const need of [path.join(shared, 'tools'), path.join(sharedServer, 'node_modules'), path.join(sharedServer, 'tailchat-real-runner.js')]) {
    if (!fs.existsSync(need)) throw new Error(`tailchat kit: ${need} missing after setup.sh (TAILCHAT_REAL_HOME=${shared})`);
  }
  fs.symlinkSync(path.join(shared, 'tools'), path.join(home, 'tools'));
  const src = path.join(home, 'tailchat');
  linkEntries(sharedSrc, src, ['server']);
  const server = path.join(src, 'server');
  linkEntries(sharedServer, server, ['plugins', 'public', 'logs']);
  // Real dirs, seeded with the shared contents (only .gitkeep / bulma.css in the kit).
  for (const d of ['plugins', 'public']) {
    const from = path.join(sharedServer, d);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(server, d), { recursive: true });
    else fs.mkdirSync(path.join(server, d));
  }
  fs.mkdirSync(path.join(server, 'logs'));

  for (const p of opts.serverPlugins ?? []) {
    if (!/^[A-Za-z0-9._-]+$/.test(p.id)) throw new Error(`tailchat kit: bad server plugin id '${p.id}'`);
    const dir = path.join(server, 'plugins', p.id);
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, abs] of Object.entries(p.files)) copyInto(dir, rel, abs);
  }
  const pub = path.join(server, 'public');
  for (const [rel, abs] of Object.entries(opts.publicDirs ?? {})) copyInto(pub, rel, abs);
  for (const [rel, abs] of Object.entries(opts.publicFiles ?? {})) copyInto(pub, rel, abs);
}

/** Parses the kit's shell-sourceable KEY=VALUE env file. */
export function parseEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

// ---- cleanup of instances when the test process ends ---------------------------------------
// Three layers: stop() from the test; a synchronous stop.sh on 'exit'; and a detached reaper
// per instance that runs stop.sh once this process is gone (SIGKILL, Ctrl-C, crashed worker).
interface Live { home: string; kitDir: string; reaper: ChildProcess | undefined }
const live = new Map<string, Live>();
/** Started instances by transporter URL: a bundle started on one gets its database (mongoUrlOf). */
const byTransporter = new Map<string, TailchatInstance>();

/** Databases of instances started by another process (the run's shared Tailchat), by transporter URL. */
const databases = new Map<string, string>();

/** Tailchat's MONGO_URL of the kit instance on this transporter (for the plugin's own collections). */
export function mongoUrlOf(transporter: string): string | undefined {
  return byTransporter.get(transporter)?.env.MONGO_URL || databases.get(transporter) || undefined;
}

/** Makes mongoUrlOf know an instance this process did not start (the shared Tailchat of the run). */
export function rememberDatabaseOf(transporter: string, mongoUrl: string | undefined): void {
  if (mongoUrl) databases.set(transporter, mongoUrl);
}
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const l of live.values()) {
      forgetRecycledPids(l.home);
      spawnSync(path.join(l.kitDir, 'stop.sh'), [], { env: { ...baseEnv(), TAILCHAT_REAL_HOME: l.home }, stdio: 'ignore', timeout: 20_000 });
      if (l.reaper?.pid) try { process.kill(l.reaper.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
  });
}

function startReaper(home: string, kitDir: string): ChildProcess | undefined {
  const script = [
    'while kill -0 "$WATCH_PID" 2>/dev/null; do sleep 1; done',
    // a start.sh still running would go on launching processes: end it first (its trap stops them)
    'if [ -f "$TAILCHAT_REAL_HOME/.start-pid" ]; then kill "$(cat "$TAILCHAT_REAL_HOME/.start-pid")" 2>/dev/null; sleep 1; fi',
    // only this instance's processes: see forgetRecycledPids
    'f="$TAILCHAT_REAL_HOME/run/pids"',
    'if [ -f "$f" ]; then',
    '  btime=$(awk \'/^btime/ {print $2}\' /proc/stat); limit=$(( $(stat -c %Y "$f") + 2 )); : > "$f.own"',
    '  while read -r name pid; do',
    '    st=$(sed \'s/^.*) //\' "/proc/$pid/stat" 2>/dev/null | awk \'{print $20}\')',
    '    [ -n "$st" ] && [ $(( btime + st / 100 )) -le "$limit" ] && echo "$name $pid" >> "$f.own"',
    '  done < "$f"; mv "$f.own" "$f"',
    'fi',
    'exec "$KIT/stop.sh"',
  ].join('\n');
  try {
    const child = spawn('bash', ['-c', script], {
      detached: true, // own session: a Ctrl-C to the test run does not kill the reaper
      stdio: 'ignore',
      env: { ...baseEnv(), TAILCHAT_REAL_HOME: home, KIT: kitDir, WATCH_PID: String(process.pid) },
    });
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

/**
 * After a failed test: which backing processes of this file's instances are gone, with the end
 * of their logs. In CI the harness's output is all there is to read afterwards.
 */
function reportDeadComponents(): void {
  for (const { home } of live.values()) {
    const pidsFile = path.join(home, 'run', 'pids');
    if (!fs.existsSync(pidsFile)) continue;
    for (const line of fs.readFileSync(pidsFile, 'utf8').split('\n')) {
      const [name, pid] = line.trim().split(/\s+/);
      if (!name || !pid) continue;
      let alive = true;
      try { process.kill(Number(pid), 0); } catch { alive = false; }
      if (alive) continue;
      const logFile = path.join(home, 'run', 'logs', `${name}.log`);
      const logTail = fs.existsSync(logFile) ? tail(fs.readFileSync(logFile, 'utf8'), 30) : '(no log)';
      console.error(`[tailchat-kit] ${name} (pid ${pid}) of ${home} is not running; end of ${logFile}:\n${logTail}`);
    }
  }
}
afterFailedTest(reportDeadComponents);

/**
 * Drops from `run/pids` every pid that is no longer a process of this instance. This machine
 * recycles pids quickly (pid_max 32768, and a suite run starts tens of thousands of processes);
 * the kit's stop.sh only checks that a recorded pid's command line names the component, so an
 * instance whose processes are already gone could have another instance's s3rver or redis killed
 * in their place. A process of this instance started before start.sh last wrote the pids file; a
 * process that got a recycled pid started after the recorded one was gone, later than that.
 * (Not the environment or the command line: redis-server overwrites both with its title.)
 */
function forgetRecycledPids(home: string): void {
  const file = path.join(home, 'run', 'pids');
  let lines: string[];
  let writtenAt: number;
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writtenAt = fs.statSync(file).mtimeMs / 1000;
  } catch {
    return;
  }
  const own = lines.filter((line) => {
    const started = processStartSeconds(Number(line.trim().split(/\s+/)[1]));
    return started !== undefined && started <= writtenAt + 2;
  });
  if (own.length !== lines.length) fs.writeFileSync(file, own.map((l) => `${l}\n`).join(''));
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** When a process started (epoch seconds), from /proc; undefined if it is gone. */
function processStartSeconds(pid: number): number | undefined {
  try {
    const bootedAt = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    // Fields after "(comm)": state is field 3, starttime field 22.
    const rest = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return bootedAt + Number(rest[19]) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Removes instance homes of earlier runs that are stopped and older than 6 hours. */
function pruneOldHomes(root: string): void {
  let names: string[];
  try { names = fs.readdirSync(root); } catch { return; }
  const cutoff = Date.now() - 6 * 3600_000;
  for (const n of names) {
    const dir = path.join(root, n);
    try {
      const st = fs.statSync(dir);
      if (st.mtimeMs > cutoff || fs.existsSync(path.join(dir, 'run', 'pids'))) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch { /* racing with another run: leave it */ }
  }
}

let counter = 0;

/**
 * Starts one real Tailchat (own CongoDB, redis, s3rver, nats) from the kit, or returns the
 * external one from TAILCHAT_URL + TRANSPORTER when the kit is not installed here.
 */
export async function startTailchat(opts: StartOptions = {}): Promise<TailchatInstance> {
  const kitDir = findKitDir();
  if (!kitDir) return externalTailchat(opts);
  await ensureSetup(kitDir);

  const root = instancesRoot();
  fs.mkdirSync(root, { recursive: true });
  pruneOldHomes(root);

  // Two tries: start.sh picks free ports by probing, so two instances starting at the same
  // moment can race for one port. Any other failure is reported at once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(kitDir, root, opts);
    } catch (e) {
      const msg = (e as Error).message;
      if (attempt >= 2 || !/EADDRINUSE|address already in use|did not listen/i.test(msg)) throw e;
      log(`start failed on a port race, retrying: ${msg.split('\n')[0]}`);
    }
  }
}

async function startOnce(kitDir: string, root: string, opts: StartOptions): Promise<TailchatInstance> {
  const t0 = Date.now();
  const label = (opts.label ?? 'tc').replace(/[^A-Za-z0-9_-]/g, '_');
  const home = fs.mkdtempSync(path.join(root, `${label}-${process.pid}-${++counter}-`));
  buildFarm(home, sharedHome(), opts);
  const publicDir = path.join(home, 'tailchat', 'server', 'public');

  const kind = opts.transporter ?? 'redis';
  const env: NodeJS.ProcessEnv = { ...baseEnv(), ...opts.env, TAILCHAT_REAL_HOME: home, TRANSPORTER: kind };
  if (opts.namespace) env.TAILCHAT_NAMESPACE = opts.namespace;
  if (opts.startTimeoutSec) env.TAILCHAT_START_TIMEOUT = String(opts.startTimeoutSec);
  // The kit's runner only globs *.service.ts (Tailchat's dev runner). Compiled plugins
  // (*.service.js, as in Tailchat's production image) need the Runner's SERVICES list.
  const hasJsService = (opts.serverPlugins ?? []).some((p) => Object.keys(p.files).some((f) => /\.service\.js$/.test(f)));
  if (hasJsService && !env.SERVICES) {
    env.SERVICES = 'services/**/*.service.ts,plugins/**/*.service.ts,plugins/**/*.service.js';
  }

  installExitHook();
  const entry: Live = { home, kitDir, reaper: startReaper(home, kitDir) };
  live.set(home, entry);
  const stopScript = path.join(kitDir, 'stop.sh');
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      forgetRecycledPids(home);
      const r = await run(stopScript, [], { ...baseEnv(), TAILCHAT_REAL_HOME: home }, 60_000);
      live.delete(home);
      for (const [t, i] of byTransporter) if (i.home === home) byTransporter.delete(t);
      if (entry.reaper?.pid) try { process.kill(entry.reaper.pid, 'SIGTERM'); } catch { /* gone */ }
      log(`stopped ${home}: ${r.out.trim()}`);
      // public/ may hold the ~19 MB web dist; logs stay for post-mortems (pruned after 6 h).
      if (!process.env.TAILCHAT_HARNESS_KEEP) fs.rmSync(publicDir, { recursive: true, force: true });
      if (r.code !== 0) throw new Error(`tailchat kit: stop.sh failed for ${home}: ${r.out}`);
    })();
    return stopped;
  };

  const timeoutMs = ((opts.startTimeoutSec ?? 90) + 60) * 1000;
  const r = await run(path.join(kitDir, 'start.sh'), [], env, timeoutMs, (c) => {
    if (c.pid) fs.writeFileSync(path.join(home, '.start-pid'), String(c.pid));
  });
  fs.rmSync(path.join(home, '.start-pid'), { force: true });
  fs.writeFileSync(path.join(home, 'start.log'), r.out);
  const envFile = path.join(home, 'run', 'env');
  if (r.code !== 0 || !fs.existsSync(envFile)) {
    // start.sh names the log of the component that failed ("see <file>"); Tailchat's otherwise.
    const named = /see (\S+\.log)/.exec(r.out)?.[1];
    const failedLog = named && fs.existsSync(named) ? named : path.join(home, 'run', 'logs', 'tailchat.log');
    const logTail = fs.existsSync(failedLog) ? `\n--- tail of ${failedLog} ---\n${tail(fs.readFileSync(failedLog, 'utf8'), 40)}` : '';
    await stop().catch(() => {});
    throw new Error(`tailchat kit: start.sh failed (exit ${r.code}, home ${home}):\n${tail(r.out, 20)}${logTail}`);
  }

  const e = parseEnvFile(envFile);
  const need = (k: string): string => {
    const v = e[k];
    if (!v) throw new Error(`tailchat kit: ${envFile} has no ${k}`);
    return v;
  };
  const inst: TailchatInstance = {
    url: need('TAILCHAT_URL'),
    namespace: need('TAILCHAT_NAMESPACE'),
    transporter: need('TRANSPORTER'),
    nodeId: need('TAILCHAT_NODE_ID'),
    transporterKind: kind,
    redisUrl: e.REDIS_URL || undefined,
    natsUrl: e.NATS_PORT ? `nats://127.0.0.1:${e.NATS_PORT}` : undefined,
    home,
    logFile: e.TAILCHAT_LOG || path.join(home, 'run', 'logs', 'tailchat.log'),
    publicDir,
    env: e,
    external: false,
    stop,
  };
  try {
    if (opts.waitForServices?.length) await waitForHealthServices(inst.url, opts.waitForServices, opts.waitForServicesTimeoutMs ?? 30_000);
    // One plugin bot user, whoever asks for it first later (see plugin-bot.ts: CongoDB lacks unique indexes).
    await ensurePluginBotUser(inst);
  } catch (err) {
    await stop().catch(() => {});
    throw new Error(`${(err as Error).message}\n--- tail of ${inst.logFile} ---\n${tail(fs.readFileSync(inst.logFile, 'utf8'), 40)}`);
  }
  byTransporter.set(inst.transporter, inst);
  log(`started ${inst.url} (${kind}) in ${Date.now() - t0} ms, home ${home}`);
  return inst;
}

async function externalTailchat(opts: StartOptions): Promise<TailchatInstance> {
  const url = process.env.TAILCHAT_URL;
  const transporter = process.env.TRANSPORTER;
  const kitGuess = process.env.TAILCHAT_KIT ?? path.resolve(REPO_ROOT, '..', 'shared', 'tailchat-real');
  if (!url || !transporter) {
    throw new Error(
      `No Tailchat available: the tailchat-real kit was not found at ${kitGuess} (needs setup.sh, start.sh, stop.sh; ` +
        `set TAILCHAT_KIT to its dir), and TAILCHAT_URL + TRANSPORTER (full Moleculer transporter URL) ` +
        `are not both set for an existing Tailchat (missing: ${[!url && 'TAILCHAT_URL', !transporter && 'TRANSPORTER'].filter(Boolean).join(', ')}).`,
    );
  }
  const unsupported = (['serverPlugins', 'publicFiles', 'publicDirs', 'env'] as const).filter((k) => opts[k] !== undefined);
  if (unsupported.length) {
    throw new Error(`External Tailchat (${url}): options ${unsupported.join(', ')} need the tailchat-real kit (not found at ${kitGuess})`);
  }
  const health = await fetchHealth(url);
  if (opts.waitForServices?.length) await waitForHealthServices(url, opts.waitForServices, opts.waitForServicesTimeoutMs ?? 30_000);
  return {
    url,
    namespace: process.env.TAILCHAT_NAMESPACE ?? 'tailchat',
    transporter,
    nodeId: health.nodeID,
    transporterKind: 'external',
    redisUrl: process.env.REDIS_URL,
    natsUrl: transporter.startsWith('nats') ? transporter : undefined,
    home: '',
    logFile: '',
    publicDir: '',
    env: {},
    external: true,
    stop: async () => {},
  };
}

export interface Health { nodeID: string; services: string[] }

/** GET /api/gateway/health (lists available services of the whole cluster). */
export async function fetchHealth(url: string): Promise<Health> {
  const res = await fetch(`${url}/api/gateway/health`);
  const body = (await res.json().catch(() => null)) as { code?: number; data?: Health } | null;
  if (res.status !== 200 || !body?.data || !Array.isArray(body.data.services)) {
    throw new Error(`GET ${url}/api/gateway/health -> HTTP ${res.status}`);
  }
  return body.data;
}

export async function waitForHealthServices(url: string, names: string[], timeoutMs: number): Promise<Health> {
  const t0 = Date.now();
  let last: Health | undefined;
  for (;;) {
    last = await fetchHealth(url).catch(() => undefined);
    if (last && names.every((n) => last!.services.includes(n))) return last;
    if (Date.now() - t0 > timeoutMs) {
      const missing = names.filter((n) => !last?.services.includes(n));
      throw new Error(`Tailchat ${url}: services ${missing.join(', ')} not up after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
