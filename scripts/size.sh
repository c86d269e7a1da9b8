#!/usr/bin/env bash
# Prints what the release page downloads (wasm + js + css), raw and gzip -9 compressed.
# Builds dist/ with `trunk build --release --offline` first (PODFLOW_NO_BUILD=1 measures the existing dist/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh >/dev/null
. scripts/lib.sh
ensure_release_build >&2

# The full page downloads the wasm and its glue (the stylesheet is inside the wasm); a docs page with
# widgets downloads the loader podflow.js too, once however many widgets it has.
total_raw=0
total_gzip=0
loader_raw=0
loader_gzip=0
printf '%-44s %10s %10s\n' "file" "bytes" "gzip -9"
for file in dist/*.wasm dist/podflow-web*.js dist/*.css dist/podflow.js; do
  [ -f "$file" ] || continue
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  if [ "$(basename "$file")" = podflow.js ]; then
    loader_raw=$raw
    loader_gzip=$gz
  else
    total_raw=$((total_raw + raw))
    total_gzip=$((total_gzip + gz))
  fi
  printf '%-44s %10d %10d\n' "$(basename "$file")" "$raw" "$gz"
done
printf '%-44s %10d %10d\n' "total (the page: wasm + js + css)" "$total_raw" "$total_gzip"
awk -v raw="$total_raw" -v gz="$total_gzip" \
  'BEGIN { printf "download: %.1f KB gzip (%.1f KB uncompressed)\n", gz / 1024, raw / 1024 }'
awk -v raw="$((total_raw + loader_raw))" -v gz="$((total_gzip + loader_gzip))" \
  'BEGIN { printf "docs page with widgets (any number; + podflow.js): %.1f KB gzip (%.1f KB uncompressed)\n", gz / 1024, raw / 1024 }'
