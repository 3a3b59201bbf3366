#!/bin/sh
# mark: the function of every task of tests/e2e/sfn_crash.sh. Appends the attempt's marker line
# "<execution>/<state>/<item index or ->/<retry count>" to $SFN_CRASH_MARKERS/markers, then sleeps
# 50-300 ms so that kills land while tasks run. The state "Work" fails with "Crash.FirstAttempt"
# on its first attempt (retry count 0); every other attempt's result is
# {"state": <state>, "retry": <retry count>, "echo": <input>}.
# Shell expansions rather than jq or sed: thousands of attempts run on a busy machine.
set -eu
IFS= read -r input || [ -n "$input" ]
index=-
case $input in
  *'"index":'*)
    index=${input#*\"index\":}
    index=${index# }
    index=${index%%[!0-9]*}
    ;;
esac
echo "$WFM_EXECUTION_NAME/$WFM_STATE_NAME/$index/$WFM_STATE_RETRY_COUNT" \
  >>"$SFN_CRASH_MARKERS/markers"
if [ "$WFM_STATE_NAME" = Work ] && [ "$WFM_STATE_RETRY_COUNT" -eq 0 ]; then
  printf '{"Error": "Crash.FirstAttempt", "Cause": "first attempt of item %s"}' "$index" \
    >"$WFM_TASK_OUTPUT"
  exit 1
fi
sleep "0.$(($$ % 26 + 5))"
printf '{"state": "%s", "retry": %s, "echo": %s}' "$WFM_STATE_NAME" "$WFM_STATE_RETRY_COUNT" \
  "$input" >"$WFM_TASK_OUTPUT"
