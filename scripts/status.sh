#!/usr/bin/env bash
# Pings both instances and prints, for each: memory against maxmemory, keys, evictions,
# persistence state and last save. Exit status 0 when every checked instance answers PONG,
# 1 otherwise.
# Usage: scripts/status.sh [--only cache|queue] [--env-file FILE] [--cache-port N]
#                          [--queue-port N]        (also: scripts/start.sh status ...)
# Ports and passwords are found as scripts/start.sh finds them (same options and env).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kit-common.sh
source scripts/kit-common.sh

only=""
while (($#)); do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --env-file) DUET_ENV_FILE="$2"; shift 2 ;;
    --cache-port) DUET_CACHE_PORT="$2"; shift 2 ;;
    --queue-port) DUET_QUEUE_PORT="$2"; shift 2 ;;
    --data-dir) shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) kit_die "unexpected argument: $1" ;;
  esac
done
kit_defaults

instances=(cache queue)
[ -n "$only" ] && instances=("$only")

# field NAME: the value of NAME: in the INFO text held in $info. No pipe: sed stops at the
# match, and a writer still feeding it the rest of a long INFO would die of SIGPIPE, which
# pipefail + set -e turned into exit status 141 for the whole status command.
field() {
  sed -n "/^$1:/{s/^$1://;s/\r\$//;p;q}" <<< "$info"
}

fmt_time() {
  if [ -z "$1" ] || [ "$1" = 0 ]; then echo "never"; else date -d "@$1" '+%Y-%m-%d %H:%M:%S %Z'; fi
}

rc=0
for name in "${instances[@]}"; do
  port=$(kit_port "$name")
  pong=$(kit_cli "$name" ping 2>&1 | tr -d '\r') || true
  if [ "$pong" != "PONG" ]; then
    printf '%-6s 127.0.0.1:%s  DOWN  (%s)\n' "$name" "$port" "${pong:-no answer}"
    rc=1
    continue
  fi
  info=$(kit_cli "$name" info everything)
  keys=$(printf '%s\n' "$info" | kit_total_keys)
  maxmem=$(field maxmemory_human)
  [ "$(field maxmemory)" = 0 ] && maxmem="no limit"
  printf '%-6s 127.0.0.1:%s  up (PONG)  version %s, uptime %ss, %s clients\n' "$name" "$port" \
    "$(field redis_version)" "$(field uptime_in_seconds)" "$(field connected_clients)"
  printf '       memory    %s used of %s (%s), peak %s, rss %s\n' "$(field used_memory_human)" \
    "$maxmem" "$(field maxmemory_policy)" "$(field used_memory_peak_human)" \
    "$(field used_memory_rss_human)"
  printf '       keys      %s  (expired %s, evicted %s, hits %s, misses %s)\n' "$keys" \
    "$(field expired_keys)" "$(field evicted_keys)" "$(field keyspace_hits)" \
    "$(field keyspace_misses)"
  if [ "$(field aof_enabled)" = 1 ]; then
    aof="on ($(kit_cli "$name" config get appendfsync | tail -n 1 | tr -d '\r')), last write \
$(field aof_last_write_status), last rewrite $(field aof_last_bgrewrite_status)"
    [ "$(field aof_rewrite_in_progress)" = 1 ] && aof="$aof, rewriting"
  else
    aof="off"
  fi
  save=$(kit_cli "$name" config get save | tail -n 1 | tr -d '\r')
  printf '       aof       %s\n' "$aof"
  printf '       rdb       save points "%s", last save %s (%s), %s changes since\n' "$save" \
    "$(fmt_time "$(field rdb_last_save_time)")" "$(field rdb_last_bgsave_status)" \
    "$(field rdb_changes_since_last_save)"
  [ "$(field rdb_bgsave_in_progress)" = 1 ] && echo "       rdb       snapshot in progress"
done
exit "$rc"
