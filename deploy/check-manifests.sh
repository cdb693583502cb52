#!/usr/bin/env bash
# Offline check of the Kubernetes manifests (no cluster): yamllint, then the structural check
# of the fields the deployment relies on (deploy/check_manifests.py) with its self-test.
# kubectl cannot help offline: `kubectl apply --dry-run=client` asks the API server for its
# resource list even with --validate=false (see deploy/README.md).
# Usage: deploy/check-manifests.sh [FILE.yaml...]   (default: deploy/kubernetes/*.yaml)
# Installs yamllint and python3-yaml with apt-get when missing and run as root.
set -euo pipefail
args=()
for f in "$@"; do args+=("$(realpath "$f")"); done
cd "$(dirname "$0")/.."
need=()
command -v yamllint >/dev/null || need+=(yamllint)
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
if ((${#need[@]})) && [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${need[@]}" >/dev/null; }
fi
manifests=("${args[@]}")
((${#manifests[@]})) || manifests=(deploy/kubernetes/*.yaml)
yamllint --strict -d '{extends: default, rules: {line-length: {max: 100}, document-start: disable}}' \
  "${manifests[@]}"
echo "check-manifests: yamllint: ${#manifests[@]} files clean"
# Each file is a deployment of its own (a variant), checked on its own; the self-test's
# "caught" lines are printed only when something fails.
for manifest in "${manifests[@]}"; do
  if ! out="$(python3 deploy/check_manifests.py --self_test "$manifest")"; then
    echo "$out"
    echo "check-manifests: FAILED: $manifest"
    exit 1
  fi
  echo "$out" | grep -v '^self-test: caught' || true
done
echo "check-manifests: ${#manifests[@]} manifests pass (and their self-tests)"
