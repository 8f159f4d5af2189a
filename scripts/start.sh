#!/usr/bin/env bash
# Builds duet and starts the cache instance (deploy/cache.conf: 127.0.0.1:6379, allkeys-lru,
# no persistence) in the foreground; extra arguments are directives that override the file
# (e.g. --maxmemory 1gb).
# The password comes from .env (DUET_CACHE_PASSWORD); on first run a strong random one is
# generated and written there. It is passed on stdin, never on the command line (ps) or logs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
if [ ! -f .env ] || ! grep -q '^DUET_CACHE_PASSWORD=' .env; then
  umask 077
  echo "DUET_CACHE_PASSWORD=$(openssl rand -base64 32 | tr -d '/+=' | cut -c1-40)" >> .env
  echo "start: generated a password in .env (DUET_CACHE_PASSWORD)"
fi
password=$(grep '^DUET_CACHE_PASSWORD=' .env | tail -1 | cut -d= -f2-)
printf 'requirepass "%s"\n' "$password" |
  exec ./build/release/duet-server deploy/cache.conf "$@" -
