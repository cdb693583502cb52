#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of hss-gateway from Debian bookworm packages,
# then the npm packages of client/examples/node and tools/buf where node_modules is missing.
# HSS_DEPS_SKIP_NPM=1 (the container image build) skips Node.js, npm and the npm packages.
# Idempotent: packages already present are skipped, so a second run costs only a dpkg query.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libcurl4-openssl-dev libssl-dev rapidjson-dev libcpp-httplib-dev libjemalloc-dev libunistring-dev
  libgtest-dev libgmock-dev
  python3-grpcio python3-protobuf
  curl ca-certificates procps
  openssl  # the CLI: tls_e2e_test makes its CA and certificates with it
  prometheus-cpp-dev  # metrics: prometheus-cpp's core and pull exposer
  prometheus  # the server: metrics_e2e_test scrapes the gateway with it
  libhiredis-dev  # --shared_state=redis://: the async Redis client
  redis-server  # the server: the shared-state tests start it on loopback
  # The libFuzzer targets (tests/fuzz/run.sh, the fuzz preset).
  clang libclang-rt-14-dev
)

# The npm packages of the Node.js client example and of the buf CLI (tools/buf/check.sh),
# each pinned by its package-lock.json. Node.js and npm come from the machine if present
# (they may come from elsewhere than Debian), else from Debian's nodejs and npm.
npm_dirs=(client/examples/node tools/buf)

install_npm_packages() {
  local repo dir
  [ -n "${HSS_DEPS_SKIP_NPM:-}" ] && return 0  # container image build: C++ packages only
  repo="$(cd "$(dirname "$0")/.." && pwd)"
  for dir in "${npm_dirs[@]}"; do
    [ -d "$repo/$dir/node_modules" ] && continue
    echo "install-deps: npm ci in $dir"
    (cd "$repo/$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  done
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ -n "${HSS_DEPS_SKIP_NPM:-}" ] || { command -v node >/dev/null && command -v npm >/dev/null; } ||
  missing+=(nodejs npm)
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  install_npm_packages
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm_packages
echo "install-deps: done"
