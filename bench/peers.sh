#!/usr/bin/env bash
# workflow-manager beside its peers, on the same machine in the same run (`make bench-peers`):
#  - 1,000 jobs of 3 steps running /bin/true, POSTed by 8 clients, until all ended, against
#    `make -j2` on the same DAG and BullMQ flows of 3 jobs that each spawn /bin/true;
#  - the same with nothing run (--executor noop) against BullMQ flows of 3 no-op jobs;
#  - Step Functions: executions of 10 Pass states started by 8 clients, and one Map of 10,000 Pass
#    iterations, beside Step Functions Standard's documented quota (no AWS is reached);
#  - GET /jobs/{id} of a finished job (wrk -t1 -c64; hey at 5,000/s) against nginx serving the
#    same JSON as a static file.
# Prints every figure, then a table of the ratios. usage: bench/peers.sh [BUILD_DIR]
# Environment: PEER_JOBS (1000), PEER_SECONDS (10, each GET measurement).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
jobs=${PEER_JOBS:-1000}
seconds=${PEER_SECONDS:-10}
work=$(mktemp -d /tmp/wfm-peers.XXXXXX)
cleanup() {
  "$here/peers/run_redis.sh" stop "$work/redis" >/dev/null 2>&1 || true
  "$here/peers/run_nginx.sh" stop "$work/nginx" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# field TEXT REGEX: the first group of REGEX (extended, sed) in TEXT.
field() { printf '%s\n' "$1" | sed -nE "s/.*$2.*/\\1/p" | head -1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# ms VALUE: wrk's latency (e.g. 1.23ms, 845.00us, 1.2s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[^m]s$/) n *= 1000; printf "%.2f", n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== workflow-manager, local executor (/bin/true), $jobs jobs x 3 steps, 8 clients"
local_out=$("$build/http_bench" --executor local --jobs "$jobs" --clients 8 --max-parallel 2 --wrk-seconds 0)
echo "$local_out"
local_tasks=$(field "$local_out" 'jobs\/s, ([0-9]+) tasks\/s')

echo "== make -j2, the same DAG"
mkdir -p "$work/make"
{
  printf '.PHONY: all'; for i in $(seq 1 "$jobs"); do printf ' a%d b%d c%d' "$i" "$i" "$i"; done
  printf '\nall:'; for i in $(seq 1 "$jobs"); do printf ' c%d' "$i"; done; printf '\n'
  for i in $(seq 1 "$jobs"); do printf 'a%d:\n\t@/bin/true\nb%d: a%d\n\t@/bin/true\nc%d: b%d\n\t@/bin/true\n' "$i" "$i" "$i" "$i" "$i"; done
} >"$work/make/dag.mk"
start=$(date +%s.%N)
make -s -j2 -f "$work/make/dag.mk"
make_seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
make_tasks=$(awk -v n="$jobs" -v s="$make_seconds" 'BEGIN { printf "%.0f", 3 * n / s }')
echo "  make -j2: $make_seconds s, $make_tasks tasks/s"

echo "== BullMQ + Redis (AOF everysec), $jobs flows of 3 jobs, 1 worker, concurrency 2"
redis_port=$(free_port)
"$here/peers/run_redis.sh" start "$work/redis" "$redis_port" >/dev/null
bull_rate() {  # bull_rate MODE: jobs/s from adding the flows until all completed
  local out
  out=$(node "$here/peers/bullmq_flows.mjs" --redis-port "$redis_port" --flows "$jobs" --mode "$1")
  echo "  $out" >&2
  awk -v a="$(field "$out" 'add_s=([0-9.]+)')" -v r="$(field "$out" 'run_s=([0-9.]+)')" \
    -v n="$jobs" 'BEGIN { printf "%.0f", 3 * n / (a + r) }'
}
bull_true=$(bull_rate true)
bull_noop=$(bull_rate noop)
"$here/peers/run_redis.sh" stop "$work/redis" >/dev/null

echo "== workflow-manager, noop executor (nothing runs), $jobs jobs x 3 steps, 8 clients; GETs"
noop_out=$("$build/http_bench" --executor noop --jobs "$jobs" --clients 8 --wrk-seconds "$seconds" \
  --save-job "$work/job.json")
echo "$noop_out"
noop_tasks=$(field "$noop_out" 'jobs\/s, ([0-9]+) tasks\/s')
post_rate=$(field "$noop_out" 'POST \/jobs +([0-9]+) jobs')
get_rate=$(field "$noop_out" 'wrk -t1 -c64 -d[0-9]+s\): ([0-9.]+) req')
get_p99=$(ms "$(field "$noop_out" 'wrk -t1 -c64 -d[0-9]+s\): [0-9.]+ req\/s, p99 ([0-9.]+[a-z]+)')")
hey_p99=$(field "$noop_out" 'hey -z [0-9]+s -c 10 -q 500\): [0-9.]+ req\/s, p99 ([0-9.]+)ms')

echo "== Step Functions: $jobs executions of 10 Pass states, 8 clients; a Map of 10,000 Pass"
sfn_out=$("$build/sfn_http_bench" --executions "$jobs" --clients 8 --map-items 10000)
echo "$sfn_out"
sfn_rate=$(field "$sfn_out" 'executions\/s, ([0-9]+) transitions\/s')
map_rate=$(field "$sfn_out" 'Map of [0-9]+ Pass +[0-9.]+ s: ([0-9]+) transitions')

echo "== nginx (1 worker) serving the same job JSON ($(wc -c <"$work/job.json") bytes)"
nginx_port=$(free_port)
"$here/peers/run_nginx.sh" start "$work/nginx" "$nginx_port" "$work/job.json" >/dev/null
nginx_wrk=$(wrk -t1 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$nginx_port/job.json")
nginx_rate=$(field "$nginx_wrk" 'Requests\/sec: +([0-9.]+)')
nginx_p99=$(ms "$(field "$nginx_wrk" '99% +([0-9.]+[a-z]+)')")
nginx_hey=$(hey -z "${seconds}s" -c 10 -q 500 "http://127.0.0.1:$nginx_port/job.json")
nginx_hey_p99=$(awk '/99%+ in/ { printf "%.2f", $3 * 1000 }' <<<"$nginx_hey")
echo "  wrk: $nginx_rate req/s, p99 ${nginx_p99}ms; hey at 5,000/s: p99 ${nginx_hey_p99}ms"
"$here/peers/run_nginx.sh" stop "$work/nginx" >/dev/null

echo
echo "| what | workflow-manager | peer | ratio | goal |"
echo "|---|---|---|---|---|"
echo "| $jobs jobs x 3 /bin/true, tasks/s | $local_tasks | make -j2 $make_tasks | $(ratio "$local_tasks" "$make_tasks") | >= 0.8 |"
echo "| same, tasks/s vs BullMQ jobs/s | $local_tasks | BullMQ /bin/true $bull_true | $(ratio "$local_tasks" "$bull_true") | >= 3 |"
echo "| $jobs jobs x 3, nothing run, tasks/s | $noop_tasks | BullMQ no-op $bull_noop | $(ratio "$noop_tasks" "$bull_noop") | |"
echo "| POST /jobs, 8 clients, fsynced, jobs/s | $post_rate | | | >= 5000 |"
echo "| $jobs executions x 10 Pass, transitions/s | $sfn_rate | Step Functions Standard quota 1500 (documented) | $(ratio "$sfn_rate" 1500) | |"
echo "| Map of 10,000 Pass, transitions/s | $map_rate | Step Functions Standard quota 1500 (documented) | $(ratio "$map_rate" 1500) | |"
echo "| GET /jobs/{id}, wrk -c64, req/s | $get_rate | nginx $nginx_rate | $(ratio "$get_rate" "$nginx_rate") | >= 0.5 |"
echo "| GET /jobs/{id}, wrk -c64, p99 ms | $get_p99 | nginx $nginx_p99 | | <= 2 |"
echo "| GET /jobs/{id} at 5,000/s (hey), p99 ms | $hey_p99 | nginx $nginx_hey_p99 | | <= 1 |"
