#!/usr/bin/env bash
# Checks the API contract, proto/hss, with buf (rules in buf.yaml at the repository root):
#   1. buf lint: the STANDARD and COMMENTS rules.
#   2. buf breaking (FILE rules): the working tree's contract must be compatible
#      with every committed version of proto/hss, so no commit of a series can
#      slip a break past the next one. Skipped, with a message, in a shallow clone.
# Exits non-zero on any finding. Needs `npm ci --no-audit --no-fund` in tools/buf
# (scripts/install-deps.sh does it).
#
# Usage: bash tools/buf/check.sh
# HSS_BUF_SINCE=COMMIT: compare only with the versions from COMMIT on, e.g. the
# first commit of a new major version after a deliberate, announced break.
set -euo pipefail
cd "$(dirname "$0")/../.."

buf=tools/buf/node_modules/.bin/buf
if [ ! -x "$buf" ]; then
  echo "check.sh: $buf is missing: run 'npm ci --no-audit --no-fund' in tools/buf" \
    "(scripts/install-deps.sh does)" >&2
  exit 1
fi

echo "buf lint: proto/hss ($("$buf" --version), rules in buf.yaml)"
"$buf" lint
echo "buf lint: no findings"

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "buf breaking: skipped: not a git checkout, there are no earlier versions to compare with"
  exit 0
fi
if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  echo "buf breaking: SKIPPED: this is a shallow clone, so the earlier versions of proto/hss" \
    "are missing; run 'git fetch --unshallow' to check them"
  exit 0
fi

# The commits that changed proto/hss (newest first), one per distinct content.
if [ -n "${HSS_BUF_SINCE:-}" ]; then
  since=$(git rev-parse --verify "${HSS_BUF_SINCE}^{commit}")
  commits=$(git rev-list "$since..HEAD" -- proto/hss; echo "$since")
else
  commits=$(git rev-list HEAD -- proto/hss)
fi
declare -A seen_trees=()
checked=0
for commit in $commits; do
  tree=$(git rev-parse --verify --quiet "$commit:proto/hss" || true)
  if [ -z "$tree" ] || [ -n "${seen_trees[$tree]:-}" ]; then
    continue
  fi
  seen_trees[$tree]=1
  # The earlier commits may predate buf.yaml (or have another one): judge both
  # sides by today's module layout and rules.
  if ! "$buf" breaking --against ".git#ref=$commit" --against-config buf.yaml; then
    echo "buf breaking: the contract above breaks compatibility with the version of" \
      "$(git log -1 --format='%h (%s)' "$commit" | cut -c1-100)" >&2
    exit 1
  fi
  checked=$((checked + 1))
done
echo "buf breaking: compatible with all $checked committed versions of proto/hss"
