#!/usr/bin/env bash
# Runs the benchmarks and prints their figures. usage: bench/run.sh [BUILD_DIR]
# The PostgreSQL run starts a server of its own (durable commits: fsync on) and stops it after.
# The HTTP runs start the service binary; their GET measurements need wrk and hey (installed by
# `make bench-peers`, which also runs the peers).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
jobs=${FAKE_JOBS:-20000}

"$build/engine_bench" --executor fake --store sqlite --jobs "$jobs"
"$build/engine_bench" --executor fake --store memory --jobs "$jobs"

pg_dir=$(mktemp -d /tmp/wfm-bench-pg.XXXXXX)
trap '"$here/../tests/pg/postgres_server.sh" stop "$pg_dir/pg"; rm -rf "$pg_dir"' EXIT
PG_FSYNC=on "$here/../tests/pg/postgres_server.sh" start "$pg_dir/pg" >/dev/null
"$build/engine_bench" --executor fake --store "$(cat "$pg_dir/pg/url")" --jobs "$jobs"
"$build/sfn_bench" --postgres "$(cat "$pg_dir/pg/url")" --executions "${SFN_EXECUTIONS:-2000}" \
  --map-items "${SFN_MAP_ITEMS:-10000}"

"$build/engine_bench" --executor local --store sqlite --jobs "${LOCAL_JOBS:-1000}" --max-parallel 2

"$build/restart_bench" --jobs "${RESTART_JOBS:-100000}"
"$build/batch_bench" --tasks "${BATCH_TASKS:-1000}"

# End to end through HTTP: 8 clients POST, every job runs to its end; then GETs of one job.
"$build/http_bench" --executor local --jobs "${LOCAL_JOBS:-1000}" --clients 8 --max-parallel 2 \
  --wrk-seconds 0
"$build/http_bench" --executor noop --jobs "${HTTP_JOBS:-2000}" --clients 8 --wrk-seconds 10
"$build/sfn_http_bench" --executions "${SFN_EXECUTIONS:-2000}" --clients 8 \
  --map-items "${SFN_MAP_ITEMS:-10000}"
