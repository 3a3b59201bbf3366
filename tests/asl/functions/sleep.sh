#!/bin/sh
# sleep: sleeps input.ms milliseconds, then the result is the input.
set -eu
input=$(cat)
sleep "$(printf '%s' "$input" | jq '(.ms // 0) / 1000')"
printf '%s' "$input" >"$WFM_TASK_OUTPUT"
