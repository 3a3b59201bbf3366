#!/usr/bin/env bash
# Runs the benchmarks and prints their figures. usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
"$build/engine_bench" --executor fake --store sqlite --jobs "${FAKE_JOBS:-20000}"
"$build/engine_bench" --executor fake --store memory --jobs "${FAKE_JOBS:-20000}"
"$build/engine_bench" --executor local --store sqlite --jobs "${LOCAL_JOBS:-1000}" --max-parallel 2
