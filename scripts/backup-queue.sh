#!/usr/bin/env bash
# Backs up the queue instance: asks it for a fresh RDB snapshot (BGSAVE, waits for it to
# finish), copies dump.rdb and, when the AOF is on, the AOF directory (automatic AOF rewrites
# paused meanwhile, as Redis documents for AOF backups) into <dest>/<UTC timestamp>/,
# verifies the copy, and keeps the newest N backups.
#
# Verification: redis-check-rdb on the copied RDB (and redis-check-aof on the copied
# manifest), then the RDB is loaded into a scratch duet-server on a free loopback port and the
# keys it loaded must equal the keys redis-check-rdb read. SHA256SUMS covers every file. The
# backup is written under <dest>/.partial-<stamp> and renamed into place only once verified,
# so a backup directory that exists is complete.
#
# Usage: scripts/backup-queue.sh [--dest DIR] [--keep N] [--env-file FILE] [--queue-port N]
#                                [--queue-dir DIR]
#   --dest DIR   where backups go (env DUET_BACKUP_DIR; default ./backups/queue)
#   --keep N     how many backups to keep (env DUET_BACKUP_KEEP; default 7; 0 keeps all)
#   --queue-dir DIR  where the queue's files are on this host, when that is not the server's
#                own "dir" (a container: the volume's mount point)
# Runs on the host that holds the queue's data directory (it reads the files the server
# writes). For cron: exit status 0 = backup made and verified; 1 = failed (nothing is kept
# of the failed attempt; the reason is on stderr); 2 = usage error.
# The last line on stdout on success is the backup's directory.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kit-common.sh
source scripts/kit-common.sh
umask 077

dest="${DUET_BACKUP_DIR:-$PWD/backups/queue}"
keep="${DUET_BACKUP_KEEP:-7}"
queue_dir=""
while (($#)); do
  case "$1" in
    --dest) dest="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --env-file) DUET_ENV_FILE="$2"; shift 2 ;;
    --queue-port) DUET_QUEUE_PORT="$2"; shift 2 ;;
    --queue-dir) queue_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) kit_die "unexpected argument: $1 (see --help)" ;;
  esac
done
[[ "$keep" =~ ^[0-9]+$ ]] || kit_die "--keep takes a number"
kit_defaults

fail() {
  echo "backup-queue: FAILED: $*" >&2
  exit 1
}
log() { echo "backup-queue: $*"; }

# info_field NAME: one field of INFO persistence of the queue.
info_field() {
  kit_cli queue info persistence | tr -d '\r' | sed -n "s/^$1://p"
}

pong=$(kit_cli queue ping 2>&1 | tr -d '\r') || true
[ "$pong" = PONG ] || fail "the queue on 127.0.0.1:$DUET_QUEUE_PORT does not answer PING: $pong"
command -v redis-check-rdb >/dev/null || fail "redis-check-rdb not found (apt-get install redis-tools)"

data_dir="${queue_dir:-$(kit_cli queue config get dir | tr -d '\r' | sed -n 2p)}"
dbfilename=$(kit_cli queue config get dbfilename | tr -d '\r' | sed -n 2p)
aof_dirname=$(kit_cli queue config get appenddirname | tr -d '\r' | sed -n 2p)
[ -d "$data_dir" ] || fail "the queue's dir $data_dir is not on this host (--queue-dir)"

# 1. A fresh snapshot. BGSAVE SCHEDULE waits for a running AOF rewrite instead of failing.
saves_before=$(info_field rdb_saves)
reply=$(kit_cli queue bgsave schedule | tr -d '\r')
case "$reply" in
  "Background saving started" | "Background saving scheduled") ;;
  *) fail "BGSAVE: $reply" ;;
esac
deadline=$((SECONDS + ${DUET_BACKUP_SAVE_TIMEOUT:-3600}))
while :; do
  if [ "$(info_field rdb_bgsave_in_progress)" = 0 ] &&
     [ "$(info_field rdb_saves)" -gt "$saves_before" ]; then
    break
  fi
  ((SECONDS < deadline)) || fail "the snapshot did not finish in time"
  sleep 0.2
done
[ "$(info_field rdb_last_bgsave_status)" = ok ] || fail "the snapshot failed (see the queue's log)"
log "snapshot written ($(info_field rdb_last_bgsave_time_sec) s)"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
partial="$dest/.partial-$stamp-$$"
final="$dest/$stamp"
n=1
while [ -e "$final" ]; do  # two backups within one second
  final="$dest/$stamp-$n"
  n=$((n + 1))
