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

usage() {
  echo "usage: $0 start DIR PORT FILE | stop DIR" >&2
  exit 2
}

die() {
  echo "run_nginx.sh: $*" >&2
  exit 1
}

# Prints the master's pid from DIR's pidfile if that process is a live nginx.
running_pid() {
  local pidfile=$1/nginx.pid pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a stale pidfile whose pid now belongs to another program.
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *nginx* ]] || return 1
  echo "$pid"
}

http_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/job.json" || true
}

start() {
  local dir=$1 port=$2 file=$3 pid i user_line=
  [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -x $NGINX ]] || die "$NGINX missing (Debian package nginx)"
  [[ -f $file && -r $file ]] || die "FILE '$file' is not a readable file"
  command -v curl >/dev/null || die "curl is needed to check that nginx is up"
  mkdir -p "$dir/tmp"
  dir=$(cd "$dir" && pwd)
  file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
  if pid=$(running_pid "$dir"); then
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

  for ((i = 0; i < WAIT_S * 10; i++)); do
    if [[ $(http_code "$port") == 200 ]]; then
      echo "nginx started: http://127.0.0.1:$port/job.json -> $file pid=$(<"$dir/nginx.pid")"
      return 0
    fi
    sleep 0.1
  done
  tail -n 20 "$dir/error.log" >&2 2>/dev/null || true
  stop "$dir" >/dev/null 2>&1 || true
  die "nginx on port $port did not serve /job.json with 200 within ${WAIT_S}s"
}

stop() {
  local dir=$1 pid i
  if ! pid=$(running_pid "$dir"); then
    echo "nginx not running in $dir"
    rm -f "$dir/nginx.pid"
    return 0
  fi
  # SIGQUIT: graceful shutdown; the master exits after its workers have.
  kill -QUIT "$pid"
  for ((i = 0; i < WAIT_S * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$dir/nginx.pid"
      echo "nginx stopped (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  pkill -KILL -P "$pid" 2>/dev/null || true  # its workers
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/nginx.pid"
  die "nginx (pid $pid) did not exit within ${WAIT_S}s; killed"
}

case ${1:-} in
  start) [[ $# -eq 4 ]] || usage; start "$2" "$3" "$4" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
