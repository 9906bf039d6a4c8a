#!/usr/bin/env bash
# The local stack: the real Tailchat with this bundle installed and answering. Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
exec tsx scripts/stack.ts "$@"
