#!/usr/bin/env python3
"""Writes at the memory limit: duet vs redis-server 7.0.15 with the same maxmemory.

Each server is started fresh, set to maxmemory (default 64mb) with allkeys-lru, and filled
past the limit with a first, unmeasured redis-benchmark run. Then the measured run:
`redis-benchmark -c 50 -P 16 -t set -d 16 -r 100000000` (almost every SET is a new key, so
each one evicts), while
  * a Python thread sends one PING per millisecond on its own connection and records the
    round trip (max / p99: no command may wait behind a long eviction), and
  * the server's peak RSS is read from /proc/<pid>/status (VmHWM: the high-water mark over
    the whole life of the process, warm-up included).
Reported per side: SET req/s (and the duet/redis ratio, target >= 1.2x), peak RSS against
maxmemory (target: <= maxmemory * 1.1 + a few MB), PING max and p99 (target: max <= 10 ms),
evicted keys. Medians of --rounds (3) rounds; the order of the sides flips every round.

  bench/at_limit.py [--maxmemory 64mb] [--requests 3000000] [--rounds 3] [--quick]
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.latency import Pinger, _ping_stats  # noqa: E402
from duetbench.clients import measure_client  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.stats import median  # noqa: E402
from hit_ratio import connect_with_limit, info_int, parse_memory  # noqa: E402

def benchmark(server, requests, pipeline=16):
    """redis-benchmark SET of new keys (100M keyspace) at `pipeline`; returns requests/s."""
    args = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "50",
            "-d", "16", "-r", "100000000", "-t", "set", "-n", str(requests),
            "-P", str(pipeline), "--csv"]
    return measure_client(server, "SET", args, requests, "SET", timeout=900)["rps"]


def peak_rss(server):
    with open(f"/proc/{server.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def one_run(server, maxmemory, warmup, requests):
    server.start()
    try:
        c = connect_with_limit(server, "allkeys-lru", maxmemory)
        benchmark(server, warmup)
        if info_int(c, "stats", "evicted_keys") == 0:
            raise BenchError(f"{server.side}: the warm-up did not reach maxmemory")
        pinger = Pinger(server.port)
        pinger.start()
        try:
            rps = benchmark(server, requests)
        finally:
            pinger.stop()
        if pinger.error:
            raise BenchError(f"{server.side}: pinger: {pinger.error}")
        pings = _ping_stats(pinger.samples)
        return {"rps": rps, "peak_rss": peak_rss(server), "ping_max_ms": pings["max_ms"],
                "ping_p99_ms": pings["p99_ms"],
                "evicted": info_int(c, "stats", "evicted_keys"),
                "keys": c.call("DBSIZE"),
                "used": info_int(c, "memory", "used_memory")}
    finally:
        server.stop()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_server_args(p)
    p.add_argument("--maxmemory", default="64mb")
    p.add_argument("--warmup", type=int, default=2_000_000)
    p.add_argument("--requests", type=int, default=3_000_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    if a.quick:
        a.maxmemory, a.warmup, a.requests, a.rounds = "8mb", 300_000, 300_000, 1
    maxmemory = parse_memory(a.maxmemory)
    scratch = tempfile.mkdtemp(prefix="at-limit-")
    results = {"duet": [], "redis": []}
    try:
        for rnd in range(a.rounds):
            sides = [("duet", a.duet_bin), ("redis", a.redis_bin)]
            if rnd % 2:
                sides.reverse()
            for side, binary in sides:
                r = one_run(Server(side, binary, scratch), maxmemory, a.warmup, a.requests)
                results[side].append(r)
                print(f"  round {rnd + 1} {side:5}: {r['rps']:.0f} SET/s, peak RSS "
                      f"{r['peak_rss'] / 2**20:.1f} MB, PING max {r['ping_max_ms']:.2f} ms "
                      f"p99 {r['ping_p99_ms']:.2f} ms, {r['keys']} keys, {r['evicted']} evicted",
                      file=sys.stderr)
    except BenchError as e:
        print(f"at_limit: {e}", file=sys.stderr)
        stop_all()
        return 1

    def med(side, key):
        return median([r[key] for r in results[side]])

    mb = 2 ** 20
    d_rps, r_rps = med("duet", "rps"), med("redis", "rps")
    rss_limit = maxmemory * 1.1 + 8 * mb
    rows = [
        ("SET req/s (-P 16, new keys)", f"{d_rps:.0f}", f"{r_rps:.0f}", f"x{d_rps / r_rps:.2f}",
         ">= 1.2x", d_rps / r_rps >= 1.2),
        ("peak RSS (MB)", f"{med('duet', 'peak_rss') / mb:.1f}",
         f"{med('redis', 'peak_rss') / mb:.1f}",
         f"x{med('duet', 'peak_rss') / med('redis', 'peak_rss'):.2f}",
         f"<= {rss_limit / mb:.1f} (maxmemory +10% +8 MB)",
         max(r["peak_rss"] for r in results["duet"]) <= rss_limit),
        ("PING max (ms)", f"{med('duet', 'ping_max_ms'):.2f}",
         f"{med('redis', 'ping_max_ms'):.2f}", "", "<= 10 ms",
         max(r["ping_max_ms"] for r in results["duet"]) <= 10),
        ("PING p99 (ms)", f"{med('duet', 'ping_p99_ms'):.2f}",
         f"{med('redis', 'ping_p99_ms'):.2f}", "", "", None),
        ("keys held at the end", f"{med('duet', 'keys'):.0f}", f"{med('redis', 'keys'):.0f}",
         f"x{med('duet', 'keys') / med('redis', 'keys'):.2f}", "", None),
    ]
    print(f"\nAt the limit: maxmemory {a.maxmemory} allkeys-lru, {a.requests} SETs of new keys "
          f"after a {a.warmup}-SET fill, medians of {a.rounds} round(s)\n")
    print("| metric | duet | redis | duet/redis | target | met |")
    print("|---|---|---|---|---|---|")
    for name, d, r, ratio, target, met in rows:
        m = "" if met is None else ("yes" if met else "NO")
        print(f"| {name} | {d} | {r} | {ratio} | {target} | {m} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
