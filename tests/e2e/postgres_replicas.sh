#!/usr/bin/env bash
# Two replicas on one PostgreSQL database (a server of the test's own): both serve the API, one
# advances the jobs; SIGKILL whichever is advancing them, twice, while 300 jobs run: the other
# takes over, every job ends SUCCEEDED and every task ran exactly once. Then a cancel accepted by
# the follower just before the leader is killed is honoured, and so is one accepted while an extra
# replica fails to start.
WFM_BIN=$1
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-300}
PG_DIR="$WORK/pg"
"$(dirname "$0")/../pg/postgres_server.sh" start "$PG_DIR" || fail "can't start PostgreSQL"
URL=$(cat "$PG_DIR/url")
write_marker_definitions
FLAGS=(--store "$URL" --job-definitions "$WORK/defs.json" --max-parallel 4 --leader-check-interval 200)

start_instance r1 "${FLAGS[@]}"
start_instance r2 "${FLAGS[@]}"

# leader: prints the name of the replica that advances jobs (waits up to 30 s for one).
leader() {
  for _ in $(seq 1 1500); do
    for name in "${!PIDS[@]}"; do
      if BASE=${URLS[$name]} call GET /_health >/dev/null && [ "$(<"$WORK/status")" = 200 ] &&
        jq -e '.leader == true' "$WORK/body" >/dev/null 2>&1; then
        echo "$name"; return 0
      fi
    done
    sleep 0.02
  done
  fail "no replica became the leader"
}

BASE=${URLS[r1]}
call POST /workflows -d @"$WORK/crashy.json" >/dev/null; expect_status 201 "replica r1 creates the workflow"
BASE=${URLS[r2]}
call GET /workflows/crashy >/dev/null; expect_status 200 "replica r2 reads it"

ids=()
for i in $(seq 1 "$JOBS"); do
  BASE=${URLS[r$((i % 2 + 1))]}
  ids+=("$(call POST /jobs -d '{"workflow": {"name": "crashy"}, "data": ["x"]}' | jq -r .id)")
done
pass "started $JOBS jobs through both replicas"

for k in 1 2; do
  sleep "0.$((RANDOM % 9 + 1))"
  victim=$(leader)
  stop_instance "$victim" KILL
  start=$(date +%s%N)
  successor=$(leader)
  took=$(( ($(date +%s%N) - start) / 1000000 ))
  pass "SIGKILL $k of the leader $victim: $successor took over in ${took} ms"
  start_instance "$victim" "${FLAGS[@]}"
done

BASE=${URLS[r1]}
for id in "${ids[@]}"; do wait_job "$id" '.status == "SUCCEEDED"'; done
pass "all $JOBS jobs SUCCEEDED after 2 leader kills"
check_exactly_once 2 "${ids[@]}"

# A cancel accepted by the follower just before the leader dies.
call POST /workflows -d '{"name": "sleepy", "startAt": "s", "states": [{"name": "s", "type": "Task", "resource": "sleep", "end": true}]}' >/dev/null
expect_status 201 "create sleepy workflow"
current=$(leader)
follower=r1; [ "$current" = r1 ] && follower=r2
BASE=${URLS[$follower]}
sid=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}}' | jq -r .id)
wait_job "$sid" '.tasks[0].status == "RUNNING"'
call DELETE "/jobs/$sid" -d '{"reason": "cancelled on the follower"}' >/dev/null
expect_status 200 "the follower accepts the cancel"
stop_instance "$current" KILL
wait_job "$sid" '.status == "CANCELLED" and .tasks[0].statusReason == "cancelled on the follower"'
pass "the cancel was honoured after the leader's SIGKILL"

# An extra replica that fails to start (its port is taken) while a job is cancelled writes
# nothing on its way out: the cancel holds and the task's process really stops.
BASE=${URLS[$follower]}
sid=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}}' | jq -r .id)
wait_job "$sid" '.tasks[0].status == "RUNNING"'
runner_pid=$(call GET "/jobs/$sid" | jq -r '.tasks[0].container' | grep -o '[0-9]*$')
"$WFM_BIN" --listen "127.0.0.1:${BASE##*:}" --data-dir "$WORK/var" "${FLAGS[@]}" \
  >>"$WORK/extra.log" 2>&1 &
extra=$!
call DELETE "/jobs/$sid" -d '{"reason": "cancelled while a replica failed"}' >/dev/null
expect_status 200 "cancel accepted while an extra replica fails to start"
rc=0; wait "$extra" || rc=$?
[ "$rc" -ne 0 ] || fail "the extra replica started on a busy port"
grep -q "can't listen" "$WORK/extra.log" || fail "the extra replica did not say why it stopped"
wait_job "$sid" '.status == "CANCELLED" and .tasks[0].statusReason == "cancelled while a replica failed" and .tasks[0].stoppedAt != null'
for _ in $(seq 1 500); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.02; done
kill -0 "$runner_pid" 2>/dev/null && fail "the cancelled task's process still runs"
pass "an extra replica failing to start left the cancel alone; the task stopped"
stop_instance "$follower" TERM

echo "$CHECKS passed, 0 failed"
