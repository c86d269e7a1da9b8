#!/usr/bin/env bash
# Runs every podflow test, after installing the pinned tools when they are missing (scripts/setup.sh):
#   1. native `cargo test` (engine unit tests, integration tests, golden traces, doc tests);
#   2. the browser tests (tests/web*.rs) with wasm-bindgen-test in headless Chromium;
#   3. the release site build, `trunk build --release --offline`;
#   4. the end-to-end test of that build served under a sub-path (scripts/e2e.sh).
# Every step runs even when an earlier one failed (except e2e, which needs the build); the exit status
# is non-zero when any step failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

failed_steps=()
passed_steps=()
run_step() {
  local name="$1"
  shift
  echo
  echo "=== $name: $*"
  local start=$SECONDS
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - start)) s)"
    passed_steps+=("$name")
  else
    echo "=== $name: FAILED ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

run_step "native tests" cargo test
run_step "browser tests" cargo test --target wasm32-unknown-unknown --test web --test web_flow --test web_panels --test web_embed --test web_persist --test web_share
run_step "release build" trunk build --release --offline
if [[ " ${failed_steps[*]} " == *" release build "* ]]; then
  echo "=== end-to-end: skipped (the release build failed)"
  failed_steps+=("end-to-end")
else
  run_step "end-to-end" scripts/e2e.sh dist
fi

echo
echo "=== summary: ${#passed_steps[@]} steps passed, ${#failed_steps[@]} failed${failed_steps[*]:+ (${failed_steps[*]})}"
[ "${#failed_steps[@]}" -eq 0 ]
