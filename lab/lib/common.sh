# shellcheck shell=bash
# shellcheck disable=SC2034 # settings used by the scripts that source this file
# Shared settings and helpers for lab/up and lab/down. Sourced, never executed.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_STATE="$LAB_ROOT/.lab"            # per-checkout state: env file, logs, CLI login
LAB_LOGS="$LAB_STATE/logs"
LAB_RUN=/run/ecs-release-lab          # sockets and pid files (tmpfs: gone after a reboot)
LAB_DATA=/var/lib/ecs-release-lab     # image store, registry storage (kept unless --purge)

LAB_DOCKER_SOCK="$LAB_RUN/docker.sock"
LAB_DOCKER_PIDFILE="$LAB_RUN/docker.pid"
LAB_DOCKER_EXEC_ROOT="$LAB_RUN/docker-exec"
LAB_DOCKER_DATA_ROOT="$LAB_DATA/docker"

LAB_REGISTRY_PORT="${LAB_REGISTRY_PORT:-5055}"
LAB_REGISTRY_HOST="127.0.0.1:$LAB_REGISTRY_PORT"
LAB_REGISTRY_USER=AWS
LAB_REGISTRY_PIDFILE="$LAB_RUN/registry.pid"
LAB_REGISTRY_DATA="$LAB_DATA/registry"
LAB_REGISTRY_CONF_DIR="$LAB_DATA/registry-conf" # host-wide, like the registry it configures

LAB_PG_STARTED_MARK="$LAB_RUN/postgres.started-by-lab"

# A second registry standing for another account and region (promotion's copy crosses
# registries): own port, own token, its blob reads redirected to "presigned" storage
# that refuses an Authorization header, like ECR's S3 URLs. See docs/lab-infra.md.
LAB_REGISTRY2_PORT="${LAB_REGISTRY2_PORT:-5056}"
LAB_REGISTRY2_HOST="127.0.0.1:$LAB_REGISTRY2_PORT"
LAB_REGISTRY2_PIDFILE="$LAB_RUN/registry2.pid"
LAB_REGISTRY2_DATA="$LAB_DATA/registry2"
LAB_REGISTRY2_REGION=us-west-2
LAB_REGISTRY2_ACCOUNT=444455556666
# another host name than the registry's (127.0.0.0/8 is all loopback), as S3's is ECR's
LAB_STORAGE_PORT="${LAB_STORAGE_PORT:-5057}"
LAB_STORAGE_HOST="127.0.0.2:$LAB_STORAGE_PORT"
LAB_STORAGE_PIDFILE="$LAB_RUN/storage.pid"

LAB_BASE_REPO=lab/base
LAB_BASE_TAG=1

# Debian's 20.10 CLI: it does BuildKit (DOCKER_BUILDKIT=1); /usr/local/bin/docker may not.
LAB_DOCKER_CLI=/usr/bin/docker
# The lab's own CLI login lives here, never in ~/.docker.
LAB_DOCKER_CONFIG="$LAB_STATE/docker-config"

log() { printf '\033[1mlab:\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mlab: warning:\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[1;31mlab: error:\033[0m %s\n' "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts daemons)"
}

# random_token BYTES -> hex string
random_token() { od -An -tx1 -N"${1:-24}" /dev/urandom | tr -d ' \n'; }

# secret_file NAME -> path of a secret generated once per host. The engine, registry and
# PostgreSQL are one per host, so their secrets are too: every checkout's lab/up (a CI
# clone's included) agrees on them instead of rewriting the registry's htpasswd.
LAB_SECRETS="$LAB_DATA/secrets"
secret_file() {
  local f="$LAB_SECRETS/$1"
  if [ ! -s "$f" ]; then
    mkdir -p "$LAB_SECRETS" && chmod 700 "$LAB_SECRETS"
    if [ -s "$LAB_STATE/$1" ]; then
      (umask 077 && cp "$LAB_STATE/$1" "$f") # an older lab kept it per checkout
    else
      (umask 077 && random_token 24 >"$f")
    fi
  fi
  printf '%s' "$f"
}

# proc_running PID -> 0 when PID exists and is not a zombie (PID 1 here may reap late)
proc_running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# pid_alive PIDFILE [COMM] -> 0 when the pid in PIDFILE runs (and its comm matches)
pid_alive() {
  local pidfile=$1 comm=${2:-} pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && proc_running "$pid" || return 1
  if [ -n "$comm" ]; then
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  fi
  return 0
}

# stop_pid PIDFILE COMM [SECONDS]: TERM, wait, then KILL. Only our own pid files.
stop_pid() {
  local pidfile=$1 comm=$2 secs=${3:-20} pid i
  if ! pid_alive "$pidfile" "$comm"; then
    rm -f "$pidfile"
    return 1
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    proc_running "$pid" || break
    sleep 0.1
  done
  if proc_running "$pid"; then
    warn "$comm ($pid) did not stop in ${secs}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$pidfile"
  return 0
}

# docker_ping HOST_URL -> 0 when a Docker engine answers /_ping there
docker_ping() {
  local host=$1
  case "$host" in
  unix://*)
    local sock=${host#unix://}
    [ -S "$sock" ] || return 1
    curl -fsS --max-time 2 --unix-socket "$sock" http://docker/_ping >/dev/null 2>&1
    ;;
  tcp://*)
    curl -fsS --max-time 2 "http://${host#tcp://}/_ping" >/dev/null 2>&1
    ;;
  *) return 1 ;;
  esac
}

# wait_until SECONDS CMD...: poll every 0.1 s
wait_until() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 10; i++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

registry_answers() {
  # distribution answers /v2/ with 401 (auth) and this header
  curl -sS --max-time 2 -o /dev/null -D - "http://${1:-$LAB_REGISTRY_HOST}/v2/" 2>/dev/null |
    grep -qi '^docker-distribution-api-version: registry/2.0'
}

pg_version() {
  # newest installed server major version
  local v
  v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -1)
  printf '%s' "${v:-15}"
}

pg_answers() { pg_isready -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1; }

# elapsed since LAB_T0 (set by the caller to $(date +%s%N))
elapsed() {
  local ms=$((($(date +%s%N) - LAB_T0) / 1000000))
  printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100))
}
