/**
 * Runs `report` after every failed test of the file that imports the caller. For harness modules
 * (servers, processes) that are also used outside Vitest (the main job's scripts/stack.ts, the
 * benchmarks): there it does nothing (importing 'vitest' outside its runner throws).
 */
const vitest = process.env.VITEST ? await import('vitest') : undefined;

export function afterFailedTest(report: () => void): void {
  vitest?.afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') report();
  });
}
