#!/bin/sh
# fail-if: fails with "Custom.ItemFailed" (cause: "item <input.id>") when input.fail is true;
# otherwise the result is the input.
set -eu
input=$(cat)
if [ "$(printf '%s' "$input" | jq '.fail == true')" = true ]; then
  printf '%s' "$input" | jq '{Error: "Custom.ItemFailed", Cause: "item \(.id)"}' >"$WFM_TASK_OUTPUT"
  exit 1
fi
printf '%s' "$input" >"$WFM_TASK_OUTPUT"
