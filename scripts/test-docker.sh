#!/usr/bin/env bash
# Tests the Dockerfile and compose.yaml for real: installs docker.io, docker-compose and
# mmdebstrap (apt-get) when missing, starts dockerd when none runs (and stops it after),
# builds the debian:bookworm base image from the Debian archive when it is missing (no
# registry is needed: mmdebstrap --variant=minbase | docker import; the same image is tagged
# debian:bookworm-slim when that is missing, minbase being what slim is, less the docs), then
# `compose up -d --build` both services under a throwaway project name, free ports and a
# temporary env file (the repository's .env is not read), waits for the healthchecks, runs the
# seed deployment's commands through `compose exec` (ping, INFO memory/stats/persistence,
# SLOWLOG GET 10, LASTSAVE, a wrong password), checks that the server runs as a non-root user
# with its password in no command line, environment, log or `docker inspect` output, scrapes
# both services' /metrics and the status page from the host (the BullMQ queue depth too),
# restarts the queue service and
# checks its data survived, backs the queue up from its volume and restores it there with
# scripts/backup-queue.sh / restore-queue.sh (when the host has a build of duet-server), and
# tears everything down (containers, network, volume).
# Usage: scripts/test-docker.sh   (as root, or a user allowed to run apt-get/docker via sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

step() { echo "test-docker: $* ($((SECONDS - started)) s)"; }
fail() {
  echo "test-docker: FAILED: $*" >&2
  exit 1
}

dk() { ${SUDO:+sudo} docker "$@"; }
# No container engine can run on this machine (e.g. inside an unprivileged container): a
# failure, unless the caller (scripts/test.sh) accepts that and wants it said loudly.
no_engine() {
  if [ "${DUET_DOCKER_ENGINE_OPTIONAL:-0}" = 1 ]; then
    echo "test-docker: SKIPPED, no container engine can run here: $*" >&2
    [ -n "${dockerd_pid:-}" ] && { $SUDO kill "$dockerd_pid" 2>/dev/null || true; }
    exit 0
  fi
  fail "$@"
}

# 1. Packages.
missing=()
for p in docker.io docker-compose mmdebstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# 2. A docker daemon.
dockerd_pid=""
work=$(mktemp -d /tmp/duet-docker-test.XXXXXX)
if ! dk info >/dev/null 2>&1; then
  step "starting dockerd"
  $SUDO dockerd > "$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do
    dk info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || no_engine "dockerd exited: $(tail -n 5 "$work/dockerd.log")"
    sleep 0.5
  done
  dk info >/dev/null 2>&1 || no_engine "dockerd did not come up"
fi

# 3. Base images.
if ! dk image inspect debian:bookworm >/dev/null 2>&1; then
  step "building debian:bookworm from the Debian archive (mmdebstrap)"
  $SUDO mmdebstrap --variant=minbase bookworm - 2> "$work/mmdebstrap.log" |
    dk import - debian:bookworm >/dev/null || fail "mmdebstrap: $(tail -n 5 "$work/mmdebstrap.log")"
fi
if ! dk image inspect debian:bookworm-slim >/dev/null 2>&1; then
  dk tag debian:bookworm debian:bookworm-slim
fi

# 4. Compose: the plugin (docker compose) when present, else Debian's docker-compose.
if dk compose version >/dev/null 2>&1; then
  compose_cmd=(dk compose)
else
  compose_cmd=(docker-compose)
  [ -n "$SUDO" ] && compose_cmd=(sudo docker-compose)
