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
# One plain closing line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
