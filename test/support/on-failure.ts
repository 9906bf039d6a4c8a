/**
 * Runs `report` after every failed test of the file that imports the caller. For harness modules
 * (servers, processes) that are also used outside Vitest (the main job's scripts/stack.ts, the
 * benchmarks): there it does nothing (importing 'vitest' outside its runner throws).
 */
// Not process.env.VITEST: processes that tests start (the main job) inherit it.
const inVitestWorker = '__vitest_worker__' in globalThis;
const vitest = inVitestWorker ? await import('vitest') : undefined;

export function afterFailedTest(report: () => void): void {
  vitest?.afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') report();
  });
}
