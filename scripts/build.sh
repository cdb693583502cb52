#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release) with ccache.
# Usage: scripts/build.sh [debug|release|asan|tsan] [ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
export CCACHE_BASEDIR="$PWD"
# Debug builds embed the build folder in their debug info, and ccache then keys
# on it; without that, clones and worktrees in other folders share the cache.
export CCACHE_NOHASHDIR=1
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -- "$@"
