#!/usr/bin/env bash
# Takes a screenshot of the release site in headless Chromium, served under /sub/podflow/ on 127.0.0.1.
# Usage: scripts/screenshot.sh [OUT.png] [WIDTH,HEIGHT] [URL-SUFFIX]
#   e.g. scripts/screenshot.sh podflow.png 1280,800
#        scripts/screenshot.sh narrow.png 390,844
#        scripts/screenshot.sh panic.png 1280,800 '#podflow-panic-self-test'
# Builds dist/ with `trunk build --release --offline` first (PODFLOW_NO_BUILD=1 uses the existing dist/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh >/dev/null
. scripts/lib.sh
OUT="$(realpath -m "${1:-podflow.png}")"
SIZE="${2:-1280,800}"
SUFFIX="${3:-}"
ensure_release_build >&2
trap stop_site EXIT
start_site dist sub/podflow
chromium_run --window-size="$SIZE" --virtual-time-budget=30000 --screenshot="$OUT" "$SITE_URL$SUFFIX"
echo "screenshot of $SITE_URL$SUFFIX ($SIZE) written to $OUT"
