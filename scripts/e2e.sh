#!/usr/bin/env bash
# End-to-end test of the release site: serves dist/ (from `trunk build --release --offline`) under the
# sub-path /sub/podflow/ on 127.0.0.1, loads it in headless Chromium, and checks that the app rendered
# (not the panic alert, not the loading placeholder), that playing demo-pod ends Running, and (through
# scripts/e2e_embed.py) that the example docs pages' widgets and iframe play without touching the host
# page. Prints `e2e: N passed, N failed`; exits 1 on a failure.
#
# Usage: scripts/e2e.sh [DIST]   (default: dist/; build it first, as scripts/test.sh does)
set -euo pipefail

PODFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$PODFLOW_ROOT/scripts/lib.sh"

DIST="${1:-$PODFLOW_ROOT/dist}"
SUBPATH="sub/podflow"
passed=0
failed=0

check() {
  local name="$1"
  shift
  if "$@"; then
    echo "e2e: ok      $name"
    passed=$((passed + 1))
  else
    echo "e2e: FAILED  $name"
    failed=$((failed + 1))
  fi
}

if [ ! -f "$DIST/index.html" ]; then
  echo "e2e: $DIST/index.html is missing: run \`trunk build --release --offline\` first"
  echo "e2e: 0 passed, 1 failed"
  exit 1
fi

WORK="$(mktemp -d)"
cleanup() {
  stop_site
  rm -rf "$WORK"
}
trap cleanup EXIT

html="$(cat "$DIST/index.html")"
wasm="$(cd "$DIST" && ls -- *.wasm 2>/dev/null | head -n1 || true)"
js="$(cd "$DIST" && ls -- podflow-web*.js 2>/dev/null | head -n1 || true)"

has_no_root_relative_urls() { ! grep -Eq "(src|href)=[\"']?/" <<<"$html"; }
references() { grep -Fq "$1" <<<"$html"; }
check "dist has one wasm and one js file" test -n "$wasm" -a -n "$js"
check "index.html uses only relative asset URLs (works under any sub-path)" has_no_root_relative_urls
check "index.html loads $js and $wasm" references "./$js"
loader_points_at_this_build() { grep -Fq "./$js" "$DIST/podflow.js" && grep -Fq "./$wasm" "$DIST/podflow.js"; }
check "the docs loader podflow.js loads $js and $wasm" loader_points_at_this_build

start_site "$DIST" "$SUBPATH"
echo "e2e: serving $DIST at $SITE_URL"

fetch_ok() { # URL EXPECTED_CONTENT_TYPE
  python3 - "$1" "$2" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    ctype = r.headers.get("Content-Type", "")
    body = r.read()
ok = r.status == 200 and ctype.startswith(sys.argv[2]) and len(body) > 0
if not ok:
    print(f"  {sys.argv[1]}: status {r.status}, type {ctype!r}, {len(body)} bytes")
sys.exit(0 if ok else 1)
PY
}
check "the page is served under /$SUBPATH/" fetch_ok "$SITE_URL" text/html
check "the wasm is served as application/wasm" fetch_ok "$SITE_URL$wasm" application/wasm

dom_file="$WORK/dom.html"
CHROMIUM_LOG="$WORK/chromium.log"
load_page() {
  chromium_run --window-size=1280,800 --virtual-time-budget=30000 --dump-dom "$SITE_URL" >"$dom_file"
}
check "headless Chromium loads the page" load_page
dom="$(cat "$dom_file")"

dom_has() { grep -Eq "$1" <<<"$dom"; }
dom_lacks() { ! grep -Eq "$1" <<<"$dom"; }
check "the app mounted" dom_has 'data-testid="podflow-app"'
check "the header says podflow" dom_has '<h1>podflow</h1>'
check "the loading placeholder is gone" dom_lacks 'Loading podflow'
check "no panic alert is shown" dom_lacks 'id="podflow-panic"'
check "no scenario failed to load" dom_lacks 'data-testid="load-error"'
check "the scenario picker (or 'no scenarios') is shown" dom_has 'data-testid="(scenario-picker|no-scenarios)"'
no_page_errors() { ! grep -Eq 'Uncaught|panicked|RuntimeError' "$CHROMIUM_LOG"; }
check "the browser console shows no uncaught error or panic" no_page_errors
cp "$CHROMIUM_LOG" "$WORK/chromium-app.log"

# Playing demo-pod at 4x (the URL fragment starts playback) ends with the pod Running in the diagram.
play_dom_file="$WORK/play-dom.html"
CHROMIUM_LOG="$WORK/chromium-play.log"
load_playing_page() {
  chromium_run --window-size=1280,800 --virtual-time-budget=60000 --dump-dom "$SITE_URL#scenario=demo-pod&speed=4&play" >"$play_dom_file"
}
check "headless Chromium plays demo-pod" load_playing_page
play_dom="$(cat "$play_dom_file")"
play_dom_has() { grep -Fq "$1" <<<"$play_dom"; }
check "playing demo-pod ends with the pod Running" play_dom_has 'data-status="Running"'
check "playing demo-pod ends at Step 9" play_dom_has 'Step 9 · kubelet takes over'

# The release build aborts on panic (panic = "abort"): the hook must still put the message in the page.
panic_dom_file="$WORK/panic-dom.html"
CHROMIUM_LOG="$WORK/chromium-panic.log"
load_panic_page() {
  chromium_run --window-size=1280,800 --virtual-time-budget=30000 --dump-dom "$SITE_URL#podflow-panic-self-test" >"$panic_dom_file"
}
check "headless Chromium loads the page with #podflow-panic-self-test" load_panic_page
panic_dom="$(cat "$panic_dom_file")"
panic_dom_has() { grep -Fq "$1" <<<"$panic_dom"; }
check "a panic shows the alert in the page" panic_dom_has 'id="podflow-panic"'
check "the alert says what happened" panic_dom_has 'podflow stopped because of an internal error.'
check "the alert carries the panic message" panic_dom_has 'panic self-test requested by the URL fragment'
panic_logged() { grep -Fq 'podflow panicked: panic self-test requested' "$CHROMIUM_LOG"; }
check "the panic is logged to the browser console" panic_logged

# The docs-page embeds: the example pages in dist/examples/ with their widgets and iframe (see the script).
embed_log="$WORK/embed.log"
python3 "$PODFLOW_ROOT/scripts/e2e_embed.py" "$SITE_URL" | tee "$embed_log" || true
passed=$((passed + $(grep -c '^e2e-embed: ok' "$embed_log" || true)))
embed_failed=$(grep -c '^e2e-embed: FAILED' "$embed_log" || true)
if ! grep -q '^e2e-embed: [0-9]* passed' "$embed_log"; then
  echo "e2e: FAILED  the embed test did not finish"
  embed_failed=$((embed_failed + 1))
fi
failed=$((failed + embed_failed))

if [ "$failed" -gt 0 ]; then
  echo "--- the page's DOM ---"
  head -c 4000 "$dom_file"
  echo
  echo "--- Chromium's log (console messages and errors) ---"
  grep -E 'CONSOLE|Uncaught' "$CHROMIUM_LOG" | head -n 40 || true
fi
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
