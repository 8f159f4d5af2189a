#!/usr/bin/env bash
# Smoke run of the benchmark suite: every benchmark in --quick mode (about 1-2 min), then
# mem_release.py, streams.py, pubsub_fanout.py, bgsave.py, bullmq.py (needs tests/node's
# `npm ci`), aof.py and load.py in their --quick form, then the throughput benchmarks again with
# duet-loadgen as the client, to prove the scripts and the load generator work against the
# current duet build. The numbers are noise; only the exit
# status matters: 0 all measured, 1 a measurement failed, 3 duet lacks a needed command.
#
#   bench/smoke.sh [extra run.py options]       (duet binary: $DUET_BIN or build/release)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
timeout 300 python3 "$here/run.py" --quick --results-dir "$here/results/smoke" "$@"
timeout 120 python3 "$here/mem_release.py" --quick
timeout 180 python3 "$here/streams.py" --quick
timeout 120 python3 "$here/pubsub_fanout.py" --quick
timeout 180 python3 "$here/bullmq.py" --quick
timeout 180 python3 "$here/bgsave.py" --quick --big-key 100000
timeout 180 python3 "$here/aof.py" --quick >/dev/null
timeout 180 python3 "$here/load.py" --quick
exec timeout 120 python3 "$here/run.py" --quick --results-dir "$here/results/smoke" \
  --client loadgen throughput types-throughput scripting "$@"
