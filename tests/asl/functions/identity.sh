#!/bin/sh
# identity: the result is the task's input.
set -eu
cat >"$WFM_TASK_OUTPUT"