fi
project="duettest$$"
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cache_pw=$(openssl rand -hex 20)
queue_pw=$(openssl rand -hex 20)
cache_port=${DUET_DOCKER_CACHE_PORT:-$(free_port)}
queue_port=${DUET_DOCKER_QUEUE_PORT:-$(free_port)}
cache_metrics_port=$(free_port)
queue_metrics_port=$(free_port)
# As start.sh writes .env (0600); DUET_ENV_FILE: the file compose.yaml mounts as the secret.
# The queue's password in the seed's quoted REDIS_ form: the entrypoint reads that too.
(umask 077 && cat > "$work/env" <<EOF
DUET_CACHE_PASSWORD=$cache_pw
REDIS_QUEUE_PASSWORD="$queue_pw"
DUET_CACHE_PORT=$cache_port
DUET_QUEUE_PORT=$queue_port
DUET_CACHE_METRICS_PORT=$cache_metrics_port
DUET_QUEUE_METRICS_PORT=$queue_metrics_port
DUET_ENV_FILE=$work/env
EOF
)
compose() {
  "${compose_cmd[@]}" --project-name "$project" --project-directory "$PWD" \
    --env-file "$work/env" -f compose.yaml "$@"
}
cleanup() {
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  if [ -n "$dockerd_pid" ]; then
    $SUDO kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 5. Up, healthy.
step "compose up -d --build (${compose_cmd[*]})"
compose up -d --build > "$work/up.log" 2>&1 || fail "compose up: $(tail -n 20 "$work/up.log")"
wait_healthy() {
  local service="$1" id state
  id=$(compose ps -q "$service")
  [ -n "$id" ] || fail "no container for $service"
  for _ in $(seq 1 120); do
    state=$(dk inspect -f '{{.State.Health.Status}}' "$id")
    [ "$state" = healthy ] && return 0
    sleep 1
  done
  compose logs "$service" | tail -n 20
  fail "$service is $state, not healthy"
}
wait_healthy redis-cache
wait_healthy redis-queue
step "both services healthy"

# 6. The seed's commands.
expect() {  # expect WHAT PATTERN OUTPUT
  grep -q -- "$2" <<< "$3" || fail "$1: expected /$2/, got: $(head -c 300 <<< "$3")"
}
cli() {  # cli SERVICE PASSWORD ARGS...: as the seed runs it
  local service="$1" pw="$2"
  shift 2
  compose exec -T "$service" redis-cli -a "$pw" "$@" 2>/dev/null | tr -d '\r'
}
for s in "redis-cache $cache_pw" "redis-queue $queue_pw"; do
  read -r service pw <<< "$s"
  expect "$service ping" '^PONG$' "$(cli "$service" "$pw" ping)"
  expect "$service INFO memory" '^used_memory_human:' "$(cli "$service" "$pw" INFO memory)"
  expect "$service INFO stats" '^evicted_keys:0$' "$(cli "$service" "$pw" INFO stats)"
  expect "$service SLOWLOG GET 10" '' "$(cli "$service" "$pw" SLOWLOG GET 10)"
  expect "$service LASTSAVE" '^[0-9][0-9]*$' "$(cli "$service" "$pw" LASTSAVE)"
  expect "$service wrong password" '^NOAUTH Authentication required.$' "$(cli "$service" wrong-password ping)"
  expect "$service server's user" '^999$' \
    "$(compose exec -T "$service" awk '/^Uid:/ {print $2}' /proc/1/status | tr -d '\r')"
  if dk inspect "$(compose ps -q "$service")" | grep -qF "$pw"; then
    fail "$service: the password is in docker inspect's output"
  fi
  # As the server's user: reading another user's environ takes CAP_SYS_PTRACE.
  procs=$(compose exec -T -u 999 "$service" sh -c 'cat /proc/[0-9]*/cmdline /proc/1/environ' |
    tr '\0' '\n')
  expect "$service runs duet-server as PID 1" 'duet-server' "$procs"
  if grep -qF "$pw" <<< "$procs"; then
    fail "$service: the password is in a command line or the server's environment"
  fi
done
expect "cache policy" '^allkeys-lru$' "$(cli redis-cache "$cache_pw" CONFIG GET maxmemory-policy)"
expect "queue policy" '^noeviction$' "$(cli redis-queue "$queue_pw" CONFIG GET maxmemory-policy)"
expect "queue AOF" '^aof_enabled:1$' "$(cli redis-queue "$queue_pw" INFO persistence)"
expect "cache from the host" '^PONG$' "$(REDISCLI_AUTH=$cache_pw redis-cli --no-auth-warning -p "$cache_port" ping | tr -d '\r')"
expect "queue from the host" '^PONG$' "$(REDISCLI_AUTH=$queue_pw redis-cli --no-auth-warning -p "$queue_port" ping | tr -d '\r')"
metrics() { curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics"; }
expect "cache metrics" '^duet_up 1$' "$(metrics "$cache_metrics_port")"
expect "queue metrics" '^duet_aof_enabled 1$' "$(metrics "$queue_metrics_port")"
expect "status page" '<html' "$(curl -fsS --max-time 5 "http://127.0.0.1:$queue_metrics_port/")"
limits=$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' "$(compose ps -q redis-queue)")
[ "$limits" = "402653184 2000000000" ] || fail "deploy.resources.limits not applied: $limits"
step "seed commands passed"

# 7. Queue data survives a restart of its service (SIGTERM, final save, named volume).
expect "RPUSH" '^3$' "$(cli redis-queue "$queue_pw" RPUSH bull:email:wait 1 2 3)"
# The queue's depth on its metrics port (queues are discovered from keys while scraped).
depth='duet_bullmq_jobs{db="0",prefix="bull",queue="email",state="wait"} 3'
for _ in $(seq 1 50); do
  metrics "$queue_metrics_port" | grep -qxF "$depth" && break
  sleep 0.2
done
expect "queue depth metric" "$depth" "$(metrics "$queue_metrics_port")"
compose restart redis-queue >/dev/null 2>&1 || fail "compose restart redis-queue"
wait_healthy redis-queue
expect "queue data after restart" '^3$' "$(cli redis-queue "$queue_pw" LLEN bull:email:wait)"
logs=$(compose logs --no-color 2>&1)
expect "queue log" 'DB saved on disk' "$logs"
if grep -qF -e "$cache_pw" -e "$queue_pw" <<< "$logs"; then fail "a password is in the logs"; fi
step "queue data survived a restart"

# 8. Backup from the volume and restore into it (scripts/backup-queue.sh --queue-dir), with a
# host build of duet-server for the verification load.
if [ -x build/release/duet-server ]; then
  mount=$(dk volume inspect -f '{{.Mountpoint}}' "${project}_queue-data")
  kit_env=(env DUET_ENV_FILE="$work/env" DUET_BACKUP_DIR="$work/backups" DUET_QUEUE_PORT="$queue_port")
  out=$("${kit_env[@]}" bash scripts/backup-queue.sh --queue-dir "$mount" 2>&1) ||
    fail "backup-queue.sh: $out"
  expect "RPUSH after the backup" '^4$' "$(cli redis-queue "$queue_pw" RPUSH bull:email:wait 4)"
  compose stop redis-queue >/dev/null 2>&1
  out=$("${kit_env[@]}" bash scripts/restore-queue.sh latest --queue-dir "$mount" 2>&1) ||
    fail "restore-queue.sh: $out"
  expect "restored files' owner" '^999$' "$(stat -c %u "$mount/dump.rdb")"
  compose start redis-queue >/dev/null 2>&1
  wait_healthy redis-queue
  expect "queue data after the restore" '^3$' "$(cli redis-queue "$queue_pw" LLEN bull:email:wait)"
  step "backup from the volume and restore into it"
else
  step "note: no build/release/duet-server on the host: backup/restore through the volume skipped"
fi

step "passed"
