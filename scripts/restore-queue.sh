#!/usr/bin/env bash
# Puts a backup made by scripts/backup-queue.sh back into the queue's data directory, and
# optionally starts the queue on it.
#
# Usage: scripts/restore-queue.sh [options] BACKUP_DIR|latest
#   latest             the newest backup under --dest
#   --dest DIR         where backups are (env DUET_BACKUP_DIR; default ./backups/queue)
#   --data-dir DIR     the kit's data directory (env DUET_DATA_DIR; default ./data); the
#                      queue's files are in DIR/queue
#   --queue-dir DIR    the queue's directory itself (e.g. /var/lib/duet/queue)
#   --from-aof         restore the backup's AOF directory as it was copied (newer than its
#                      RDB by the time the copy took) instead of rebuilding the AOF from the RDB
#   --start            then start the queue (scripts/start.sh --only queue --no-build)
#
# The queue must be stopped (the script refuses if its port answers). Steps: the checksums
# are verified; the current dump.rdb and AOF directory are moved aside into
# <queue dir>/pre-restore-<stamp>/ (nothing is deleted); the backup's dump.rdb is copied in;
# unless --from-aof, a scratch duet-server loads it with the AOF off and turns the AOF on
# (CONFIG SET appendonly yes rewrites the AOF from the loaded data), so the queue starts with
# an AOF that holds exactly the backup. (With the AOF on and no AOF directory, a server would
# start empty rather than read dump.rdb, as Redis does.)
# Exit status: 0 restored; 1 failed (reason on stderr); 2 usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kit-common.sh
source scripts/kit-common.sh
umask 077

dest="${DUET_BACKUP_DIR:-$PWD/backups/queue}"
queue_dir=""
from_aof=0
start=0
backup=""
while (($#)); do
  case "$1" in
    --dest) dest="$2"; shift 2 ;;
    --data-dir) DUET_DATA_DIR="$2"; shift 2 ;;
    --queue-dir) queue_dir="$2"; shift 2 ;;
    --env-file) DUET_ENV_FILE="$2"; shift 2 ;;
    --queue-port) DUET_QUEUE_PORT="$2"; shift 2 ;;
    --from-aof) from_aof=1; shift ;;
    --start) start=1; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) kit_die "unknown option $1 (see --help)" ;;
    *) [ -z "$backup" ] || kit_die "one backup only"; backup="$1"; shift ;;
  esac
done
[ -n "$backup" ] || kit_die "which backup? (a directory, or 'latest'; see --help)"
kit_defaults
queue_dir="${queue_dir:-$DUET_DATA_DIR/queue}"

fail() {
  echo "restore-queue: FAILED: $*" >&2
  exit 1
}
log() { echo "restore-queue: $*"; }

if [ "$backup" = latest ]; then
  backup=$(find "$dest" -mindepth 1 -maxdepth 1 -type d -name '2*Z*' 2>/dev/null | sort | tail -n 1)
  [ -n "$backup" ] || fail "no backup under $dest"
fi
[[ -f "$backup/dump.rdb" && -f "$backup/SHA256SUMS" ]] || fail "$backup is not a backup (no dump.rdb/SHA256SUMS)"
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) || fail "$backup does not match its SHA256SUMS"
if [ "$from_aof" = 1 ] && [ ! -d "$backup/appendonlydir" ]; then
  fail "$backup has no AOF directory (drop --from-aof)"
fi
if redis-cli -h 127.0.0.1 -p "$DUET_QUEUE_PORT" ping >/dev/null 2>&1; then
  fail "something answers on 127.0.0.1:$DUET_QUEUE_PORT: stop the queue first"
fi
[ -x "$DUET_BIN" ] || fail "no duet-server at $DUET_BIN"
mkdir -p "$queue_dir"

# Move the current data aside.
stamp=$(date -u +%Y%m%dT%H%M%SZ)
aside="$queue_dir/pre-restore-$stamp"
# Two restores within one second must not meet in the same place (mv would refuse).
n=1
while [ -e "$aside" ]; do
  n=$((n + 1))
  aside="$queue_dir/pre-restore-$stamp-$n"
done
for f in dump.rdb appendonlydir; do
  if [ -e "$queue_dir/$f" ]; then
    mkdir -p "$aside"
    mv "$queue_dir/$f" "$aside/"
  fi
done
[ -d "$aside" ] && log "the previous data is in $aside"

cp "$backup/dump.rdb" "$queue_dir/.dump.rdb.restoring"
mv "$queue_dir/.dump.rdb.restoring" "$queue_dir/dump.rdb"
if [ "$from_aof" = 1 ]; then
  cp -r "$backup/appendonlydir" "$queue_dir/.appendonlydir.restoring"
  mv "$queue_dir/.appendonlydir.restoring" "$queue_dir/appendonlydir"
  log "restored dump.rdb and the AOF directory of $backup"
else
  keys=$(kit_aof_from_rdb "$queue_dir") || fail "writing the AOF from the backup's RDB"
  want=$(sed -n 's/^keys=//p' "$backup/BACKUP_INFO" 2>/dev/null || true)
  log "restored $backup: $keys keys${want:+ (the backup holds $want, some may have expired since)}"
fi

# Run as root for another user's directory (a native install, a container volume): the
# restored files get the directory's owner, or that user's server could not write them.
owner=$(stat -c %u:%g "$queue_dir")
if [ "$(id -u)" = 0 ] && [ "$owner" != 0:0 ]; then
  chown -R "$owner" "$queue_dir/dump.rdb" "$queue_dir/appendonlydir" 2>/dev/null || true
  [ -d "${aside:-}" ] && chown -R "$owner" "$aside"
fi

if [ "$start" = 1 ]; then
  [ "$(basename "$queue_dir")" = queue ] || fail "--start needs the queue dir to be <data dir>/queue"
  exec bash scripts/start.sh --only queue --no-build --data-dir "$(dirname "$queue_dir")" \
    --env-file "$DUET_ENV_FILE" --queue-port "$DUET_QUEUE_PORT"
fi
log "start the queue: bash scripts/start.sh --only queue   (or: systemctl start duet@queue)"
