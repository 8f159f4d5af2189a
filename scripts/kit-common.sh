# shellcheck shell=bash
# Shared by scripts/start.sh, status.sh, backup-queue.sh and restore-queue.sh (sourced, from
# the repository root): defaults, ports and passwords of the two instances.
# Passwords are read from the environment first (DUET_<NAME>_PASSWORD, then the seed's
# REDIS_<NAME>_PASSWORD), then from the env file (same order); they are never exported and
# never put on a command line: redis-cli gets them through REDISCLI_AUTH, the server on stdin.

kit_die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

kit_defaults() {
  DUET_DATA_DIR="${DUET_DATA_DIR:-$PWD/data}"
  DUET_ENV_FILE="${DUET_ENV_FILE:-$PWD/.env}"
  if [ -z "${DUET_BIN:-}" ]; then
    DUET_BIN="$PWD/build/release/duet-server"
    # A native install (docs/deploy.md) has no build tree.
    if [ ! -x "$DUET_BIN" ] && command -v duet-server >/dev/null; then
      DUET_BIN=$(command -v duet-server)
    fi
  fi
  DUET_CACHE_PORT="${DUET_CACHE_PORT:-6379}"
  DUET_QUEUE_PORT="${DUET_QUEUE_PORT:-6380}"
  case "$DUET_DATA_DIR" in /*) ;; *) DUET_DATA_DIR="$PWD/$DUET_DATA_DIR" ;; esac
}

# kit_port cache|queue
kit_port() {
  if [ "$1" = cache ]; then echo "$DUET_CACHE_PORT"; else echo "$DUET_QUEUE_PORT"; fi
}

# kit_env_file_get KEY: the last KEY=value in the env file, surrounding quotes removed.
kit_env_file_get() {
  [ -r "$DUET_ENV_FILE" ] || return 0
  local line value
  line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$1=" "$DUET_ENV_FILE" | tail -n 1) || true
  [ -n "$line" ] || return 0
  value="${line#*=}"
  value="${value%$'\r'}"
  if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
    value="${BASH_REMATCH[1]}"
  fi
  printf '%s' "$value"
}

# kit_password cache|queue: the instance's password, or nothing when none is set.
kit_password() {
  local upper var value
  upper=$(echo "$1" | tr '[:lower:]' '[:upper:]')
  for var in "DUET_${upper}_PASSWORD" "REDIS_${upper}_PASSWORD"; do
    value="${!var:-}"
    if [ -n "$value" ]; then printf '%s' "$value"; return 0; fi
  done
  for var in "DUET_${upper}_PASSWORD" "REDIS_${upper}_PASSWORD"; do
    value=$(kit_env_file_get "$var")
    if [ -n "$value" ]; then printf '%s' "$value"; return 0; fi
  done
}

kit_generate_password() {
  local p=""
  while [ "${#p}" -lt 40 ]; do
    p="$p$(openssl rand -base64 48 | tr -d '/+=\n')"
  done
  printf '%s' "${p:0:40}"
}

# Generates the missing passwords into the env file (created 0600), warns about weak or
# shared ones.
kit_ensure_passwords() {
  local name upper pw cache_pw queue_pw
  for name in cache queue; do
    if [ -z "$(kit_password "$name")" ]; then
      upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
      (
        umask 077
        line="DUET_${upper}_PASSWORD=$(kit_generate_password)"
        if grep -qE "^DUET_${upper}_PASSWORD=[[:space:]]*$" "$DUET_ENV_FILE" 2>/dev/null; then
          # The empty line of .env.example: fill it in place.
          sed -i -E "s/^DUET_${upper}_PASSWORD=[[:space:]]*$/$line/" "$DUET_ENV_FILE"
        else
          if [ -s "$DUET_ENV_FILE" ] && [ -n "$(tail -c 1 "$DUET_ENV_FILE")" ]; then
            echo >> "$DUET_ENV_FILE"
          fi
          echo "$line" >> "$DUET_ENV_FILE"
        fi
      )
      chmod 600 "$DUET_ENV_FILE"
      echo "$(basename "$0"): generated DUET_${upper}_PASSWORD in $DUET_ENV_FILE"
    fi
  done
  if [ -f "$DUET_ENV_FILE" ] && [ -n "$(find "$DUET_ENV_FILE" -perm /077)" ]; then
    echo "$(basename "$0"): warning: $DUET_ENV_FILE is readable by others (chmod 600 it)" >&2
  fi
  cache_pw=$(kit_password cache)
  queue_pw=$(kit_password queue)
  for name in cache queue; do
    pw=$(kit_password "$name")
    if [ "${#pw}" -lt 32 ]; then
      echo "$(basename "$0"): warning: the $name password is shorter than 32 characters" >&2
    fi
  done
  if [ "$cache_pw" = "$queue_pw" ]; then
    echo "$(basename "$0"): warning: the cache and queue passwords are the same" >&2
  fi
}

# kit_requirepass_line PASSWORD: the config line, quoted as the config parser reads it.
kit_requirepass_line() {
  local p="$1"
  p="${p//\\/\\\\}"
  p="${p//\"/\\\"}"
  printf 'requirepass "%s"\n' "$p"
}

# kit_cli cache|queue ARGS...: redis-cli against the instance, authenticated.
kit_cli() {
  local name="$1"
  shift
  REDISCLI_AUTH="$(kit_password "$name")" redis-cli --no-auth-warning -h 127.0.0.1 \
    -p "$(kit_port "$name")" "$@"
}

# kit_free_port: a free loopback port (DUET_SCRATCH_PORT when set).
kit_free_port() {
  if [ -n "${DUET_SCRATCH_PORT:-}" ]; then echo "$DUET_SCRATCH_PORT"; return; fi
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# kit_scratch_start LOG [CONFIG] ARGS...: a throwaway duet-server on a free loopback port with
# a random password (on stdin), output to LOG. Sets SCRATCH_PID, SCRATCH_PORT, SCRATCH_PW.
# Returns 0 once it answers PING, 1 if it exited (or did not answer within 60 s).
kit_scratch_start() {
  local log="$1"
  shift
  SCRATCH_PORT=$(kit_free_port)
  SCRATCH_PW=$(kit_generate_password)
  kit_requirepass_line "$SCRATCH_PW" |
    "$DUET_BIN" "$@" --port "$SCRATCH_PORT" --bind 127.0.0.1 --metrics-port 0 - > "$log" 2>&1 &
  SCRATCH_PID=$!
  local _
  for _ in $(seq 1 600); do
    [ "$(kit_scratch_cli ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$SCRATCH_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# kit_scratch_cli ARGS...: redis-cli against the scratch server, \r removed.
kit_scratch_cli() {
  REDISCLI_AUTH="$SCRATCH_PW" redis-cli --no-auth-warning -p "$SCRATCH_PORT" "$@" | tr -d '\r'
}

# kit_total_keys: reads INFO keyspace on stdin, prints the number of keys of all databases.
kit_total_keys() {
  sed -n 's/^db[0-9]*:keys=\([0-9]*\),.*/\1/p' | awk '{s += $1} END {print s + 0}'
}

