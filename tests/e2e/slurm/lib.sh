# Helpers of the Slurm end-to-end scripts (tests/e2e/slurm*.sh), sourced after tests/e2e/lib.sh
# with SOURCE_DIR set: private Slurm clusters under $WORK (tests/slurm/cluster.sh), stopped at
# exit; Slurm's tools with a bound; bounded polling; checks that record a failure and go on (so one
# run shows every failing check), summed up by finish.

CLUSTER_SH="$SOURCE_DIR/tests/slurm/cluster.sh"
SLURM_CLUSTERS=()
SOFT_FAILURES=()

# Without root or Slurm's packages the script is skipped (exit 77, ctest's SKIP_RETURN_CODE).
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root (the private Slurm's daemons run as root)"; exit 77; fi
for tool in slurmctld slurmd slurmrestd munged sbatch squeue scancel scontrol sinfo; do
  command -v "$tool" >/dev/null ||
    { echo "SKIP: $tool is not installed (scripts/setup.sh installs Slurm)"; exit 77; }
done

# At exit: the services first, then every cluster (a stopped controller is started again so that
# `stop` cancels the jobs still running), then lib.sh's cleanup.
slurm_cleanup() {
  local rc=$? dir
  for name in "${!PIDS[@]}"; do kill -9 "${PIDS[$name]}" 2>/dev/null || true; done
  for dir in "${SLURM_CLUSTERS[@]}"; do
    if ! SLURM_CONF=$dir/slurm.conf timeout 3 scontrol ping >/dev/null 2>&1; then
      bash "$CLUSTER_SH" start-controller "$dir" >/dev/null 2>&1 || true
    fi
    bash "$CLUSTER_SH" stop "$dir" >/dev/null 2>&1 || true
  done
  cleanup
  exit "$rc"
}
trap slurm_cleanup EXIT

# start_cluster DIR [MIN_JOB_AGE]: starts a private Slurm in DIR and uses it (use_cluster).
start_cluster() {
  SLURM_CLUSTERS+=("$1")
  bash "$CLUSTER_SH" start "$1" "${2:-300}" >"$WORK/cluster-${1##*/}.log" 2>&1 ||
    fail "cluster.sh start $1 failed: $(tail -n 20 "$WORK/cluster-${1##*/}.log")"
  use_cluster "$1"
  pass "a private Slurm started in $1 (MinJobAge ${2:-300})"
}

# use_cluster DIR: exports its SLURM_CONF, sets SLURM_REST_URL, SLURM_DIR and TOKEN (its JWT).
# SLURM_JWT stays out of the environment (the tools would authenticate by JWT; the service would
# take it for its token): give it to a command explicitly.
use_cluster() {
  source "$1/env"
  TOKEN=$SLURM_JWT
  unset SLURM_JWT
}

stop_controller() { bash "$CLUSTER_SH" stop-controller "$SLURM_DIR" >>"$WORK/cluster-ctl.log" 2>&1; }
start_controller() {
  bash "$CLUSTER_SH" start-controller "$SLURM_DIR" >>"$WORK/cluster-ctl.log" 2>&1 ||
    fail "slurmctld did not start again"
}

# sq ARGS...: squeue, at most 15 s (it hangs while slurmctld is away); errors to /dev/null.
sq() { timeout 15 squeue "$@" 2>/dev/null; }
# slurm_state ID: Slurm's state of job ID (COMPLETED, CANCELLED, ...), empty once Slurm forgot it.
slurm_state() { sq -h -t all -j "$1" -o %T || true; }
# slurm_ids_named NAME: the ids of the Slurm jobs named NAME (any state), one a line.
slurm_ids_named() { sq -h -t all --name="$1" -o %i || true; }

# wait_until DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; fails
# after SECONDS (a bound, never a timing assertion).
wait_until() {
  local what=$1 seconds=$2; shift 2
  local i
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "$what did not happen within $seconds s"
}

# check DESCRIPTION COMMAND...: passes, or records the failure and goes on.
check() {
  local what=$1; shift
  if "$@"; then pass "$what"; else echo "FAIL: $what" >&2; SOFT_FAILURES+=("$what"); fi
}
# check_jq DESCRIPTION FILE FILTER [jq args...]: check that the filter holds for the JSON in FILE
# (printing the file when it does not).
check_jq() {
  local what=$1 file=$2 filter=$3; shift 3
  if jq -e "$@" "$filter" "$file" >/dev/null 2>&1; then
    pass "$what"
  else
    echo "FAIL: $what: $filter does not hold for $(head -c 3000 "$file")" >&2
    SOFT_FAILURES+=("$what")
  fi
}
# finish: fails when a check failed, else prints the count.
finish() {
  if [ ${#SOFT_FAILURES[@]} -gt 0 ]; then
    printf 'FAILED CHECK: %s\n' "${SOFT_FAILURES[@]}" >&2
    fail "${#SOFT_FAILURES[@]} check(s) failed, $CHECKS passed"
  fi
  echo "$CHECKS passed, 0 failed"
}

# health_says_slurm_away: GET /_health answers 503, its executor unavailable with a message naming
# Slurm.
health_says_slurm_away() {
  call GET /_health >"$WORK/health.json"
  [ "$(cat "$WORK/status")" = 503 ] &&
    jq -e '.status == "unavailable" and .executor.status == "unavailable" and
           (.executor.message | test("slurm"; "i"))' "$WORK/health.json" >/dev/null
}
health_ok() { call GET /_health >"$WORK/health.json" && [ "$(cat "$WORK/status")" = 200 ]; }

# create_workflow NAME RESOURCE: a workflow of one Task state running RESOURCE.
create_workflow() {
  call POST /workflows -d "{\"name\": \"$1\", \"startAt\": \"s\", \"states\": [{\"name\": \"s\", \"type\": \"Task\", \"resource\": \"$2\", \"end\": true}]}" >/dev/null
  expect_status 201 "create workflow $1 ($2)"
}
# start_job WORKFLOW [DATA]: starts a job, prints its id.
start_job() {
  call POST /jobs -d "{\"workflow\": {\"name\": \"$1\"}, \"data\": ${2:-[]}}" | jq -r .id
  [ "$(cat "$WORK/status")" = 200 ] || fail "POST /jobs for $1: $(cat "$WORK/body")"
}
# job_json ID FILE: GET /jobs/ID into FILE.
job_json() { call GET "/jobs/$1" >"$2"; }