done
cleanup() {
  [ -n "${SCRATCH_PID:-}" ] && kill "$SCRATCH_PID" 2>/dev/null
  rm -rf "$partial"
}
mkdir -m 700 "$partial" || fail "cannot create $partial"
trap cleanup EXIT

# 2. Copy the RDB. A later save renames a new file over it; cp keeps reading the one it
# opened, so the copy is always one whole snapshot.
cp "$data_dir/$dbfilename" "$partial/dump.rdb"

# 3. The AOF directory, with automatic rewrites paused so no file is replaced mid-copy.
if [ "$(info_field aof_enabled)" = 1 ] && [ -d "$data_dir/$aof_dirname" ]; then
  old_pct=$(kit_cli queue config get auto-aof-rewrite-percentage | tr -d '\r' | sed -n 2p)
  kit_cli queue config set auto-aof-rewrite-percentage 0 >/dev/null
  restore_pct() { kit_cli queue config set auto-aof-rewrite-percentage "$old_pct" >/dev/null; }
  trap 'restore_pct; cleanup' EXIT
  while [ "$(info_field aof_rewrite_in_progress)" != 0 ] ||
        [ "$(info_field aof_rewrite_scheduled)" != 0 ]; do
    ((SECONDS < deadline)) || fail "the AOF rewrite did not finish in time"
    sleep 0.2
  done
  cp -r "$data_dir/$aof_dirname" "$partial/appendonlydir"
  restore_pct
  trap cleanup EXIT
  manifest=$(find "$partial/appendonlydir" -name '*.manifest' -print -quit)
  if [ -n "$manifest" ] && command -v redis-check-aof >/dev/null; then
    # The last incremental file was copied while the queue kept appending: a cut-off last
    # command is expected and is what aof-load-truncated accepts.
    if ! out=$(redis-check-aof "$manifest" 2>&1); then
      log "note: redis-check-aof on the copied AOF: $(echo "$out" | tail -n 1)"
    fi
  fi
fi
sync -f "$partial/dump.rdb" 2>/dev/null || sync

# 4. Verify the RDB: redis-check-rdb, then a scratch load whose key count must agree.
check=$(redis-check-rdb "$partial/dump.rdb" 2>&1) || fail "redis-check-rdb rejected the copy: $(echo "$check" | tail -n 3)"
keys_read=$(echo "$check" | sed -n 's/^\[info\] \([0-9]*\) keys read$/\1/p')
keys_read="${keys_read:-0}"

scratch_log="$partial/.scratch.log"
kit_scratch_start "$scratch_log" --dir "$partial" --dbfilename dump.rdb --appendonly no \
  --save "" || fail "the scratch server did not load the copy: $(tail -n 3 "$scratch_log")"
sinfo=$(kit_scratch_cli info persistence)
loaded=$(echo "$sinfo" | sed -n 's/^rdb_last_load_keys_loaded://p')
expired=$(echo "$sinfo" | sed -n 's/^rdb_last_load_keys_expired://p')
kit_scratch_cli shutdown nosave >/dev/null 2>&1 || true
wait "$SCRATCH_PID" 2>/dev/null || true
SCRATCH_PID=""
rm -f "$scratch_log"
[ "$((loaded + expired))" = "$keys_read" ] ||
  fail "key counts differ: redis-check-rdb read $keys_read, duet loaded $loaded (+$expired expired)"

# 5. A description and checksums, then the rename that makes the backup exist.
{
  echo "created_utc=$stamp"
  echo "source=127.0.0.1:$DUET_QUEUE_PORT $data_dir"
  echo "keys=$keys_read"
  echo "aof=$([ -d "$partial/appendonlydir" ] && echo yes || echo no)"
} > "$partial/BACKUP_INFO"
files=$(cd "$partial" && find . -type f -printf '%P\n' | sort)
(cd "$partial" && xargs -r -d '\n' sha256sum <<< "$files" > SHA256SUMS)
sync -f "$partial/SHA256SUMS" 2>/dev/null || sync
mv "$partial" "$final"
trap - EXIT
log "verified: $keys_read keys (redis-check-rdb and a scratch load agree)"

# 6. Keep the newest N.
if [ "$keep" -gt 0 ]; then
  mapfile -t all < <(find "$dest" -mindepth 1 -maxdepth 1 -type d -name '2*Z*' -printf '%f\n' | sort)
  excess=$((${#all[@]} - keep))
  for ((i = 0; i < excess; i++)); do
    rm -rf "${dest:?}/${all[$i]}"
    log "removed old backup ${all[$i]}"
  done
fi
echo "$final"
