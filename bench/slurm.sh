#!/usr/bin/env bash
# The Slurm executor on a private Slurm (tests/slurm/cluster.sh: one node of 16 CPUs on this
# machine; needs root and Slurm's packages, which scripts/setup.sh installs). `make bench-slurm`.
#  - Submissions per second: N (1,000) v1 jobs of a one-task workflow whose task runs `sleep 600`
#    (so that every job stays active: 16 run, the others wait PENDING) are POSTed by 8 clients
#    (one `curl --parallel`); timed from the first POST until all N Slurm jobs exist (squeue,
#    polled every 0.2 s). Once through Slurm's command-line tools, once through slurmrestd
#    (--slurm-url, token from SLURM_JWT), next to a baseline measured in the same run: a shell
#    loop of N `sbatch --wrap 'sleep 600'`.
#  - Slurm calls per poll with the N jobs active (--slurm-poll-interval 1), over WINDOW (20)
#    seconds: through the tools, a counting `squeue` first on the service's PATH
#    (bench/slurm/squeue) logs each call's start and end; through slurmrestd, its own log (-v,
#    each line time-stamped as it arrives) shows each GET /slurm/<version>/jobs. Calls that follow
#    one another closer than half a poll interval count as one poll.
# The REST run uses a slurmrestd of the script's own (the cluster's, with -v) on a free port.
# Everything is cancelled and the cluster stopped at exit. Prints figures only (no pass/fail).
# usage: bench/slurm.sh [BUILD_DIR]
# Environment: SLURM_BENCH_JOBS (1000), SLURM_BENCH_WINDOW (20).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
jobs=${SLURM_BENCH_JOBS:-1000}
window=${SLURM_BENCH_WINDOW:-20}
interval=1  # --slurm-poll-interval, seconds

