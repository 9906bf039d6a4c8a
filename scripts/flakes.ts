/**
 * The flake hunter: runs chosen test files N rounds in a row, each file in its own Vitest run,
 * quiet and with a second process keeping one core busy, and prints the failures per file.
 *
 *   npm run flakes -- [--rounds 5] [--busy only|both|never] [--together] [--out DIR] <file or glob> …
 *   npm run flakes -- --rounds 5 --busy only --together test/e2e test/web
 *
 * A folder stands for every `*.test.ts` file under it.
 *
 * `--together` runs each round's files in one Vitest run, one after another as `npm test` runs
 * them (sharing one Tailchat): the order and the shared state of CI, and a round costs minutes
 * less. Without it, each file gets its own run (isolation: a failure is the file's own).
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
  together: boolean;
  patterns: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 5, busy: 'both', out: path.join(ROOT, 'test-results/flakes'), together: false, patterns: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--busy') o.busy = argv[++i] as Options['busy'];
    else if (a === '--out') o.out = path.resolve(argv[++i]!);
    else if (a === '--together') o.together = true;
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
    const isFolder = fs.statSync(path.resolve(ROOT, p), { throwIfNoEntry: false })?.isDirectory();
    const matches = fs.globSync(isFolder ? path.join(p, '**', '*.test.ts') : p, { cwd: ROOT });
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

/** One Vitest run over `files`; one result per file, read from Vitest's JSON report. */
function runFiles(files: string[], tagName: string, round: number, busy: boolean, out: string): RunResult[] {
  const tag = `${tagName}-r${round}${busy ? '-busy' : ''}`;
  const json = path.join(out, `${tag}.json`);
  fs.rmSync(json, { force: true });
  const t0 = Date.now();
  const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const total = (Date.now() - t0) / 1000;
  type FileReport = { name: string; startTime: number; endTime: number; status: string; message?: string; assertionResults: Array<{ fullName: string; status: string }> };
  let reports: FileReport[] | undefined;
  try {
    reports = (JSON.parse(fs.readFileSync(json, 'utf8')) as { testResults: FileReport[] }).testResults;
  } catch {
    reports = undefined;
  }
  const results = files.map((file): RunResult => {
    const report = reports?.find((f) => path.relative(ROOT, f.name) === file);
    if (!report) return { file, round, busy, ok: false, seconds: files.length === 1 ? total : 0, failedTests: [reports ? '(not in the report: the file did not run)' : '(no report: the run crashed)'] };
    const failedTests = report.assertionResults.filter((t) => t.status === 'failed').map((t) => t.fullName);
    if (report.status === 'failed' && failedTests.length === 0) failedTests.push(`(file) ${report.message?.split('\n')[0] ?? 'failed outside a test'}`);
    const seconds = files.length === 1 ? total : (report.endTime - report.startTime) / 1000;
    return { file, round, busy, ok: failedTests.length === 0 && (files.length > 1 || r.status === 0), seconds, failedTests };
  });
  if (results.some((x) => !x.ok) || r.status !== 0) {
    const log = path.join(out, `${tag}.log`);
    fs.writeFileSync(log, `${r.stdout}\n${r.stderr}`);
    for (const x of results) if (!x.ok) x.log = log;
    if (r.status !== 0 && results.every((x) => x.ok)) results.push({ file: '(the run)', round, busy, ok: false, seconds: total, failedTests: [`vitest exited ${r.status}`], log });
  } else {
    fs.rmSync(json, { force: true });
  }
  return results;
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const files = expandFiles(o.patterns);
  fs.mkdirSync(o.out, { recursive: true });
  const modes = o.busy === 'both' ? [false, true] : [o.busy === 'only'];
  console.log(`flakes: ${files.length} files × ${o.rounds} rounds × ${modes.map((b) => (b ? 'busy core' : 'quiet')).join(' + ')}${o.together ? ', each round in one Vitest run' : ''}`);
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
      const batches = o.together ? [{ tag: 'together', files }] : files.map((f) => ({ tag: path.basename(f, '.test.ts'), files: [f] }));
      for (const batch of batches) for (const r of runFiles(batch.files, batch.tag, round, busy, o.out)) {
        results.push(r);
        console.log(`${r.ok ? 'pass' : 'FAIL'}  round ${round}${busy ? ' busy ' : ' quiet'}  ${r.seconds.toFixed(0).padStart(4)} s  ${r.file}${r.ok ? '' : `\n      ${r.failedTests.join('\n      ')}\n      log: ${path.relative(ROOT, r.log!)}`}`);
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
