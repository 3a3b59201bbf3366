#!/usr/bin/env bash
# ctest contract_checked_selftest: proves that checked.sh, which the e2e tests run through, fails
# when it should. A small script calls a canned HTTP server through tests/e2e/lib.sh's `call` (so
# its exchanges are recorded as the e2e tests' are) and checked.sh must pass it when every answer
# is described, fail it when an answer is not described by api/openapi.yaml, when the script
# itself fails and when it recorded nothing, and pass a skip (exit 77) through.
# usage: checked_selftest.sh OUT_DIR   (emptied first)
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
rm -rf "$out"
mkdir -p "$out"

# The canned server: GET /workflows answers [] (as described); any other path answers 200 with a
# workflow lacking its required fields (not as described).
node -e '
  require("http").createServer((request, response) => {
    response.writeHead(200, {"Content-Type": "application/json", "X-Request-Id": "selftest"});
    response.end(request.url === "/workflows" ? "[]" : "{\"name\": \"x\"}");
  }).listen(0, "127.0.0.1", function () { require("fs").writeFileSync(process.argv[1], String(this.address().port)); });
' "$out/port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 500); do [ -s "$out/port" ] && break; sleep 0.01; done
[ -s "$out/port" ] || { echo "FAIL: the canned server did not start"; exit 1; }

# The script checked.sh runs: GET each path given, then exit with $CASE_EXIT.
cat >"$out/calls.sh" <<'SCRIPT'
source "$SOURCE_DIR/tests/e2e/lib.sh"
BASE=$CANNED_URL
for path in "$@"; do call GET "$path" >/dev/null; done
exit "${CASE_EXIT:-0}"
SCRIPT
export SOURCE_DIR=$src CANNED_URL="http://127.0.0.1:$(cat "$out/port")"

failed=0
# expect PASS|FAIL|SKIP DESCRIPTION CASE_EXIT PATH...: checked.sh on calls.sh PATH... must exit
# 0, other than 0 and 77, or 77.
expect() {
  local want=$1 what=$2 rc=0 got=FAIL
  shift 2
  CASE_EXIT=$1 bash "$here/checked.sh" "$out/recorded" "$out/calls.sh" "${@:2}" >"$out/log" 2>&1 || rc=$?
  case $rc in 0) got=PASS ;; 77) got=SKIP ;; esac
  if [ "$got" = "$want" ]; then
    echo "ok: $what (checked.sh exited $rc)"
  else
    echo "FAIL: $what: checked.sh exited $rc"
    sed 's/^/  | /' "$out/log"
    failed=$((failed + 1))
  fi
}
expect PASS "described answers pass" 0 /workflows /workflows
grep -q '^contract: 2 passed, 0 failed' "$out/log" || { echo "FAIL: no validator summary"; failed=$((failed + 1)); }
expect FAIL "an answer the spec does not describe fails" 0 /workflows /workflows/x
grep -q '^FAIL: .*GET /workflows/x -> 200: body' "$out/log" ||
  { echo "FAIL: the validator's finding is not shown"; sed 's/^/  | /' "$out/log"; failed=$((failed + 1)); }
expect FAIL "a failing script fails, though its answers are described" 3 /workflows
expect FAIL "a script that recorded nothing fails" 0
expect SKIP "a skipped script is skipped" 77 /workflows/x
[ "$failed" -eq 0 ] || exit 1
echo "checked.sh self-test: 5 cases passed"
