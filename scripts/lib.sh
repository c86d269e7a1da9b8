# Shared helpers for podflow's scripts: source it (`. scripts/lib.sh`), don't run it.

PODFLOW_ROOT="${PODFLOW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
CHROMIUM=/usr/bin/chromium

# Headless Chromium as root on our machines: --no-sandbox is required, and the background-networking flags
# stop it from trying to reach Google's hosts through a closed network.
CHROMIUM_FLAGS=(
  --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking
  --disable-component-update --disable-sync --no-first-run --disable-quic --hide-scrollbars
)

# start_site DIST SUBPATH: serves a copy of DIST at http://127.0.0.1:<free port>/SUBPATH/ in the background.
# Sets SITE_URL and SITE_PID; call stop_site when done (the callers set a trap).
start_site() {
  local dist="$1" subpath="$2"
  SITE_LOG="$(mktemp)"
  python3 "$PODFLOW_ROOT/scripts/serve_dist.py" "$dist" "$subpath" >"$SITE_LOG.url" 2>"$SITE_LOG" &
  SITE_PID=$!
  SITE_URL=""
  for _ in $(seq 1 100); do
    SITE_URL="$(head -n1 "$SITE_LOG.url" 2>/dev/null || true)"
    [ -n "$SITE_URL" ] && break
    if ! kill -0 "$SITE_PID" 2>/dev/null; then
      cat "$SITE_LOG" >&2
      echo "the site server exited before it was ready" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$SITE_URL" ]; then
    echo "the site server did not start within 10 seconds" >&2
    return 1
  fi
}

stop_site() {
  if [ -n "${SITE_PID:-}" ]; then
    kill "$SITE_PID" 2>/dev/null || true
    wait "$SITE_PID" 2>/dev/null || true
    SITE_PID=""
  fi
  rm -f "${SITE_LOG:-}" "${SITE_LOG:-}.url"
}

# chromium_run ARGS...: runs headless Chromium with a fresh profile and the flags above; its log goes to
# $CHROMIUM_LOG (console messages included). Gives up after 120 seconds.
chromium_run() {
  local profile
  profile="$(mktemp -d)"
  CHROMIUM_LOG="${CHROMIUM_LOG:-$(mktemp)}"
  local status=0
  timeout 120 "$CHROMIUM" "${CHROMIUM_FLAGS[@]}" --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 "$@" 2>"$CHROMIUM_LOG" || status=$?
  rm -rf "$profile"
  return "$status"
}

# ensure_release_build: builds dist/ with `trunk build --release --offline` (cargo's cache makes a repeat build
# take seconds). PODFLOW_NO_BUILD=1 keeps an existing dist/ as it is. Always rebuilding is deliberate: a dist/
# left by `trunk serve` is a debug build that looks just as fresh.
ensure_release_build() {
  if [ "${PODFLOW_NO_BUILD:-0}" = 1 ] && [ -f "$PODFLOW_ROOT/dist/index.html" ]; then
    return 0
  fi
  (cd "$PODFLOW_ROOT" && trunk build --release --offline)
}
