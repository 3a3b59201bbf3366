#!/usr/bin/env bash
# Runs one end-to-end script with its HTTP exchanges recorded (WFM_CONTRACT_DIR: tests/e2e/lib.sh's
# `call` writes each one there), then checks every recorded answer against api/openapi.yaml
# (validate_responses.mjs, whose summary it prints). Fails when the script fails, when it recorded
# no answer the spec describes, or when an answer is not what the spec describes; a script that
# exits 77 (skipped: ctest's SKIP_RETURN_CODE) is passed through unchecked. Outside the sanitizer
# builds the e2e tests of tests/CMakeLists.txt run through it.
# usage: checked.sh OUT_ROOT SCRIPT [ARGS...]   (records into OUT_ROOT/<script's name>, emptied
#        first; the script runs as `bash SCRIPT ARGS...`)
set -uo pipefail
root=$1 script=$2
shift 2
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/$(basename "$script" .sh)
rm -rf "$out" && mkdir -p "$out" || exit 1

rc=0
WFM_CONTRACT_DIR=$out bash "$script" "$@" || rc=$?
[ "$rc" -ne 77 ] || exit 77
[ "$rc" -eq 0 ] || echo "FAIL: $script exited $rc"
echo "=== api/openapi.yaml against the $(find "$out" -name '*.request' | wc -l) exchanges $script recorded ($out)"
node --no-warnings "$src/tests/contract/validate_responses.mjs" "$out" "$src/api/openapi.yaml" || {
  echo "FAIL: $script got answers api/openapi.yaml does not describe, or none that it describes"
  [ "$rc" -ne 0 ] || rc=1
}
exit "$rc"
