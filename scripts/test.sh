#!/usr/bin/env bash
# Builds the debug preset (or the preset given) and runs every test with CTest:
# unit tests and end-to-end tests that start hss-sim and hss-gateway on loopback.
# Usage: scripts/test.sh [debug|asan|tsan]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
bash scripts/install-deps.sh
bash scripts/build.sh "$preset"
ctest --preset "$preset" -j2 --timeout 300
