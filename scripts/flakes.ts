/**
 * The flake hunter: runs chosen test files N rounds in a row, each file in its own Vitest run,
 * quiet and with a second process keeping one core busy, and prints the failures per file.
 *
 *   npm run flakes -- [--rounds 5] [--busy only|both|never] [--out DIR] <file or glob> …
 *   npm run flakes -- --rounds 5 --busy only 'test/e2e/*.test.ts' 'test/web/*.test.ts'
 *
 * `--busy both` (default) runs every round twice: once on a quiet machine, once beside a busy
 * loop pinned to no core in particular (the scheduler shares it out, as another job on a CI host
 * would). Each failed run keeps its Vitest output in DIR (default test-results/flakes/) so the
 * cause can be read afterwards. Exit code 1 when anything failed.
 *
 * It is a tool for finding flakes, not a test: it retries nothing and changes no assertion.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  rounds: number;
  busy: 'only' | 'both' | 'never';
  out: string;
  patterns: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, busy: 'both', out: path.join(ROOT, 'test-results/flakes'), patterns: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--busy') o.busy = argv[++i] as Options['busy'];
    else if (a === '--out') o.out = path.resolve(argv[++i]!);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.patterns.push(a);
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds must be a positive integer');
  if (!['only', 'both', 'never'].includes(o.busy)) throw new Error('--busy must be only, both or never');
  if (o.patterns.length === 0) throw new Error('name at least one test file or glob');
  return o;
}

function expandFiles(patterns: string[]): string[] {
  const files = new Set<string>();
  for (const p of patterns) {
    const matches = fs.globSync(p, { cwd: ROOT });
    if (matches.length === 0) throw new Error(`no test file matches ${p}`);
    for (const m of matches) files.add(path.relative(ROOT, path.resolve(ROOT, m)));
  }
  return [...files].sort();
}

/** A process that keeps one core busy until stopped (another CI job on the same host). */
function startBusyCore(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) { Math.sqrt(Math.random()); }'], { stdio: 'ignore' });
}

interface RunResult {
  file: string;
  round: number;
  busy: boolean;
  ok: boolean;
  seconds: number;
  failedTests: string[];
  log?: string;
}

function runFile(file: string, round: number, busy: boolean, out: string): RunResult {
  const tag = `${path.basename(file, '.test.ts')}-r${round}${busy ? '-busy' : ''}`;
  const json = path.join(out, `${tag}.json`);
  const t0 = Date.now();
  const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, file], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (Date.now() - t0) / 1000;
  const failedTests: string[] = [];
  try {
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }>; status: string; message?: string }>;
    };
    for (const f of report.testResults) {
      for (const t of f.assertionResults) if (t.status === 'failed') failedTests.push(t.fullName);
      if (f.status === 'failed' && f.assertionResults.every((t) => t.status !== 'failed')) failedTests.push(`(file) ${f.message?.split('\n')[0] ?? 'failed outside a test'}`);
    }
  } catch {
    failedTests.push('(no report: the run crashed)');
  }
  const ok = r.status === 0 && failedTests.length === 0;
  let log: string | undefined;
  if (!ok) {
    log = path.join(out, `${tag}.log`);
    fs.writeFileSync(log, `${r.stdout}\n${r.stderr}`);
  } else {
    fs.rmSync(json, { force: true });
  }
  return { file, round, busy, ok, seconds, failedTests, log };
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const files = expandFiles(o.patterns);
  fs.mkdirSync(o.out, { recursive: true });
  const modes = o.busy === 'both' ? [false, true] : [o.busy === 'only'];
  console.log(`flakes: ${files.length} files × ${o.rounds} rounds × ${modes.map((b) => (b ? 'busy core' : 'quiet')).join(' + ')}`);
  const results: RunResult[] = [];
  let busyProc: ChildProcess | undefined;
  const stopBusy = () => {
    busyProc?.kill('SIGKILL');
    busyProc = undefined;
  };
  process.on('exit', stopBusy);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
  for (let round = 1; round <= o.rounds; round++) {
    for (const busy of modes) {
      if (busy) busyProc = startBusyCore();
      for (const file of files) {
        const r = runFile(file, round, busy, o.out);
        results.push(r);
        console.log(`${r.ok ? 'pass' : 'FAIL'}  round ${round}${busy ? ' busy ' : ' quiet'}  ${r.seconds.toFixed(0).padStart(4)} s  ${file}${r.ok ? '' : `\n      ${r.failedTests.join('\n      ')}\n      log: ${path.relative(ROOT, r.log!)}`}`);
      }
      stopBusy();
    }
  }
  console.log('\nper file: runs, failures (quiet / busy), slowest run');
  for (const file of files) {
    const mine = results.filter((r) => r.file === file);
    const fails = (busy: boolean) => mine.filter((r) => r.busy === busy && !r.ok).length;
    const slowest = Math.max(...mine.map((r) => r.seconds));
    console.log(`  ${file.padEnd(48)} ${String(mine.length).padStart(3)}  ${fails(false)} / ${fails(true)}  ${slowest.toFixed(0)} s`);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nflakes: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exitCode = failed.length ? 1 : 0;
}

main();
