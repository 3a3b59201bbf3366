#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests: initdb into DIR as an unprivileged user,
# listening only on 127.0.0.1 on a free port, with a database "wfm" for user "wfm" (trust auth).
#   postgres_server.sh start DIR   writes the connection URL to DIR/url (PG_FSYNC=on: durable
#                                  commits, as in production; default off, for test speed)
#   postgres_server.sh stop DIR    stops it and removes DIR
#   postgres_server.sh restart-stop DIR / restart-start DIR: stop it, and start it again on the
#   same port with its data (to test an outage)
# Fails with a clear message when it can't; it never falls back to another server.
set -euo pipefail

action=${1:?usage: postgres_server.sh start|stop|restart-stop|restart-start DIR}
dir=${2:?usage: postgres_server.sh start|stop|restart DIR}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "postgres_server: PostgreSQL 15 is not installed ($bin/initdb missing); run scripts/setup.sh" >&2; exit 1; }

# Runs a command as the server's owner: root may not run PostgreSQL, so it uses 'postgres'.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_ctl_start PORT: starts the server; returns non-zero if it did not come up.
pg_ctl_start() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" >/dev/null
}

fail_with_log() {
  echo "postgres_server: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2
  exit 1
}

# A port below Linux's ephemeral range (32768-60999) that nothing listens on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "postgres_server: no free port found" >&2
  return 1
}

case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U wfm -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { echo "postgres_server: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5; do  # a port can be taken between the probe and the bind
      port=$(free_port)
      pg_ctl_start "$port" && break
      [ "$attempt" -eq 5 ] && fail_with_log
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U wfm wfm
    echo "$port" >"$dir/port"
    echo "postgresql://wfm@127.0.0.1:$port/wfm" >"$dir/url"
    echo "postgres_server: started on 127.0.0.1:$port ($dir)"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  restart-stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  restart-start)
    pg_ctl_start "$(cat "$dir/port")" || fail_with_log
    ;;
  *)
    echo "usage: postgres_server.sh start|stop|restart-stop|restart-start DIR" >&2
    exit 2
    ;;
esac
