#!/bin/sh
# Container healthcheck: PING with the instance's password (through REDISCLI_AUTH, not argv).
REDISCLI_AUTH="${DUET_PASSWORD:-${REDIS_PASSWORD:-}}" \
  redis-cli --no-auth-warning -h 127.0.0.1 -p 6379 ping | grep -qx PONG
