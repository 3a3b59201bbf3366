#!/usr/bin/env bash
# A private Slurm for the tests: its own munge key and socket, state directory, ports, one node
# (this machine) and slurmrestd with JWT authentication. Needs root (Slurm's daemons run as root
# here) and the packages slurmctld slurmd slurm-client munge slurmrestd slurm-wlm-jwt-plugin.
#
# usage: cluster.sh start DIR [MIN_JOB_AGE_SECONDS]   starts it in DIR (emptied first), waits until
#                                                      the node is idle, writes DIR/env (below)
#        cluster.sh stop DIR                          cancels every job, stops the daemons
#        cluster.sh stop-controller DIR               stops slurmctld only (Slurm away)
#        cluster.sh start-controller DIR              starts it again (jobs kept in DIR/state)
#
# DIR/env (for `source`): SLURM_CONF, SLURM_JWT (a token for root), SLURM_REST_URL, SLURM_DIR.
set -euo pipefail

command=${1:?usage: cluster.sh start|stop|stop-controller|start-controller DIR}
dir=$(realpath -m "${2:?usage: cluster.sh $command DIR}")
export SLURM_CONF=$dir/slurm.conf
# With SLURM_JWT set (as after `source DIR/env`), Slurm authenticates by JWT instead of munge, and
# slurmctld refuses to start ("AuthType change requires restart").
unset SLURM_JWT

free_port() {  # a TCP port nothing listens on now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for DESCRIPTION COMMAND...: retries COMMAND for up to 90 s (a loaded machine is slow).
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 900); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "cluster.sh: $what did not happen within 90 s; logs in $dir/log" >&2
  tail -n 20 "$dir"/log/*.log >&2 || true
  return 1
}

node_idle() { [ "$(timeout 2 sinfo -h -o %t 2>/dev/null)" = idle ]; }
node_idle_or_busy() { timeout 2 sinfo -h -o %t 2>/dev/null | grep -Eq '^(idle|mix|alloc)$'; }

start_controller() {
  setsid slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmctld.out" 2>&1 &
  echo $! >"$dir/slurmctld.daemon"
  wait_for "slurmctld answering" timeout 2 scontrol ping
}

stop_pid_file() {  # stop_pid_file FILE: SIGTERM to the process, then waits for it (SIGKILL at 10 s)
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case $command in
start)
  min_job_age=${3:-300}
  rm -rf "$dir"
  mkdir -p "$dir"/{munge,state,spool,log,jobs}
  chmod 755 "$dir" "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  dd if=/dev/urandom of="$dir/state/jwt.key" bs=32 count=1 status=none
  chmod 600 "$dir/state/jwt.key"
  ctld_port=$(free_port); slurmd_port=$(free_port); rest_port=$(free_port)
  cat >"$SLURM_CONF" <<CONF
ClusterName=wfmtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$dir/state/jwt.key
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MinJobAge=$min_job_age
MpiDefault=none
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=16 RealMemory=1000
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  munged -f --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed"
  start_controller
  setsid slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >>"$dir/log/slurmd.out" 2>&1 &
  echo $! >"$dir/slurmd.daemon"
  wait_for "the node becoming idle" node_idle
  SLURM_JWT=daemon SLURMRESTD_SECURITY=disable_user_check setsid slurmrestd -f "$SLURM_CONF" \
    -u root -a rest_auth/jwt -s openapi/v0.0.38 "127.0.0.1:$rest_port" \
    </dev/null >>"$dir/log/slurmrestd.log" 2>&1 &
  echo $! >"$dir/slurmrestd.daemon"
  token=$(scontrol token username=root lifespan=86400 | sed -n 's/^SLURM_JWT=//p')
  wait_for "slurmrestd answering" curl -sf -H "X-SLURM-USER-NAME: root" \
    -H "X-SLURM-USER-TOKEN: $token" "http://127.0.0.1:$rest_port/slurm/v0.0.38/ping"
  cat >"$dir/env" <<ENV
export SLURM_CONF=$SLURM_CONF
export SLURM_JWT=$token
export SLURM_REST_URL=http://127.0.0.1:$rest_port
export SLURM_DIR=$dir
ENV
  ;;
stop)
  [ -f "$SLURM_CONF" ] || exit 0
  timeout 5 scancel -p debug 2>/dev/null || true
  for daemon in slurmrestd slurmd slurmctld; do stop_pid_file "$dir/$daemon.daemon" & done
  wait
  stop_pid_file "$dir/munge/munged.pid"
  ;;
stop-controller)
  stop_pid_file "$dir/slurmctld.daemon"
  ;;
start-controller)
  start_controller
  wait_for "the node answering again" node_idle_or_busy
  ;;
*)
  echo "cluster.sh: unknown command $command" >&2; exit 2
  ;;
esac
