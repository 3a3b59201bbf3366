#!/usr/bin/env bash
# PostgreSQL stopped and started again in the middle of a run: while it is down the service
# answers 503 (health, reads and writes) and changes nothing; when it is back the service recovers
# on its own and every job ends SUCCEEDED, every task having run exactly once.
WFM_BIN=$1
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-100}
PG_DIR="$WORK/pg"
PG="$(dirname "$0")/../pg/postgres_server.sh"
"$PG" start "$PG_DIR" || fail "can't start PostgreSQL"
URL=$(cat "$PG_DIR/url")
write_marker_definitions
export MARK_SLEEP=0.3  # tasks still run while the database is down
start_service --store "$URL" --job-definitions "$WORK/defs.json" --max-parallel 4 \
  --leader-check-interval 200

start_crashy_jobs "$JOBS"
sleep 1

"$PG" restart-stop "$PG_DIR"
pass "PostgreSQL stopped"
call GET /_health >/dev/null; expect_status 503 "health is 503 while the database is down"
jq -e '.message | test("postgresql")' "$WORK/body" >/dev/null || fail "health gives no reason"
call POST /workflows -d '{"name": "later", "startAt": "a", "states": [{"name": "a", "type": "Task", "resource": "mark", "end": true}]}' >/dev/null
expect_status 503 "writes are refused with 503"
call GET "/jobs/${ids[0]}" >/dev/null; expect_status 503 "reads answer 503"
sleep 2

"$PG" restart-start "$PG_DIR"
pass "PostgreSQL started again"
for _ in $(seq 1 1500); do call GET /_health >/dev/null && [ "$(<"$WORK/status")" = 200 ] && break; sleep 0.02; done
call GET /_health >/dev/null; expect_status 200 "health is 200 again"
call GET /workflows/later >/dev/null; expect_status 404 "the refused write left nothing behind"

for id in "${ids[@]}"; do wait_job "$id" '.status == "SUCCEEDED"'; done
pass "all $JOBS jobs SUCCEEDED after the outage"
check_exactly_once 0 "${ids[@]}"
stop_service TERM

echo "$CHECKS passed, 0 failed"
