#!/bin/sh
# Container entrypoint: duet-entrypoint cache|queue [--directive value ...]
# Starts duet-server with /etc/duet/<instance>.conf, listening on port 6379 inside the
# container (compose publishes it), data in /data. The password (duet-password: the env file
# compose.yaml mounts as the secret /run/secrets/duet-env, or DUET_PASSWORD / REDIS_PASSWORD
# in the environment) reaches the server on stdin: it is in no command line (ps), no log and
# not in the server's environment; with the secret it is not in the container's environment
# either (docker inspect). The entrypoint starts as root to read the root-only secret; the
# server runs as the user duet (uid 999), as do the conversion below and any other command
# (sh, redis-cli, ...), which runs as given.
set -eu
instance="${1:-cache}"
[ "$#" -gt 0 ] && shift
if [ "$(id -u)" = 0 ]; then
  as_duet="setpriv --reuid=999 --regid=999 --clear-groups --no-new-privs"
else
  as_duet=""
fi
case "$instance" in
  cache|queue) ;;
  *) exec $as_duet "$instance" "$@" ;;
esac
password=$(duet-password "$instance")
unset DUET_PASSWORD REDIS_PASSWORD
if [ -z "$password" ]; then
  echo "duet-entrypoint: no password for the $instance instance: set" \
    "DUET_$(echo "$instance" | tr '[:lower:]' '[:upper:]')_PASSWORD in .env" >&2
  exit 1
fi
escaped=$(printf '%s' "$password" | sed 's/\\/\\\\/g; s/"/\\"/g')

# The queue with a dump.rdb but no AOF directory (a restored backup, a volume from before the
# AOF was on): a server with appendonly yes would start EMPTY and later overwrite dump.rdb (as
# Redis 7.0 does). Load the RDB with the AOF off on loopback, turn the AOF on (the server
# writes it from the loaded data), save and stop; then start for real.
if [ "$instance" = queue ] && [ -f /data/dump.rdb ] && [ ! -e /data/appendonlydir ]; then
  echo "duet-entrypoint: /data has dump.rdb but no AOF: writing the AOF from it"
  $as_duet duet-server /etc/duet/queue.conf --bind 127.0.0.1 --port 6379 --dir /data \
    --daemonize no --appendonly no "$@" - <<EOF &
requirepass "$escaped"
EOF
  pid=$!
  cli() { REDISCLI_AUTH="$password" redis-cli --no-auth-warning -p 6379 "$@" | tr -d '\r'; }
  until [ "$(cli ping 2>/dev/null)" = PONG ]; do
    kill -0 "$pid" 2>/dev/null || { echo "duet-entrypoint: loading dump.rdb failed" >&2; exit 1; }
    sleep 0.2
  done
  [ "$(cli config set appendonly yes)" = OK ] || { kill "$pid"; exit 1; }
  while cli info persistence | grep -Eq '^aof_rewrite_(in_progress|scheduled):1'; do
    sleep 0.2
  done
  cli info persistence | grep -q '^aof_last_bgrewrite_status:ok' ||
    { echo "duet-entrypoint: writing the AOF failed" >&2; kill "$pid"; exit 1; }
  cli shutdown save >/dev/null 2>&1 || true
  wait "$pid" || { echo "duet-entrypoint: the conversion server failed" >&2; exit 1; }
fi
unset password

# exec: duet-server becomes PID 1 and gets the SIGTERM of `docker stop` itself (the queue then
# fsyncs and saves). The here-document is a pipe in dash, not a file. The process title (what
# ps shows, as redis-server rewrites it) names the config file, which duet-healthcheck reads.
exec $as_duet duet-server "/etc/duet/$instance.conf" --bind 0.0.0.0 '-::*' --port 6379 --dir /data \
  --daemonize no --proc-title-template "{title} {listen-addr} {config-file}" "$@" - <<EOF
requirepass "$escaped"
EOF
