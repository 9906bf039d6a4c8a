#!/usr/bin/env bash
# Benchmarks: each prints a table (targets and figures in the README).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
cd "$ROOT"
for f in bench/*.bench.ts; do
  echo "== $f"
  tsx "$f"
done
