#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests: initdb as an unprivileged user into a fresh
# directory under /tmp, listening only on 127.0.0.1 on a free port, with a database "wfm" for user
# "wfm" (trust auth).
#   postgres_server.sh start DIR          writes the connection URL to DIR/url (PG_FSYNC=on:
#                                         durable commits, as in production; default off)
#   postgres_server.sh stop DIR           stops it and removes its files
#   postgres_server.sh restart-stop DIR   stops it, keeping its data (to test an outage)
#   postgres_server.sh restart-start DIR  starts it again on the same port
# DIR keeps only url, port and the path of the server's own directory (which the unprivileged
# user must be able to reach, whatever the permissions above DIR). Fails with a clear message when
# it can't start; it never falls back to another server.
set -euo pipefail

action=${1:?usage: postgres_server.sh start|stop|restart-stop|restart-start DIR}
dir=${2:?usage: postgres_server.sh start|stop|restart-stop|restart-start DIR}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || {
  echo "postgres_server: PostgreSQL 15 is not installed ($bin/initdb missing); run scripts/setup.sh" >&2
  exit 1
}

# Runs a command as the server's owner: root may not run PostgreSQL, so it uses 'postgres'.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_ctl_start SERVER_DIR PORT: starts the server; returns non-zero if it did not come up.
pg_ctl_start() {
  as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start \
    -o "-p $2 -k $1 -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
    >/dev/null
}

fail_with_log() {
  echo "postgres_server: the server did not start; its log:" >&2
  cat "$1/server.log" >&2
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

server_dir() { cat "$dir/server_dir" 2>/dev/null || echo "$dir"; }

case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    server=$(mktemp -d /tmp/wfm-pg.XXXXXX)
    chmod 755 "$server"
    [ "$(id -u)" -eq 0 ] && chown postgres "$server"
    echo "$server" >"$dir/server_dir"
    as_owner "$bin/initdb" -D "$server/data" -U wfm -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { echo "postgres_server: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5; do  # a port can be taken between the probe and the bind
      port=$(free_port)
      pg_ctl_start "$server" "$port" && break
      [ "$attempt" -eq 5 ] && fail_with_log "$server"
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U wfm wfm
    echo "$port" >"$dir/port"
    echo "postgresql://wfm@127.0.0.1:$port/wfm" >"$dir/url"
    echo "postgres_server: started on 127.0.0.1:$port ($server)"
    ;;
  stop)
    server=$(server_dir)
    [ -d "$server/data" ] && as_owner "$bin/pg_ctl" -D "$server/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$server" "$dir"
    ;;
  restart-stop)
    as_owner "$bin/pg_ctl" -D "$(server_dir)/data" -m fast -w stop >/dev/null
    ;;
  restart-start)
    pg_ctl_start "$(server_dir)" "$(cat "$dir/port")" || fail_with_log "$(server_dir)"
    ;;
  *)
    echo "usage: postgres_server.sh start|stop|restart-stop|restart-start DIR" >&2
    exit 2
    ;;
esac
