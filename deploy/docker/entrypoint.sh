#!/bin/sh
# Container entrypoint: duet-entrypoint cache|queue [--directive value ...]
# Starts duet-server with /etc/duet/<instance>.conf, listening on port 6379 inside the
# container (compose publishes it), data in /data. The password comes from the environment
# (DUET_PASSWORD, or REDIS_PASSWORD) and reaches the server on stdin: it is in no command line
# (ps) and no log, and it is removed from the server's environment.
# Any other command (sh, redis-cli, ...) runs as given.
set -eu
instance="${1:-cache}"
[ "$#" -gt 0 ] && shift
case "$instance" in
  cache|queue) ;;
  *) exec "$instance" "$@" ;;
esac
password="${DUET_PASSWORD:-${REDIS_PASSWORD:-}}"
unset DUET_PASSWORD REDIS_PASSWORD
if [ -z "$password" ]; then
  echo "duet-entrypoint: no password for the $instance instance: set" \
    "DUET_$(echo "$instance" | tr '[:lower:]' '[:upper:]')_PASSWORD in .env" >&2
  exit 1
fi
escaped=$(printf '%s' "$password" | sed 's/\\/\\\\/g; s/"/\\"/g')
unset password
# exec: duet-server becomes PID 1 and gets the SIGTERM of `docker stop` itself (the queue then
# fsyncs and saves). The here-document is a pipe in dash, not a file.
exec duet-server "/etc/duet/$instance.conf" --bind 0.0.0.0 '-::*' --port 6379 --dir /data \
  --daemonize no "$@" - <<EOF
requirepass "$escaped"
EOF
