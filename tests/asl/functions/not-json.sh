#!/bin/sh
# not-json: succeeds but writes a result that is not JSON (States.TaskFailed, see ../README.md).
set -eu
cat >/dev/null
printf 'this is not JSON' >"$WFM_TASK_OUTPUT"
