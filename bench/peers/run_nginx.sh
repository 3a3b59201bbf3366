#!/usr/bin/env bash
# Starts or stops a private nginx for the peer benchmarks that serves one file
# at http://127.0.0.1:PORT/job.json (as application/json, keepalive on, no
# access log). It uses Debian's /usr/sbin/nginx with its own nginx.conf in DIR
# (no system config); pidfile, error log and temp paths all live in DIR.
# Works as root (workers run as root so they can read FILE wherever it is)
# and as an ordinary user (then PORT must be >= 1024).
#
# Usage:
#   run_nginx.sh start DIR PORT FILE   # start and wait until /job.json gives 200
#   run_nginx.sh stop DIR              # stop it and wait until it has exited
set -euo pipefail

NGINX=/usr/sbin/nginx
WAIT_S=10

NAME=nginx
# shellcheck source=bench/peers/daemon_lib.sh
source "$(dirname "$0")/daemon_lib.sh"

usage() {
  echo "usage: $0 start DIR PORT FILE | stop DIR" >&2
  exit 2
}

http_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/job.json" || true
}

serves() { [[ $(http_code "$1") == 200 ]]; }

start() {
  local dir=$1 port=$2 file=$3 pid user_line=
  [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -x $NGINX ]] || die "$NGINX missing (Debian package nginx)"
  [[ -f $file && -r $file ]] || die "FILE '$file' is not a readable file"
  command -v curl >/dev/null || die "curl is needed to check that nginx is up"
  mkdir -p "$dir/tmp"
  dir=$(cd "$dir" && pwd)
  file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
  if pid=$(running_pid "$dir/nginx.pid" nginx); then
    die "already running in $dir (pid $pid)"
  fi
  if [[ $(http_code "$port") != 000 ]]; then
    die "something already answers HTTP on 127.0.0.1:$port"
  fi

  # Without "user", a root master runs its workers as nobody, who may not be
  # able to read FILE; for a non-root master the directive would be ignored.
  if [[ $(id -u) -eq 0 ]]; then
    user_line="user root;"
  fi

  cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    default_type application/json;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;

    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;

    server {
        listen 127.0.0.1:$port;
        server_name localhost;

        location = /job.json {
            alias $file;
        }
        location / {
            return 404;
        }
    }
}
EOF
  rm -f "$dir/nginx.pid"
  # -e keeps nginx from opening the compiled-in /var/log/nginx/error.log.
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -t -q ||
    die "config test failed for $dir/nginx.conf"
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" ||
    die "nginx failed to start, see $dir/error.log"

  if await serves "$port"; then
    echo "nginx started: http://127.0.0.1:$port/job.json -> $file pid=$(<"$dir/nginx.pid")"
    return 0
  fi
  tail -n 20 "$dir/error.log" >&2 2>/dev/null || true
  stop "$dir" >/dev/null 2>&1 || true
  die "nginx on port $port did not serve /job.json with 200 within ${WAIT_S}s"
}

# SIGQUIT: graceful shutdown; the master exits after its workers have.
stop() { stop_daemon "$1/nginx.pid" nginx QUIT; }

case ${1:-} in
  start) [[ $# -eq 4 ]] || usage; start "$2" "$3" "$4" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
