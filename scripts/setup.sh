#!/usr/bin/env bash
# Installs every Debian package that building, running and testing workflow-manager needs, and
# the packages named as arguments (e.g. the benchmarks' peers). Fast when they are all present:
# it only calls apt-get when something is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ make pkg-config
  libboost-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev libsqlitecpp-dev libpqxx-dev postgresql-15 uuid-dev libssl-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libmimalloc-dev
  curl jq sqlite3 procps ccache openssl
  libyaml-cpp-dev tmux python3-yaml  # the wfm CLI reads and writes YAML; its tests use tmux
  chromium  # the web UI's tests drive it headless
  prometheus  # promtool checks GET /metrics in the tests
  awscli  # the Step Functions API's smoke test with the AWS CLI (tests/e2e/sfn_cli.sh)
  slurmctld slurmd slurm-client munge slurmrestd slurm-wlm-jwt-plugin  # a private Slurm (tests/slurm)
  clang libclang-rt-14-dev llvm-14  # the fuzz targets: clang, libFuzzer, llvm-symbolizer
  "$@"
)

# Node.js and npm run a test of the fake AWS Batch with the official JavaScript SDK.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