# kit_aof_from_rdb QUEUE_DIR [--directive value ...]: writes the queue's AOF from its
# dump.rdb. A server started with appendonly yes and no AOF directory starts EMPTY (as Redis
# 7.0 does) and later overwrites dump.rdb, so wherever a dump.rdb has no AOF beside it (a
# restored backup, data from before the AOF was turned on) a scratch server loads the RDB with
# the AOF off, CONFIG SET appendonly yes makes it write the AOF from the loaded data, and
# SHUTDOWN SAVE ends it. Prints the number of keys; returns 1 (reason on stderr) on failure.
kit_aof_from_rdb() {
  local dir="$1" log pinfo="" keys _
  shift
  log="$dir/.aof-from-rdb.log"
  if ! kit_scratch_start "$log" deploy/queue.conf --dir "$dir" "$@" --appendonly no; then
    kill "$SCRATCH_PID" 2>/dev/null
    echo "duet-server did not load $dir/dump.rdb: $(tail -n 3 "$log")" >&2
    return 1
  fi
  keys=$(kit_scratch_cli info keyspace | kit_total_keys)
  if [ "$(kit_scratch_cli config set appendonly yes)" != OK ]; then
    kill "$SCRATCH_PID" 2>/dev/null
    echo "CONFIG SET appendonly yes failed: $(tail -n 3 "$log")" >&2
    return 1
  fi
  for _ in $(seq 1 36000); do
    pinfo=$(kit_scratch_cli info persistence)
    if grep -q '^aof_rewrite_in_progress:0' <<< "$pinfo" &&
       grep -q '^aof_rewrite_scheduled:0' <<< "$pinfo"; then
      break
    fi
    sleep 0.1
  done
  if ! grep -q '^aof_last_bgrewrite_status:ok' <<< "$pinfo"; then
    kill "$SCRATCH_PID" 2>/dev/null
    echo "the AOF rewrite failed: $(tail -n 3 "$log")" >&2
    return 1
  fi
  kit_scratch_cli shutdown save >/dev/null 2>&1 || true
  if ! wait "$SCRATCH_PID"; then
    echo "duet-server did not shut down cleanly: $(tail -n 3 "$log")" >&2
    return 1
  fi
  rm -f "$log"
  echo "$keys"
}
