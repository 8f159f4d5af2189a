#!/usr/bin/env bash
# Builds duet and runs the two instances in the foreground:
#   cache  deploy/cache.conf  127.0.0.1:6379  allkeys-lru, no persistence
#   queue  deploy/queue.conf  127.0.0.1:6380  noeviction, AOF + RDB under <data dir>/queue
# Their log lines are prefixed "cache | " and "queue | ". Ctrl-C or SIGTERM stops both cleanly
# (the queue fsyncs its AOF and writes its final snapshot); if one of them exits on its own,
# the other is stopped too and the exit status is non-zero.
#
# Usage: scripts/start.sh [options] [--directive value ...]
#        scripts/start.sh status [options]        (same as scripts/status.sh)
#   --only cache|queue   start one instance only
#   --no-build           skip installing packages and building (use an existing binary)
#   --data-dir DIR       data directory (env DUET_DATA_DIR; default ./data): DIR/queue, DIR/cache
#   --env-file FILE      password file (env DUET_ENV_FILE; default ./.env)
#   --cache-port N       (env DUET_CACHE_PORT; default 6379, from deploy/cache.conf)
#   --queue-port N       (env DUET_QUEUE_PORT; default 6380, from deploy/queue.conf)
#   --cache-metrics-port N, --queue-metrics-port N
#                        (env DUET_CACHE_METRICS_PORT / DUET_QUEUE_METRICS_PORT; default off)
#                        Prometheus /metrics and the status page on 127.0.0.1:N
#   --directive value    any other pair is a server directive for the started instance(s),
#                        overriding the config file (e.g. --maxmemory 1gb)
# env DUET_BIN: the duet-server binary (default build/release/duet-server).
#
# Passwords: DUET_CACHE_PASSWORD and DUET_QUEUE_PASSWORD (or the seed deployment's
# REDIS_CACHE_PASSWORD / REDIS_QUEUE_PASSWORD), from the environment or the env file. A missing
# one is generated (40 random characters) and appended to the env file, created with mode
# 0600. They reach the servers on stdin, never on a command line (ps) or in a log.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kit-common.sh
source scripts/kit-common.sh

if [ "${1:-}" = "status" ]; then
  shift
  exec bash scripts/status.sh "$@"
fi

only=""
build=1
directives=()
while (($#)); do
  case "$1" in
    --only)
      only="${2:-}"
      [[ "$only" == cache || "$only" == queue ]] || kit_die "--only takes cache or queue"
      shift 2 ;;
    --no-build) build=0; shift ;;
    --data-dir) DUET_DATA_DIR="$2"; shift 2 ;;
    --env-file) DUET_ENV_FILE="$2"; shift 2 ;;
    --cache-port) DUET_CACHE_PORT="$2"; shift 2 ;;
    --queue-port) DUET_QUEUE_PORT="$2"; shift 2 ;;
    --cache-metrics-port) DUET_CACHE_METRICS_PORT="$2"; shift 2 ;;
    --queue-metrics-port) DUET_QUEUE_METRICS_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*)
      (($# >= 2)) || kit_die "directive $1 needs a value"
      directives+=("$1" "$2"); shift 2 ;;
    *) kit_die "unexpected argument: $1 (see --help)" ;;
  esac
done
kit_defaults

if [ "$build" = 1 ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh release
fi
[ -x "$DUET_BIN" ] || kit_die "no duet-server at $DUET_BIN (build it, or drop --no-build)"

instances=(cache queue)
[ -n "$only" ] && instances=("$only")

kit_ensure_passwords
mkdir -p "$DUET_DATA_DIR/cache" "$DUET_DATA_DIR/queue"
chmod 700 "$DUET_DATA_DIR/queue"

# A dump.rdb without an AOF directory (a restored backup, data from before the AOF was on):
# write the AOF from it first, or the queue would start empty (see kit_aof_from_rdb).
queue_dir="$DUET_DATA_DIR/queue"
if [[ " ${instances[*]} " == *" queue "* && -f "$queue_dir/dump.rdb" &&
      ! -e "$queue_dir/appendonlydir" && " ${directives[*]-} " != *" --appendonly no "* ]]; then
  echo "start: $queue_dir has dump.rdb but no AOF: writing the AOF from it"
  keys=$(kit_aof_from_rdb "$queue_dir" "${directives[@]+"${directives[@]}"}") ||
    kit_die "could not write the AOF from $queue_dir/dump.rdb (see above); the queue is not started"
  if [ -e "$queue_dir/appendonlydir" ]; then
    echo "start: the AOF holds the $keys keys of dump.rdb"
  else
    echo "start: this duet-server writes no AOF yet; the queue persists through dump.rdb"
  fi
fi

declare -A pids=()

# start_instance NAME: the server in its own session (so the terminal's Ctrl-C reaches only
# this script, which then stops each server once, with SIGTERM: a second SIGINT would make a
# server exit without its final save), the password on stdin, the log through a prefixer that
# ignores the signals so the shutdown lines are not lost.
start_instance() {
  local name="$1" port password conf metrics args=()
  conf="deploy/$name.conf"
  port=$(kit_port "$name")
  password=$(kit_password "$name")
  args=("$conf" --port "$port" --dir "$DUET_DATA_DIR/$name")
  if [ "$name" = cache ]; then metrics="${DUET_CACHE_METRICS_PORT:-}"; else metrics="${DUET_QUEUE_METRICS_PORT:-}"; fi
  [ -n "$metrics" ] && args+=(--metrics-port "$metrics")
  args+=("${directives[@]+"${directives[@]}"}" -)
  kit_requirepass_line "$password" |
    setsid "$DUET_BIN" "${args[@]}" \
      > >(trap '' INT TERM HUP; exec sed -u "s/^/$name | /") 2>&1 &
  pids[$name]=$!
  echo "start: $name on 127.0.0.1:$port (pid ${pids[$name]}, dir $DUET_DATA_DIR/$name)"
  if [ -n "$metrics" ]; then
    echo "start: $name status page http://127.0.0.1:$metrics/ (Prometheus: /metrics)"
  fi
}

stopping=0
stop_all() {
  stopping=1
  local name
  for name in "${!pids[@]}"; do
    kill -TERM "${pids[$name]}" 2>/dev/null || true
  done
}
trap 'echo "start: stopping ${!pids[*]}"; stop_all' INT TERM HUP

for name in "${instances[@]}"; do
  start_instance "$name"
done

# Wait until one server exits (or a signal arrives), then stop and reap the rest.
rc=0
while :; do
  set +e
  wait -n "${pids[@]}"
  status=$?
  set -e
  if [ "$stopping" = 1 ]; then break; fi
  # A server exited without being asked to.
  for name in "${!pids[@]}"; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then
      echo "start: $name exited (status $status); stopping the others" >&2
    fi
  done
  rc=1
  stop_all
  break
done
for name in "${!pids[@]}"; do
  set +e
  wait "${pids[$name]}"
  s=$?
  set -e
  if [ "$s" -ne 0 ] && [ "$rc" -eq 0 ] && [ "$stopping" = 1 ]; then
    echo "start: $name exited with status $s" >&2
    rc=$s
  fi
done
echo "start: stopped"
exit "$rc"
