#!/usr/bin/env bash
# GET /job-definitions lists the local job definitions; SIGHUP reloads the file while the service
# runs (a new definition can be used at once) and keeps the old ones when the new file is bad.
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

defs="$WORK/job-definitions.json"
cp data/job-definitions.json "$defs"
start_service --job-definitions "$defs"

call GET /job-definitions >"$WORK/listed.json"; expect_status 200 "GET /job-definitions"
[ "$(jq -c '[.jobDefinitions[] | .jobDefinitionName + ":" + (.revision|tostring)]' "$WORK/listed.json")" = \
  "$(jq -c '[(.jobDefinitions // .) | sort_by(.jobDefinitionName, .revision)[] |
            .jobDefinitionName + ":" + (.revision|tostring)]' "$defs")" ] ||
  fail "listed definitions: $(cat "$WORK/listed.json")"
jq -e '.jobDefinitions[] | select(.jobDefinitionName == "echo") | .containerProperties.command' \
  "$WORK/listed.json" >/dev/null || fail "a definition is listed whole"
call POST /job-definitions >/dev/null; expect_status 405 "POST /job-definitions is 405"

# A workflow naming a definition the file does not have yet is refused.
jq '.name = "later" | .states |= map(.resource = "greet")' data/hello-workflow.post.json >"$WORK/later.json"
call POST /workflows -d @"$WORK/later.json" >/dev/null; expect_status 400 "unknown definition refused"

# Add "greet", reload with SIGHUP: listed, and a workflow using it runs.
jq '(.jobDefinitions // .) += [{"jobDefinitionName": "greet", "revision": 1, "type": "container",
     "containerProperties": {"command": ["echo", "hello from greet"]}}]' "$defs" >"$defs.new"
mv "$defs.new" "$defs"
kill -HUP "${PIDS[main]}"
for _ in $(seq 1 500); do
  call GET /job-definitions | jq -e '.jobDefinitions[] | select(.jobDefinitionName == "greet")' \
    >/dev/null && break
  sleep 0.02
done
call GET /job-definitions | jq -e '.jobDefinitions[] | select(.jobDefinitionName == "greet")' \
  >/dev/null || fail "greet not listed after SIGHUP"
pass "SIGHUP reloads the job definitions"
call POST /workflows -d @"$WORK/later.json" >/dev/null; expect_status 201 "a new definition can be used"
id=$(call POST /jobs -d '{"workflow": {"name": "later"}}' | jq -r .id)
wait_job "$id" '.status == "SUCCEEDED"'
[ "$(call GET "/jobs/$id/tasks/start-state/log")" = "hello from greet" ] || fail "greet's output"
[ "$(call GET "/jobs/$id" | jq -r '.tasks[0].jobDefinition')" = "greet:1" ] || fail "jobDefinition"
pass "a job ran the reloaded definition"

# A bad file is refused whole: the definitions stay as they were, and the log says why.
before=$(call GET /job-definitions)
echo '{"jobDefinitions": [{"jobDefinitionName": "broken"' >"$defs"
kill -HUP "${PIDS[main]}"
for _ in $(seq 1 500); do grep -q "job definitions kept as they were" "$WORK/main.log" && break; sleep 0.02; done
grep -q "job definitions kept as they were" "$WORK/main.log" || fail "no error logged for a bad file"
[ "$(call GET /job-definitions)" = "$before" ] || fail "a bad file changed the definitions"
kill -0 "${PIDS[main]}" || fail "the service stopped"
pass "a bad file keeps the old definitions"
stop_service TERM

# Other executors: noop lists none.
start_service --executor noop
[ "$(call GET /job-definitions | jq -c .)" = '{"jobDefinitions":[]}' ] || fail "noop definitions"
expect_status 200 "noop lists no job definitions"

echo "$CHECKS passed, 0 failed"
