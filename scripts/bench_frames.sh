#!/usr/bin/env bash
# Frame-time benchmark of the release build: 200 pods animating on a 20-node cluster in headless Chromium.
#
# Builds dist/ (`trunk build --release --offline`, see ensure_release_build), serves a copy under a sub-path
# with one extra page, bench.html = index.html + scripts/bench_frames.js, and opens
#   bench.html?seconds=S#synthetic=NODESxPODS&play&speed=4
# through chromedriver (real time; --virtual-time-budget would fake the clock). The harness records time to
# interactive and every requestAnimationFrame interval for S seconds while the app plays, and the summary is
# printed as JSON and as a table.
#
# Usage: scripts/bench_frames.sh [NODESxPODS|BUILTIN] [SECONDS] [ENTRY]   (defaults: 20x200 10, from the start)
#   A built-in scenario name (e.g. demo-pod) opens #scenario=NAME instead of a synthetic cluster.
#   PODFLOW_PROFILE=FILE also writes podflow's timing marks (src/ui/profile.rs: reducer actions, engine
#   slices, renders), every frame over 20 ms and every long task, all on the performance.now() clock,
#   as JSON to FILE.
set -euo pipefail

PODFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$PODFLOW_ROOT/scripts/lib.sh"
# The pinned tools (scripts/setup.sh installs them): trunk and wasm-bindgen in ~/.cargo/bin, wasm-opt in .tools/.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PODFLOW_ROOT/.tools/node_modules/.bin:$PATH"

SIZE="${1:-20x200}"
SECONDS_TO_MEASURE="${2:-10}"
# ENTRY: open the story at this trace entry (#entry=N) and play from there, e.g. a moment when every pod
# of a big cluster has a token in the diagram.
ENTRY="${3:-}"

ensure_release_build

WORK="$(mktemp -d)"
cleanup() {
  stop_site
  rm -rf "$WORK"
}
trap cleanup EXIT

cp -r "$PODFLOW_ROOT/dist" "$WORK/site"
python3 - "$WORK/site/index.html" "$WORK/site/bench.html" "$PODFLOW_ROOT/scripts/bench_frames.js" <<'PY'
import sys
page = open(sys.argv[1]).read()
harness = open(sys.argv[3]).read()
if "</head>" not in page:
    sys.exit("bench_frames: index.html has no </head>")
open(sys.argv[2], "w").write(page.replace("</head>", "<script>" + harness + "</script></head>", 1))
PY

start_site "$WORK/site" "bench/podflow"
if [[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]]; then
  what="synthetic=${SIZE}"
else
  what="scenario=${SIZE}"
fi
# PODFLOW_PROFILE=FILE: the page records podflow's timing marks (src/ui/profile.rs), the slow frames
# and the long tasks, and the whole result goes to FILE (the summary below stays short).
profile=""
[ -n "${PODFLOW_PROFILE:-}" ] && profile="&profile=1"
[ -n "$ENTRY" ] && what="${what}&entry=${ENTRY}"
url="${SITE_URL}bench.html?seconds=${SECONDS_TO_MEASURE}${profile}#${what}&play&speed=4"
echo "bench_frames: $url" >&2
result="$(python3 "$PODFLOW_ROOT/scripts/bench_frames.py" "$url" $((SECONDS_TO_MEASURE + 90)))"
if [ -n "${PODFLOW_PROFILE:-}" ]; then
  echo "$result" >"$PODFLOW_PROFILE"
  result="$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); [r.pop(k,None) for k in ("profile","slow_frames","long_task_spans")]; print(json.dumps(r))' "$result")"
fi
echo "$result"
python3 - "$result" "$SIZE" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
if r.get("alert"):
    sys.exit(f"bench_frames: the page shows an alert: {r['alert']}")
print(f"{sys.argv[2]}, playing at 4x, {r['seconds']} s measured")
print(f"time to interactive  {r['tti_ms']} ms")
print(f"frames               {r['frames']}  ({r['fps']} fps)")
print(f"frame ms             mean {r['mean_ms']}  p50 {r['p50_ms']}  p95 {r['p95_ms']}  p99 {r['p99_ms']}  max {r['max_ms']}")
print(f"frames over 20 ms    {r['over_20ms']}")
print(f"long tasks (>50 ms)  {r['long_tasks']}, longest {r['longest_task_ms']} ms")
print(f"pod tokens shown     {r['pods_shown']}")
PY
