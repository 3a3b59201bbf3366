#!/bin/sh
# add: the result is input.a + input.b.
set -eu
jq '.a + .b' >"$WFM_TASK_OUTPUT"
