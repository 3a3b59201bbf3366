#!/bin/sh
# hello: the result is always {"greeting": "hello", "n": 1}, whatever the input.
set -eu
cat >/dev/null
printf '{"greeting": "hello", "n": 1}' >"$WFM_TASK_OUTPUT"