if [ "$(id -u)" != 0 ]; then echo "bench/slurm.sh: needs root (the private Slurm's daemons run as root)" >&2; exit 1; fi
for tool in slurmctld slurmd slurmrestd munged sbatch squeue scancel scontrol sinfo perl jq curl python3; do
  command -v "$tool" >/dev/null ||
    { echo "bench/slurm.sh: $tool is not installed (scripts/setup.sh installs Slurm)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/wfm-bench-slurm.XXXXXX)
cluster=$work/cluster
service_pid=
rest_pid=
cleanup() {
  [ -z "$service_pid" ] || kill -9 "$service_pid" 2>/dev/null || true
  [ -z "$rest_pid" ] || kill "$rest_pid" 2>/dev/null || true
  bash "$here/../tests/slurm/cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sq() { timeout 30 squeue "$@"; }
# service_jobs: how many Slurm jobs the service made (named after attempts: <job uuid>-0-1).
service_jobs() { sq -h -t all -o %j | grep -cE '^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}-0-1$' || true; }
named_jobs() { sq -h -t all -o %j | grep -cx "$1" || true; }
# cancel_all: cancels every job of the cluster and waits (at most 60 s) until Slurm has purged
# them (MinJobAge 5 s), so that each run starts on an empty controller.
cancel_all() {
  timeout 30 scancel -p debug || true
  local i
  for ((i = 0; i < 120; i++)); do
    [ "$(sq -h -t all -o %i | wc -l)" = 0 ] && return 0
    sleep 0.5
  done
  echo "  ($(sq -h -t all -o %i | wc -l) job records not purged yet; going on)"
}

echo "== a private Slurm (tests/slurm/cluster.sh, MinJobAge 5 s)"
bash "$here/../tests/slurm/cluster.sh" start "$cluster" 5 >"$work/cluster.log" 2>&1 ||
  { cat "$work/cluster.log" >&2; exit 1; }
source "$cluster/env"
token=$SLURM_JWT
unset SLURM_JWT  # the tools would authenticate by JWT; the service would take it for its token
echo "  $(sinfo -h -o '%D node(s), %c CPUs, partition %P, %t'); Slurm $(sinfo -V | cut -d' ' -f2)"

# A slurmrestd of our own: the cluster's, logging each request (-v), each line time-stamped.
rest_port=$(free_port)
rest_url=http://127.0.0.1:$rest_port
SLURM_JWT=daemon SLURMRESTD_SECURITY=disable_user_check slurmrestd -f "$SLURM_CONF" -v -u root \
  -a rest_auth/jwt -s openapi/v0.0.38 "127.0.0.1:$rest_port" </dev/null \
  > >(perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%.6f %s", time, $_' >"$work/rest.log") 2>&1 &
rest_pid=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
    "$rest_url/slurm/v0.0.38/ping" && break
  sleep 0.1
done

mkdir -p "$work/base" "$work/bin"
cp "$here/slurm/squeue" "$work/bin/squeue"
cat >"$work/defs.json" <<'JSON'
{"jobDefinitions": [
  {"jobDefinitionName": "bench-sleep", "revision": 1, "type": "container",
   "containerProperties": {"command": ["sleep", "600"]}}
]}
JSON
for ((i = 0; i < jobs; i++)); do
  printf 'url = "URL"\noutput = "/dev/null"\n'
done >"$work/posts.template"

# start_service NAME FLAGS...: the service on a free port, data in $work/NAME, with the counting
# squeue first on its PATH; sets base.
start_service() {
  local name=$1; shift
  local port; port=$(free_port)
  base=http://127.0.0.1:$port
  PATH="$work/bin:$PATH" "$build/workflow-manager" --listen "127.0.0.1:$port" \
    --data-dir "$work/$name" --executor slurm --job-definitions "$work/defs.json" \
    --slurm-poll-interval "$interval" "$@" >"$work/$name.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/_health")" = 200 ] && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the service did not answer within 30 s" >&2; cat "$work/$name.log" >&2; exit 1
}
stop_service() {
  kill -TERM "$service_pid"
  wait "$service_pid" || true
  service_pid=
}
# active_tasks: the tasks the Slurm executor holds (wfm_tasks_active, waiting and running).
active_tasks() {
  curl -s "$base/metrics" | awk '/^wfm_tasks_active\{.*executor="slurm"/ { n += $NF } END { print n + 0 }'
}

# submit_through_service NAME: POSTs the N jobs and waits for their Slurm jobs; sets service_rate.
submit_through_service() {
  local name=$1 start end count=0 i
  curl -s -o /dev/null -XPOST "$base/workflows" -d '{"name": "slurm-bench", "startAt": "s",
    "states": [{"name": "s", "type": "Task", "resource": "bench-sleep", "end": true}]}'
  sed "s|URL|$base/jobs|" "$work/posts.template" >"$work/posts.cfg"
  start=$(now)
  curl -s --no-progress-meter --parallel --parallel-max 8 -XPOST \
    -d '{"workflow": {"name": "slurm-bench"}, "data": []}' -w '%{http_code}\n' \
    -K "$work/posts.cfg" >"$work/$name.posts" 2>"$work/$name.posts.err" || true
  local posted; posted=$(now)
  echo "  POST /jobs x $jobs: $(sort "$work/$name.posts" | uniq -c | awk '{ printf "%s%s HTTP %s", s, $1, $2; s = ", " }') in $(elapsed "$start" "$posted") s"
  for ((i = 0; i < 2400; i++)); do  # at most ~8 minutes
    count=$(service_jobs)
    [ "$count" -ge "$jobs" ] && break
    sleep 0.2
  done
  end=$(now)
  service_seconds=$(elapsed "$start" "$end")
  service_rate=$(rate "$count" "$service_seconds")
  echo "  $count Slurm jobs exist $service_seconds s after the first POST: $service_rate jobs/s"
}

# count_polls FILE: FILE has "<start> <end>" of each call in the window, in order; prints
# "<calls> <polls> <mean seconds between polls> <mean call seconds>". A call starting less than
# half an interval after the previous one ended belongs to the same poll.
count_polls() {
  awk -v gap="$(awk -v i="$interval" 'BEGIN { print i / 2 }')" '
    { calls++; took += $2 - $1
      if (calls == 1 || $1 - last_end >= gap) { polls++; if (polls == 1) first = $1; latest = $1 }
      last_end = $2 }
    END { period = polls > 1 ? (latest - first) / (polls - 1) : 0
          printf "%d %d %.2f %.3f\n", calls, polls, period, calls ? took / calls : 0 }' "$1"
}

# wait_active: until the executor holds the N tasks (at most 60 s); prints how many it holds.
wait_active() {
  local i held=0
  for ((i = 0; i < 600; i++)); do
    held=$(active_tasks)
    [ "$held" -ge "$jobs" ] && break
    sleep 0.1
  done
  echo "$held"
}

# ---- through the command-line tools
echo "== baseline: a shell loop of $jobs \`sbatch --wrap 'sleep 600'\`"
refused=0
start=$(now)
for ((i = 0; i < jobs; i++)); do
  sbatch --parsable -J wfm-bench-sbatch -D "$work/base" -o "$work/base/%j.log" \
    --wrap 'sleep 600' >/dev/null || refused=$((refused + 1))
done
end=$(now)
sbatch_seconds=$(elapsed "$start" "$end")
sbatch_rate=$(rate "$jobs" "$sbatch_seconds")
echo "  $(named_jobs wfm-bench-sbatch) Slurm jobs exist after $sbatch_seconds s ($refused calls failed): $sbatch_rate jobs/s"
cancel_all

echo "== the service through Slurm's tools (sbatch, squeue, scancel): $jobs jobs"
start_service cli
submit_through_service cli
cli_rate=$service_rate
held=$(wait_active)
calls=$work/bin/squeue.calls
before=$(wc -l <"$calls")
sleep "$window"
tail -n +"$((before + 1))" "$calls" >"$work/cli.window"
read -r cli_calls cli_polls cli_period cli_took < <(count_polls "$work/cli.window")
cli_per_poll=$(ratio "$cli_calls" "$cli_polls")
echo "  with $held tasks active: $cli_calls squeue calls in $window s, $cli_polls polls" \
  "(one every $cli_period s, each call ${cli_took} s): $cli_per_poll calls per poll"
stop_service
cancel_all

# ---- through slurmrestd
echo "== the service through slurmrestd (--slurm-url, v0.0.38): $jobs jobs"
SLURM_JWT=$token start_service rest --slurm-url "$rest_url"
submit_through_service rest
rest_rate=$service_rate
held=$(wait_active)
from=$(now)
sleep "$window"
to=$(now)
# Each GET /jobs as "<time> <time>" (its start twice: slurmrestd logs no end).
awk -v a="$from" -v b="$to" '$0 ~ /operations_router: .* GET \/slurm\/v0\.0\.38\/jobs$/ && $1 >= a && $1 < b { print $1, $1 }' \
  "$work/rest.log" >"$work/rest.window"
read -r rest_calls rest_polls rest_period _ < <(count_polls "$work/rest.window")
rest_per_poll=$(ratio "$rest_calls" "$rest_polls")
echo "  with $held tasks active: $rest_calls GET /slurm/v0.0.38/jobs in $window s," \
  "$rest_polls polls (one every $rest_period s): $rest_per_poll calls per poll"
stop_service
cancel_all

echo
echo "| $jobs jobs | workflow-manager | baseline (same run) | ratio |"
echo "|---|---|---|---|"
echo "| submitted through the tools, jobs/s | $cli_rate | sbatch loop $sbatch_rate | $(ratio "$cli_rate" "$sbatch_rate") |"
echo "| submitted through slurmrestd, jobs/s | $rest_rate | sbatch loop $sbatch_rate | $(ratio "$rest_rate" "$sbatch_rate") |"
echo "| Slurm calls per poll, $jobs jobs active, tools | $cli_per_poll squeue | | |"
echo "| Slurm calls per poll, $jobs jobs active, slurmrestd | $rest_per_poll GET /jobs | | |"
