#!/bin/sh
# forty-two: the result is the number 42.
set -eu
cat >/dev/null
printf '42' >"$WFM_TASK_OUTPUT"
