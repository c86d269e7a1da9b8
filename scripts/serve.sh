#!/usr/bin/env bash
# Builds podflow for the browser and serves it at http://127.0.0.1:8080/ with live reload.
# Installs the pinned tools first when they are missing (scripts/setup.sh). Extra arguments go to
# `trunk serve` (e.g. `--port 9000`, `--release`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
exec trunk serve --offline "$@"
