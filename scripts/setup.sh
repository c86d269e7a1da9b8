#!/usr/bin/env bash
# Installs everything podflow needs on a bare machine of our kind (Debian 12, Rust by rustup, Node 20 + npm,
# package registries only), idempotently: the wasm target, Trunk, wasm-bindgen-cli (pinned to the crate's
# wasm-bindgen), wasm-opt (binaryen from npm, into .tools/), and Debian's Chromium + ChromeDriver. Each step
# is skipped when the pinned version is already present, so a second run takes a second.
#
# Run it (`./scripts/setup.sh`), or source it (`. scripts/setup.sh`) to also get the local tools on PATH and
# CHROMEDRIVER set in the current shell; scripts/serve.sh and scripts/test.sh source it.
# First run on a bare machine: about 17 minutes (trunk ~12, wasm-bindgen-cli ~4 on 2 cores).
set -euo pipefail

PODFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
WASM_BINDGEN_VERSION="0.2.130" # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
BINARYEN_VERSION="132"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PODFLOW_ROOT/.tools/node_modules/.bin:$PATH"

say() { printf '[setup] %s\n' "$*"; }
# version_of CMD...: the command's version line, or nothing when it is missing (no pipes: no SIGPIPE races).
version_of() { "$@" 2>/dev/null || true; }

if [[ "$(rustup target list --installed 2>/dev/null || true)" != *wasm32-unknown-unknown* ]]; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(version_of trunk --version)" != *"trunk $TRUNK_VERSION"* ]]; then
  say "installing trunk $TRUNK_VERSION (about 12 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# No --locked: wasm-bindgen-cli's lockfile names a webpki-roots release the registry mirror lacks.
if [[ "$(version_of wasm-bindgen --version)" != *"wasm-bindgen $WASM_BINDGEN_VERSION"* ]] \
  || [[ "$(version_of wasm-bindgen-test-runner --version)" != *"$WASM_BINDGEN_VERSION"* ]]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Debian's own binaryen (wasm-opt 108) rejects rustc's wasm features: use npm's, first on PATH.
if [[ "$(version_of wasm-opt --version)" != *"version $BINARYEN_VERSION "* ]]; then
  say "installing wasm-opt (binaryen@$BINARYEN_VERSION from npm) into .tools/"
  npm install --silent --no-audit --no-fund --prefix "$PODFLOW_ROOT/.tools" "binaryen@$BINARYEN_VERSION"
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing Debian's chromium and chromium-driver"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium chromium-driver >/dev/null
fi

export CHROMEDRIVER=/usr/bin/chromedriver
say "tools ready: $(version_of trunk --version), $(version_of wasm-bindgen --version), $(version_of wasm-opt --version), $(version_of /usr/bin/chromium --version)"
