#!/bin/sh
# fail-with: fails with the error name input.error and the cause input.cause.
set -eu
jq '{Error: .error, Cause: .cause}' >"$WFM_TASK_OUTPUT"
exit 1
