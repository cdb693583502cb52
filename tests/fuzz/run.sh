#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang, ASan + UBSan) and runs
# each for a bounded time on a temporary copy of its committed seed corpus
# (tests/fuzz/corpus/<target>/), so the committed corpus never grows.
#
#   tests/fuzz/run.sh [seconds_per_target]     (default 30; 8 targets)
#
# Fails (exit 1) if a target crashes, leaks, times out on one input, or prints
# any sanitizer report; the offending input is kept in the printed folder.
set -euo pipefail

seconds="${1:-30}"
if ! [[ "${seconds}" =~ ^[0-9]+$ ]] || ((seconds < 1 || seconds > 600)); then
  echo "usage: $0 [seconds_per_target (1-600)]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${root}"
targets=(port_json_mapper_fuzz upstream_error_fuzz upstream_query_fuzz aksk_roundtrip_fuzz
  credentials_file_fuzz request_parser_fuzz authz_policy_fuzz watch_diff_fuzz)

export CCACHE_BASEDIR="${root}" CCACHE_NOHASHDIR=1
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"${HSS_FUZZ_BUILD_JOBS:-2}"

work="$(mktemp -d "${TMPDIR:-/tmp}/hss-fuzz.XXXXXX")"
failed=()
for target in "${targets[@]}"; do
  dir="${work}/${target}"
  mkdir -p "${dir}/corpus" "${dir}/artifacts"
  cp "tests/fuzz/corpus/${target}/"* "${dir}/corpus/"
  echo "== ${target}: ${seconds} s"
  status=0
  # -timeout: one input may take at most 10 s; -rss_limit_mb bounds memory.
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "build/fuzz/tests/fuzz/${target}" -max_total_time="${seconds}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="${dir}/artifacts/" \
    "${dir}/corpus" >"${dir}/log" 2>&1 || status=$?
  grep -E '^(#[0-9]+\s+DONE|stat::number_of_executed_units)' "${dir}/log" || true
  if ((status != 0)) || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
    "${dir}/log" || [[ -n "$(ls -A "${dir}/artifacts")" ]]; then
    echo "FAILED: ${target} (exit ${status}); log and input in ${dir}" >&2
    tail -n 40 "${dir}/log" >&2
    failed+=("${target}")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "fuzzing found problems in: ${failed[*]} (kept: ${work})" >&2
  exit 1
fi
rm -rf "${work}"
echo "fuzzing: all ${#targets[@]} targets ran ${seconds} s each without a finding"
