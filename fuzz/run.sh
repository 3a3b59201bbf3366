#!/usr/bin/env bash
# Runs every fuzz target (or those named) of a -DWFM_FUZZ=ON build for SECONDS each, from its seed
# corpus (fuzz/corpus/<target>, never written to) and the corpus it grew in earlier runs
# (<build>/fuzz-corpus/<target>), then prints executions, coverage and corpus sizes. A crash
# leaves its input in <build>/fuzz-artifacts/ and makes the script fail.
# Usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
set -uo pipefail

build=$(cd "$1" && pwd)
seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -eq 0 ] &&
  targets=(fuzz_workflow fuzz_job_request fuzz_http_server fuzz_sigv4 fuzz_batch_responses
           fuzz_job_definitions)

dictionary() {
  case $1 in
    fuzz_http_server) echo "$source_dir/dict/http.dict" ;;
    fuzz_sigv4) echo "" ;;
    *) echo "$source_dir/dict/json.dict" ;;
  esac
}

mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
failed=()
printf '%-22s %10s %8s %6s %7s %7s\n' target execs exec/s cov corpus seeds
for target in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$target"
  seeds="$source_dir/corpus/$target"
  log="$build/fuzz-logs/$target.log"
  mkdir -p "$corpus"
  dict=$(dictionary "$target")
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_stack_use_after_return=1} \
    "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-" \
    ${dict:+-dict="$dict"} "$corpus" "$seeds" >"$log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-22s %10s %8s %6s %7s %7s\n' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "$(ls "$corpus" | wc -l)" "$(ls "$seeds" | wc -l)"
  if [ $status -ne 0 ]; then
    failed+=("$target")
    echo "--- $target failed (exit $status); its log: $log" >&2
    grep -A40 -m1 -E '^==[0-9]+==|contract broken|runtime error|deadly signal|Test unit written' \
      "$log" >&2
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing found a crash in: ${failed[*]} (inputs in $build/fuzz-artifacts/)" >&2
  exit 1
fi
