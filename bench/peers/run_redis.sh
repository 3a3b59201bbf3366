#!/usr/bin/env bash
# Starts or stops a private Redis for the peer benchmarks, independent of the
# system's redis-server service: its own config, data, log and pidfile in DIR,
# listening on 127.0.0.1:PORT only, with AOF persistence (appendfsync everysec).
# Uses Debian's /usr/bin/redis-server and redis-cli; installs nothing.
#
# Usage:
#   run_redis.sh start DIR PORT   # start and wait until PING answers
#   run_redis.sh stop DIR         # stop it and wait until it has exited
set -euo pipefail

REDIS_SERVER=/usr/bin/redis-server
REDIS_CLI=/usr/bin/redis-cli
WAIT_S=10

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

die() {
  echo "run_redis.sh: $*" >&2
  exit 1
}

# Prints the pid from DIR's pidfile if that process is a live redis-server.
running_pid() {
  local pidfile=$1/redis.pid pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a stale pidfile whose pid now belongs to another program.
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *redis-server* ]] || return 1
  echo "$pid"
}

pong() {
  [[ $("$REDIS_CLI" -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

start() {
  local dir=$1 port=$2 pid i
  [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -x $REDIS_SERVER && -x $REDIS_CLI ]] ||
    die "$REDIS_SERVER or $REDIS_CLI missing (Debian package redis-server)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)  # redis needs an absolute dir
  if pid=$(running_pid "$dir"); then
    die "already running in $dir (pid $pid)"
  fi
  if pong "$port"; then
    die "something already answers PING on 127.0.0.1:$port"
  fi

  # RDB snapshots are off so that only the AOF does disk work during a run.
  cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly yes
appendfsync everysec
EOF
  rm -f "$dir/redis.pid"
  "$REDIS_SERVER" "$dir/redis.conf" || die "redis-server failed to start, see $dir/redis.log"

  for ((i = 0; i < WAIT_S * 10; i++)); do
    if pong "$port"; then
      echo "redis started: 127.0.0.1:$port dir=$dir pid=$(cat "$dir/redis.pid" 2>/dev/null || echo "?")"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  stop "$dir" >/dev/null 2>&1 || true
  die "redis on port $port did not answer PING within ${WAIT_S}s"
}

stop() {
  local dir=$1 pid i
  if ! pid=$(running_pid "$dir"); then
    echo "redis not running in $dir"
    rm -f "$dir/redis.pid"
    return 0
  fi
  # SIGTERM makes redis flush the AOF and exit cleanly.
  kill -TERM "$pid"
  for ((i = 0; i < WAIT_S * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/redis.pid"
      echo "redis stopped (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
  die "redis (pid $pid) did not exit within ${WAIT_S}s; killed"
}

case ${1:-} in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
