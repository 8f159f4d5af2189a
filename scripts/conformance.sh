#!/usr/bin/env bash
# Runs Redis 7.0.15's own TCL test suite against a duet-server binary: the conformance gate.
#
# Usage: scripts/conformance.sh [options] [UNIT...]
#   -s DIR    the suite (runtest + tests/ of Redis's tag 7.0.15); default $REDIS_SUITE_DIR.
#             Fetch it once, outside this repository (it is never committed):
#               git --git-dir=<redis.git> archive 7.0.15 runtest tests | tar -x -C DIR
#   -b BIN    duet-server binary (default build/release/duet-server)
#   -m MODE   external | spawn | both (default both): external runs the units against one
#             duet started with tests/conformance/suite-server.conf; spawn lets the suite start
#             duet itself for every test file (the units tagged external:skip run there too)
#   -r PATH   the redis-suite runner (default ../shared/tools/redis-suite beside this repo)
#   -l DIR    keep the per-unit logs in DIR (default: a temp dir, printed)
#   -o FILE   also write the per-unit table as markdown to FILE (e.g. docs/conformance.md's table)
#   -F FLAGS  the runtest flags (default "--durable --tags -needs:repl"; "--durable" adds the
#             needs:repl tests: duet serves SYNC/PSYNC, so the ones that read the replication
#             stream run, but those that make duet a replica (REPLICAOF) fail)
#   UNIT      unit names as the suite spells them (type/list, expire, ...); default: the gate list
#             below (every family duet implements).
#
# Tests listed in tests/conformance/skip.txt (one name or /regexp per line, with the reason and
# the issue that will remove it in a comment above) are skipped. Exit status 0 when no test
# failed in any mode.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

GATE_UNITS=(
  type/string type/incr keyspace type/list type/list-2 type/list-3 type/hash type/set
  type/zset bitops bitfield hyperloglog geo expire scan protocol info info-command
  introspection introspection-2 latency-monitor slowlog sort multi maxmemory lazyfree pause
  querybuf replybufsize other oom-score-adj
)

suite="${REDIS_SUITE_DIR:-}"
bin="build/release/duet-server"
mode=both
runner="$repo/../shared/tools/redis-suite"
logdir=""
out=""
flags="--durable --tags -needs:repl"
while getopts ":s:b:m:r:l:o:F:h" opt; do
  case "$opt" in
    s) suite="$OPTARG" ;;
    b) bin="$OPTARG" ;;
    m) mode="$OPTARG" ;;
    r) runner="$OPTARG" ;;
    l) logdir="$OPTARG" ;;
    o) out="$OPTARG" ;;
    F) flags="$OPTARG" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
units=("$@")
((${#units[@]})) || units=("${GATE_UNITS[@]}")

[ -x "$suite/runtest" ] || { echo "conformance: no suite at '$suite' (see -s)" >&2; exit 2; }
[ -x "$runner" ] || { echo "conformance: no runner at '$runner' (see -r)" >&2; exit 2; }
[ -x "$bin" ] || { echo "conformance: no binary at '$bin' (see -b)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[ -n "$logdir" ] || logdir=$(mktemp -d /tmp/duet-conformance.XXXXXX)
mkdir -p "$logdir"

# The runner's skip file: our list without its comments and blank lines.
skip="$logdir/skip.txt"
grep -v -e '^#' -e '^[[:space:]]*$' tests/conformance/skip.txt > "$skip" || true

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

status=0
run_external() {
  local port dir
  port=$(free_port)
  dir=$(mktemp -d /tmp/duet-conformance-srv.XXXXXX)
  local start="\"$bin\" $repo/tests/conformance/suite-server.conf --port $port --dir $dir \
    --pidfile $dir/duet.pid >> $logdir/external-server.log 2>&1 &"
  bash -c "$start"
  # A unit that kills or hangs the server gets a fresh one (-r): the old one is killed first.
  local restart="[ -f $dir/duet.pid ] && kill -9 \$(cat $dir/duet.pid); sleep 0.5; $start"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  "$runner" -F "$flags" -s "$suite" -S "$skip" -l "$logdir/external" -r "$restart" 127.0.0.1 "$port" "${units[@]}" | tee "$logdir/external.txt" || status=1
  [ -f "$dir/duet.pid" ] && kill "$(cat "$dir/duet.pid")" 2>/dev/null || true
  rm -rf "$dir"
}
run_spawn() {
  "$runner" -F "$flags" -s "$suite" -S "$skip" -l "$logdir/spawn" -x "$bin" "${units[@]}" |
    tee "$logdir/spawn.txt" || status=1
}

case "$mode" in
  external) run_external ;;
  spawn) run_spawn ;;
  both) run_external; run_spawn ;;
  *) echo "conformance: bad mode '$mode'" >&2; exit 2 ;;
esac

if [ -n "$out" ]; then
  python3 - "$logdir" "$out" <<'EOF'
import os, re, sys
logdir, out = sys.argv[1], sys.argv[2]
rows = {}
for mode in ("external", "spawn"):
    path = os.path.join(logdir, mode + ".txt")
    if not os.path.exists(path):
        continue
    for line in open(path):
        m = re.match(r"^(unit/\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+(\S+)", line)
        if m:
            rows.setdefault(m.group(1), {})[mode] = (int(m.group(2)), int(m.group(3)) + int(m.group(4)), m.group(6))
with open(out, "w") as f:
    f.write("| unit | external passed | external failed | spawn passed | spawn failed |\n")
    f.write("|---|---:|---:|---:|---:|\n")
    for unit in rows:
        cells = []
        for mode in ("external", "spawn"):
            r = rows[unit].get(mode)
            cells += [str(r[0]), str(r[1]) + ("" if r[2] in ("ok", "fail") else f" ({r[2]})")] if r else ["-", "-"]
        f.write(f"| {unit[5:]} | " + " | ".join(cells) + " |\n")
EOF
  echo "table written to $out"
fi
echo "logs: $logdir"
exit $status
