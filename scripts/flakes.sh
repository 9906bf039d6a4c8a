#!/usr/bin/env bash
# The flake hunter (scripts/flakes.ts) after the usual bootstrap: `npm run flakes -- --rounds 5 'test/web/*.test.ts'`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
exec tsx scripts/flakes.ts "$@"
