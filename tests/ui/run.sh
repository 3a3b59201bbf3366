#!/usr/bin/env bash
# run.sh: runs the tests of the web UI: unit_test.mjs (its pure parts, in Node), then the browser
# test ui_test.mjs, after installing its one npm package (playwright-core, pinned in
# package-lock.json) when missing. No browser is downloaded: the test drives the Debian Chromium,
# /usr/bin/chromium.
#
#   tests/ui/run.sh [SERVICE_BINARY [SCREENSHOT_DIR]] [--ui-dir DIR]
#
# Defaults: build/workflow-manager and build/ui-screenshots. --ui-dir serves the UI from a
# directory instead of the files embedded in the binary (for working on the UI).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
positional=()
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --ui-dir) extra+=(--ui-dir "$2"); shift 2 ;;
    --ui-dir=*) extra+=("$1"); shift ;;
    *) positional+=("$1"); shift ;;
  esac
done
binary=${positional[0]:-$repo/build/workflow-manager}
shots=${positional[1]:-$repo/build/ui-screenshots}
command -v node >/dev/null || { echo "FAIL: node is not installed (apt-get install nodejs npm)" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium is not installed (apt-get install chromium)" >&2; exit 1; }
if ! [ -d "$here/node_modules/playwright-core" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
node --no-warnings "$here/unit_test.mjs"
exec node --no-warnings "$here/ui_test.mjs" "$binary" "$shots" "${extra[@]}"
