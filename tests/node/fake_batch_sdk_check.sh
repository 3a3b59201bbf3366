#!/usr/bin/env bash
# Starts fake-batch-server and runs fake_batch_sdk_check.mjs against it with the official JavaScript SDK.
# usage: run.sh FAKE_BATCH_SERVER_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fake=$1
[ -d "$here/node_modules/@aws-sdk/client-batch" ] || {
  echo "sdk-check: @aws-sdk/client-batch is not installed; make test-deps runs npm ci in tests/node" >&2
  exit 1
}
work=$(mktemp -d)
cat >"$work/config.json" <<'JSON'
{"outcomes": {"echo": {"runningMs": 20}, "fail": {"exitCode": 3}, "long": {"runningMs": 600000},
              "stuck": {"stuckRunnableReason": "waiting for capacity"}},
 "jobDefinitions": [{"name": "echo", "revision": 1}, {"name": "fail", "revision": 1},
                    {"name": "long", "revision": 1}, {"name": "stuck", "revision": 1},
                    {"name": "sdk-def", "revision": 1}, {"name": "sdk-def", "revision": 2, "status": "INACTIVE"},
                    {"name": "sdk-def", "revision": 3}, {"name": "sdk-def", "revision": 4},
                    {"name": "sdk-def", "revision": 5}]}
JSON
"$fake" --port-file "$work/port" --access-key AKIDSDKCHECK --secret sdk-check-secret \
  --region eu-west-1 --config "$work/config.json" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 500); do [ -s "$work/port" ] && break; sleep 0.01; done
node --no-warnings "$here/fake_batch_sdk_check.mjs" "http://127.0.0.1:$(cat "$work/port")"
