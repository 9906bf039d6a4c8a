#!/usr/bin/env bash
# The soak benchmark (bench/soak.ts) after the usual bootstrap: `npm run soak -- --runs 100000 [--redis] [--engine openclaw]`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
exec node --expose-gc --import tsx bench/soak.ts "$@"
