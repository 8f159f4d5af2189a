#!/bin/sh
# duet-password cache|queue: prints the instance's password. From DUET_PASSWORD or
# REDIS_PASSWORD in the environment (`docker run -e`), else from the env file that compose.yaml
# mounts as the secret /run/secrets/duet-env (the host's .env, root-only in the container):
# its last DUET_<INSTANCE>_PASSWORD=, else REDIS_<INSTANCE>_PASSWORD= line, quotes removed.
# Prints nothing when there is none.
set -eu
upper=$(printf '%s' "${1:?usage: duet-password cache|queue}" | tr '[:lower:]' '[:upper:]')
for value in "${DUET_PASSWORD:-}" "${REDIS_PASSWORD:-}"; do
  if [ -n "$value" ]; then printf '%s' "$value"; exit 0; fi
done
file="${DUET_SECRET_FILE:-/run/secrets/duet-env}"
[ -r "$file" ] || exit 0
for var in "DUET_${upper}_PASSWORD" "REDIS_${upper}_PASSWORD"; do
  value=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$var=" "$file" | tail -n 1 | tr -d '\r') ||
    true
  value=${value#*=}
  case "$value" in
    \"*\") value=${value#\"}; value=${value%\"} ;;
    \'*\') value=${value#\'}; value=${value%\'} ;;
  esac
  if [ -n "$value" ]; then printf '%s' "$value"; exit 0; fi
done
