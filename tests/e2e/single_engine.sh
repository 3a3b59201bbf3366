#!/usr/bin/env bash
# One engine per database and one tasks directory per database, with the real binary:
#  - SQLite: a second service on the same database is refused at start (exit 2, a message naming
#    the database) while the first keeps working; after the first is killed with SIGKILL while a
#    task runs, a service restarted on the same port starts at once.
#  - PostgreSQL with the local executor: replicas sharing a --data-dir both run; one with another
#    --data-dir is refused (naming both directories); a moved data directory keeps working;
#    `data-dir forget` lets a new one be recorded.
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

DEFS=(--job-definitions data/job-definitions.json)

# start_at NAME PORT DATA_DIR [flags...]: starts instance NAME on 127.0.0.1:PORT (0: a free one).
start_at() {
  local name=$1 port=$2 dir=$3; shift 3
  local log="$WORK/$name.log"
  : >"$log"
  "$WFM_BIN" --listen "127.0.0.1:$port" --data-dir "$dir" "$@" >>"$log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 1 1500); do
    if grep -q 'listening on' "$log"; then
      URLS[$name]="http://127.0.0.1:$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2)"
      return 0
    fi
    kill -0 "${PIDS[$name]}" 2>/dev/null || fail "$name exited at start: $(cat "$log")"
    sleep 0.02
  done
  fail "$name did not start"
}
# refused NAME PORT DATA_DIR [flags...]: the service must exit 2 at start; its output goes to
# $WORK/NAME.out.
refused() {
  local name=$1 port=$2 dir=$3 rc=0; shift 3
  timeout 60 "$WFM_BIN" --listen "127.0.0.1:$port" --data-dir "$dir" "$@" >"$WORK/$name.out" 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "$name: expected exit 2, got $rc: $(cat "$WORK/$name.out")"
}
# run_hello: a hello job on $BASE ends SUCCEEDED.
run_hello() {
  local id
  id=$(call POST /jobs -d '{"workflow": {"name": "hello-workflow"}, "data": ["x"]}' | jq -r .id)
  expect_status 200 "$1: POST /jobs"
  wait_job "$id" '.status == "SUCCEEDED"'
  pass "$1: a job runs to SUCCEEDED"
}

# --- SQLite: one service per database file
start_at first 0 "$WORK/var" "${DEFS[@]}"
BASE=${URLS[first]}
PORT=${BASE##*:}
call POST /workflows -d @data/hello-workflow.post.json >/dev/null; expect_status 201 "create hello-workflow"
jq '.name = "sleepy" | .states[0].resource = "sleep"' data/hello-workflow.post.json >"$WORK/sleepy.json"
call POST /workflows -d @"$WORK/sleepy.json" >/dev/null; expect_status 201 "create sleepy"

refused second 0 "$WORK/var" "${DEFS[@]}"
grep -q "already runs on the SQLite database $WORK/var/workflow-manager.db (pid ${PIDS[first]})" \
  "$WORK/second.out" || fail "second service's message: $(cat "$WORK/second.out")"
pass "a second service on the same SQLite database is refused, naming it and the holder"
refused second-same-port "$PORT" "$WORK/var" "${DEFS[@]}"
grep -q "already runs on the SQLite database" "$WORK/second-same-port.out" \
  || fail "second service on the same port: $(cat "$WORK/second-same-port.out")"
pass "a second service on the same port is refused for the database, not only the port"
refused third 0 "$WORK/elsewhere" "${DEFS[@]}" --store "sqlite:$WORK/var/workflow-manager.db"
pass "the same database reached through --store is refused too"
call GET /_health >/dev/null; expect_status 200 "the first keeps serving"
run_hello "the first service"

sleepy=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}}' | jq -r .id)
wait_job "$sleepy" '.tasks[0].status == "RUNNING"'
stop_instance first KILL
start_at restarted "$PORT" "$WORK/var" "${DEFS[@]}"
BASE=${URLS[restarted]}
pass "after SIGKILL with a task running, a service starts on the same port and database"
call DELETE "/jobs/$sleepy" -d '{"reason": "done"}' >/dev/null; expect_status 200 "cancel the sleeping job"
wait_job "$sleepy" '.status == "CANCELLED"'
run_hello "the restarted service"
stop_instance restarted

# --- PostgreSQL: one tasks directory for the replicas
PG_DIR="$WORK/pg"
"$SOURCE_DIR/tests/pg/postgres_server.sh" start "$PG_DIR" || fail "can't start PostgreSQL"
URL=$(cat "$PG_DIR/url")
PG=(--store "$URL" "${DEFS[@]}" --leader-check-interval 200)
start_at r1 0 "$WORK/shared" "${PG[@]}"
start_at r2 0 "$WORK/shared" "${PG[@]}"
pass "two replicas sharing one --data-dir both start"
BASE=${URLS[r1]}
call POST /workflows -d @data/hello-workflow.post.json >/dev/null; expect_status 201 "r1 creates hello-workflow"

refused r3 0 "$WORK/other" "${PG[@]}"
grep -q "refusing to run tasks from the data directory $WORK/other: the database records the data directory $WORK/shared" \
  "$WORK/r3.out" || fail "r3's message: $(cat "$WORK/r3.out")"
grep -q "data-dir forget" "$WORK/r3.out" || fail "r3's message does not say how to reset"
pass "a replica with another --data-dir is refused, naming both directories"
grep -q "postgresql://" "$WORK/r3.out" && fail "the refusal prints the database URL"
for name in r1 r2; do
  BASE=${URLS[$name]}
  run_hello "$name after the refusal"
done
stop_instance r1
stop_instance r2

mv "$WORK/shared" "$WORK/moved"
start_at r1 0 "$WORK/moved" "${PG[@]}"
BASE=${URLS[r1]}
run_hello "a replica on the moved data directory"
stop_instance r1

refused fresh 0 "$WORK/fresh" "${PG[@]}"
"$WFM_BIN" --store "$URL" data-dir forget 2>"$WORK/forget.out" || fail "data-dir forget: $(cat "$WORK/forget.out")"
start_at fresh 0 "$WORK/fresh" "${PG[@]}"
BASE=${URLS[fresh]}
run_hello "after data-dir forget, a new data directory"
refused old 0 "$WORK/moved" "${PG[@]}"
grep -q "records the data directory $WORK/fresh" "$WORK/old.out" || fail "old's message: $(cat "$WORK/old.out")"
pass "then the old data directory is refused"
stop_instance fresh
echo "checked: $CHECKS"
