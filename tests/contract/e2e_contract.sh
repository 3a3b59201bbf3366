#!/usr/bin/env bash
# ctest e2e_contract: runs the end-to-end scripts that call the service through tests/e2e/lib.sh's
# `call` with WFM_CONTRACT_DIR set, checks every answer they recorded against api/openapi.yaml
# (validate_responses.mjs), then proves that the check refuses altered answers (tamper_test.mjs).
# usage: e2e_contract.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR OUT_DIR (emptied first)
set -euo pipefail
bin=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out/recorded"
for script in tests/e2e/walkthrough.sh tests/e2e/auth.sh tests/e2e/sfn_api.sh tests/contract/routes.sh; do
  echo "=== $script"
  WFM_CONTRACT_DIR="$out/recorded" bash "$src/$script" "$bin" "$src"
  compgen -G "$out/recorded/$(basename "$script" .sh)-*.request" >/dev/null ||
    { echo "FAIL: $script recorded nothing (does lib.sh's call still record?)"; exit 1; }
done
echo "=== api/openapi.yaml against the $(find "$out/recorded" -name '*.request' | wc -l) recorded answers"
rc=0
node --no-warnings "$src/tests/contract/validate_responses.mjs" "$out/recorded" "$src/api/openapi.yaml" || rc=1
echo "=== altered answers are refused"
node --no-warnings "$src/tests/contract/tamper_test.mjs" "$out/recorded" || rc=1
exit $rc
