#!/usr/bin/env python3
"""Memory given back after a flush or a mass expiry, and reused: duet vs redis-server 7.0.15.

Each server is started fresh per mode; its RSS before any data is the base. Then --cycles (3)
times: load --keys (1M) `key:%08d` -> 16-byte strings with `redis-cli --pipe` (peak: RSS
when the load is done), remove them all, and sample RSS every 0.25 s for --watch (5) s:
  flush        FLUSHALL (synchronous)
  flush-async  FLUSHALL ASYNC
  expire       PEXPIRE every key by 1 ms; the watch starts once DBSIZE is under 10% (active
               expiry has removed most keys)
Reported per mode and side: "kept" = (RSS at the end of the watch - base) / (peak - base),
the worst cycle (target <= 10%: the issue's bound; redis-server: ~4% after a sync flush),
the seconds until RSS first came within that bound, and the peak of later cycles over the
first (target <= 1.10: memory is reused, not grown). Only one server runs at a time.

  bench/mem_release.py [--keys 1000000] [--cycles 3] [--watch 5] [--modes flush,flush-async,expire]
                       [--quick]
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.pipeload import pipe_load  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn  # noqa: E402
from duetbench.respgen import command_stream, set_stream  # noqa: E402

MODES = ("flush", "flush-async", "expire")
KEPT_TARGET = 0.10
PEAK_TARGET = 1.10


def remove_all(server, conn, mode, keys, cache_dir):
    """Removes the loaded keys as `mode` says; returns when the watch should start."""
    if mode == "flush":
        conn.call("FLUSHALL")
    elif mode == "flush-async":
        conn.call("FLUSHALL", "ASYNC")
    else:
        path, n = command_stream(cache_dir, f"pexpire-{keys}",
                                 lambda: (("PEXPIRE", "key:%08d" % i, 1) for i in range(keys)),
                                 log=lambda *a: None)
        pipe_load(server, path, n)
        deadline = time.monotonic() + 120
        while conn.call("DBSIZE") > keys // 10:
            if time.monotonic() > deadline:
                raise BenchError(f"{server.side}: keys did not expire within 120 s")
            time.sleep(0.05)


def one_mode(server, mode, keys, cycles, watch, cache_dir):
    load = set_stream(cache_dir, keys, log=lambda *a: None)
    server.start()
    try:
        conn = Conn(server.port)
        base = server.settled_rss(min_wait=0.3)
        out = {"base": base, "cycles": []}
        for _ in range(cycles):
            pipe_load(server, load, keys)
            peak = server.rss_bytes()
            remove_all(server, conn, mode, keys, cache_dir)
            t0 = time.monotonic()
            samples = []
            while True:
                t = time.monotonic() - t0
                samples.append((t, server.rss_bytes()))
                if t >= watch:
                    break
                time.sleep(0.25)
            added = max(1, peak - base)
            within = next((t for t, rss in samples if rss - base <= KEPT_TARGET * added), None)
            out["cycles"].append({"peak": peak, "end": samples[-1][1],
                                  "kept": (samples[-1][1] - base) / added, "within_s": within})
        conn.close()
        return out
    finally:
        server.stop()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_server_args(p)
    p.add_argument("--keys", type=int, default=1_000_000)
    p.add_argument("--cycles", type=int, default=3)
    p.add_argument("--watch", type=float, default=5.0)
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--cache-dir", default=os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "results", "cache"))
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    if a.quick:
        a.keys, a.cycles, a.watch, a.modes = 100_000, 2, 2.0, "flush,flush-async"
    modes = [m for m in a.modes.split(",") if m]
    if any(m not in MODES for m in modes):
        p.error(f"--modes takes {', '.join(MODES)}")
    scratch = tempfile.mkdtemp(prefix="mem-release-")
    results = {}
    try:
        for mode in modes:
            for side, binary in (("duet", a.duet_bin), ("redis", a.redis_bin)):
                r = one_mode(Server(side, binary, scratch), mode, a.keys, a.cycles, a.watch,
                             a.cache_dir)
                results[(mode, side)] = r
                for i, c in enumerate(r["cycles"]):
                    w = "-" if c["within_s"] is None else f"{c['within_s']:.2f}s"
                    print(f"  {mode:11} {side:5} cycle {i + 1}: base {r['base'] / 2**20:.1f} MB, "
                          f"peak {c['peak'] / 2**20:.1f} MB, after {a.watch:g}s "
                          f"{c['end'] / 2**20:.1f} MB (kept {c['kept'] * 100:.1f}%, "
                          f"within 10% after {w})", file=sys.stderr)
    except BenchError as e:
        print(f"mem_release: {e}", file=sys.stderr)
        stop_all()
        return 1

    def worst_kept(r):
        return max(c["kept"] for c in r["cycles"])

    def peak_growth(r):
        return max(c["peak"] for c in r["cycles"]) / r["cycles"][0]["peak"]

    def slowest(r):
        ws = [c["within_s"] for c in r["cycles"]]
        return None if None in ws else max(ws)

    print(f"\nMemory release: {a.keys} keys x {a.cycles} cycles, RSS watched {a.watch:g} s "
          f"after each removal (kept = share of the data's RSS still held; worst cycle)\n")
    print("| mode | duet kept | redis kept | duet within 10% | redis within 10% "
          "| duet peak growth | redis peak growth | met (kept <= 10%, growth <= 1.10) |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in modes:
        d, r = results[(mode, "duet")], results[(mode, "redis")]
        fmt_w = lambda w: "never" if w is None else f"{w:.2f} s"  # noqa: E731
        met = worst_kept(d) <= KEPT_TARGET and peak_growth(d) <= PEAK_TARGET
        print(f"| {mode} | {worst_kept(d) * 100:.1f}% | {worst_kept(r) * 100:.1f}% "
              f"| {fmt_w(slowest(d))} | {fmt_w(slowest(r))} | x{peak_growth(d):.2f} "
              f"| x{peak_growth(r):.2f} | {'yes' if met else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
