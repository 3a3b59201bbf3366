# What run_redis.sh and run_nginx.sh share: a daemon of theirs, known by the pidfile in its DIR.
# Sourced; the caller sets NAME (for messages) and WAIT_S (seconds to wait for a start or stop).

die() {
  echo "run_$NAME.sh: $*" >&2
  exit 1
}

# running_pid PIDFILE PROGRAM: prints the pid in PIDFILE if that process is a live PROGRAM.
running_pid() {
  local pidfile=$1 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a stale pidfile whose pid now belongs to another program.
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"$2"* ]] || return 1
  echo "$pid"
}

# await COMMAND...: true once COMMAND succeeds, false after WAIT_S seconds of trying.
await() {
  local i
  for ((i = 0; i < WAIT_S * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# stop_daemon PIDFILE PROGRAM SIGNAL: sends SIGNAL to the daemon and waits until it has exited
# (then SIGKILL, to it and its children, and an error).
stop_daemon() {
  local pidfile=$1 pid
  if ! pid=$(running_pid "$pidfile" "$2"); then
    echo "$NAME not running"
    rm -f "$pidfile"
    return 0
  fi
  kill "-$3" "$pid"
  if await eval "! kill -0 $pid 2>/dev/null"; then
    rm -f "$pidfile"
    echo "$NAME stopped (pid $pid)"
    return 0
  fi
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  die "$NAME (pid $pid) did not exit within ${WAIT_S}s; killed"
}
