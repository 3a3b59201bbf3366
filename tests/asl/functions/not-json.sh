#!/bin/sh
# not-json: succeeds but writes a result that is not JSON (States.TaskFailed, see ../README.md).
set -eu
printf 'this is not JSON' >"$WFM_TASK_OUTPUT"
