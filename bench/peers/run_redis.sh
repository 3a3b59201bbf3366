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

NAME=redis
# shellcheck source=bench/peers/daemon_lib.sh
source "$(dirname "$0")/daemon_lib.sh"

usage() {
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
}

pong() {
  [[ $("$REDIS_CLI" -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

start() {
  local dir=$1 port=$2 pid
  [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -x $REDIS_SERVER && -x $REDIS_CLI ]] ||
    die "$REDIS_SERVER or $REDIS_CLI missing (Debian package redis-server)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)  # redis needs an absolute dir
  if pid=$(running_pid "$dir/redis.pid" redis-server); then
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

  if await pong "$port"; then
    echo "redis started: 127.0.0.1:$port dir=$dir pid=$(cat "$dir/redis.pid" 2>/dev/null || echo "?")"
    return 0
  fi
  tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
  stop "$dir" >/dev/null 2>&1 || true
  die "redis on port $port did not answer PING within ${WAIT_S}s"
}

# SIGTERM makes redis flush the AOF and exit cleanly.
stop() { stop_daemon "$1/redis.pid" redis-server TERM; }

case ${1:-} in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
