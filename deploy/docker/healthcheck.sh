#!/bin/sh
# Container healthcheck: duet-healthcheck [cache|queue]: PING with the instance's password
# (duet-password; through REDISCLI_AUTH, not argv). Without an argument the instance is read
# from the server's process title (its words include /etc/duet/<instance>.conf: see
# duet-entrypoint).
instance="${1:-$(tr '\0 ' '\n\n' </proc/1/cmdline | sed -n 's#^/etc/duet/\(.*\)\.conf$#\1#p' | head -n 1)}"
REDISCLI_AUTH="$(duet-password "$instance")" \
  redis-cli --no-auth-warning -h 127.0.0.1 -p 6379 ping | grep -qx PONG
