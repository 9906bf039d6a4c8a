#!/usr/bin/env bash
# The whole test suite: unit tests, then end-to-end tests on the real Tailchat, the real OpenClaw
# gateway, real NATS/Redis and headless Chromium. Every server is started on free ports and
# stopped by the tests themselves. Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
mkdir -p test-results
echo "typecheck (tsc --noEmit, strict)"
tsc -p tsconfig.json --noEmit
status=0
vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# The 10 slowest files (the suite's time is a budget every issue shares), then one plain closing
# line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const files = r.testResults.map((f) => ({ name: require("path").relative(process.cwd(), f.name), s: (f.endTime - f.startTime) / 1000 }));
  const total = (Math.max(...r.testResults.map((f) => f.endTime)) - r.startTime) / 1000;
  console.log(`\nSlowest files (of ${files.length}, ${Math.round(total)} s in all):`);
  for (const f of files.sort((a, b) => b.s - a.s).slice(0, 10)) console.log(`  ${f.s.toFixed(1).padStart(7)} s  ${f.name}`);
  console.log(`\nTests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
# A clean clone stays clean: the run must not change tracked files (a rewritten lockfile, say).
if [ -n "${CI:-}" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  echo "The test run changed tracked files:" >&2
  git status --porcelain --untracked-files=no >&2
  status=1
fi
exit $status
