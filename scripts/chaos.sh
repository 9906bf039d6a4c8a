#!/usr/bin/env bash
# The chaos soak (bench/chaos.ts) after the usual bootstrap: `npm run chaos -- --prompts 200 --faults 20`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
exec tsx bench/chaos.ts "$@"
