#!/usr/bin/env bash
# The whole test suite: unit tests, then end-to-end tests on the real Tailchat, the real OpenClaw
# gateway, real NATS/Redis and headless Chromium. Every server is started on free ports and
# stopped by the tests themselves. Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
exec vitest run "$@"
