#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) with ccache.
# Usage: scripts/build.sh [debug|release|asan|tsan] [ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
export CCACHE_BASEDIR="$PWD"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -- "$@"
