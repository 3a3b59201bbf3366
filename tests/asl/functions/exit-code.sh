#!/bin/sh
# exit-code: exits 3 without writing anything (States.TaskFailed).
cat >/dev/null
exit 3
