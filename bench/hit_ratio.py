#!/usr/bin/env python3
"""Cache hit ratio at the memory limit: duet vs redis-server 7.0.15 vs exact LRU.

A Zipfian (s = 0.99) trace of GETs over a key space 10x larger than fits in maxmemory; a
miss is followed by a SET of the key (the cache-aside pattern). Both servers run with the
same maxmemory and policy (allkeys-lru, allkeys-lfu), one after the other, on the same
trace. The trace is sent in batches: the batch's GETs pipelined, then the SETs for its
misses, so the exact-LRU simulation replays precisely the order of accesses each server saw.

Exact LRU is simulated with the capacity (in keys) each server actually held in the
measured phase (its mean DBSIZE), so "within N points of exact LRU" isolates the eviction
choice from the bytes per key; duet usually holds more keys in the same maxmemory (fewer
bytes per key), which is its own, separate, advantage.

"Fits": maxmemory / (value size + 100 bytes) keys, roughly redis-server's cost per key; the
key space is --keyspace-factor (10) times that. The first --warmup fraction of the trace
fills the cache and is not counted.

  bench/hit_ratio.py                     # 3 rounds, medians, ~3-5 min
  bench/hit_ratio.py --quick             # a short run that checks the script

Prints a table; exit 0 (targets are reported, never asserted), 1 on a failed measurement.
"""

import argparse
import bisect
import collections
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn, ErrorReply, encode  # noqa: E402
from duetbench.stats import median  # noqa: E402

def parse_memory(text):
    units = {"kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3}
    t = text.lower()
    for u, m in units.items():
        if t.endswith(u):
            return int(float(t[:-2]) * m)
    return int(t)


def zipf_trace(n_keys, n_requests, s, seed):
    """Key ids (ranks shuffled so hotness is unrelated to the id) drawn Zipf(s)."""
    rng = random.Random(seed)
    cum, total = [], 0.0
    for r in range(1, n_keys + 1):
        total += 1.0 / (r ** s)
        cum.append(total)
    ids = list(range(n_keys))
    rng.shuffle(ids)
    rand, bis = rng.random, bisect.bisect_left
    return [ids[bis(cum, rand() * total)] for _ in range(n_requests)]


def connect_with_limit(server, policy, maxmemory):
    """A connection to the started server, after CONFIG SET of the policy and maxmemory."""
    c = Conn(server.port, timeout=60)
    for k, v in (("maxmemory-policy", policy), ("maxmemory", maxmemory)):
        if c.call("CONFIG", "SET", k, v) != "OK":
            raise BenchError(f"{server.side}: CONFIG SET {k} failed")
    return c


def info_int(conn, section, field):
    v = conn.info_field(section, field)
    if v is None:
        raise BenchError(f"INFO {section} has no {field}")
    return int(v)


def run_server(server, policy, maxmemory, trace, warmup, value, batch):
    server.start()
    try:
        c = connect_with_limit(server, policy, maxmemory)
        get_cmd = {}
        hits = lookups = 0
        sizes = []
        t0 = time.perf_counter()
        for start in range(0, len(trace), batch):
            ids = trace[start:start + batch]
            out = []
            for i in ids:
                g = get_cmd.get(i)
                if g is None:
                    g = get_cmd[i] = encode("GET", b"key:%d" % i)
                out.append(g)
            c.send(b"".join(out))
            got = []
            for r in c.replies(len(ids)):
                if isinstance(r, ErrorReply):
                    raise BenchError(f"{server.side}: GET replied {r}")
                got.append(r is not None)
            misses = [ids[j] for j, h in enumerate(got) if not h]
            if misses:
                c.send(b"".join(encode("SET", b"key:%d" % i, value) for i in misses))
                for r in c.replies(len(misses)):
                    if r != "OK":
                        raise BenchError(f"{server.side}: SET replied {r!r}")
            if start >= warmup:
                hits += sum(got)
                lookups += len(got)
                if (start // batch) % 50 == 0:
                    sizes.append(c.call("DBSIZE"))
        elapsed = time.perf_counter() - t0
        evicted = info_int(c, "stats", "evicted_keys")
        used = info_int(c, "memory", "used_memory")
        server.check_alive()
        return {"hit": hits / lookups, "keys": sum(sizes) / len(sizes), "evicted": evicted,
                "used": used, "seconds": elapsed}
    finally:
        server.stop()


def exact_lru(trace, warmup, capacity, batch):
    """Hit ratio of an exact LRU cache of `capacity` keys under the batched access order."""
    cache = collections.OrderedDict()
    hits = lookups = 0
    move, pop = cache.move_to_end, cache.popitem
    for start in range(0, len(trace), batch):
        ids = trace[start:start + batch]
        misses = []
        for i in ids:
            if i in cache:
                move(i)
                h = True
            else:
                misses.append(i)
                h = False
            if start >= warmup:
                hits += h
                lookups += 1
        for i in misses:
            if i in cache:
                move(i)
            else:
                cache[i] = None
                if len(cache) > capacity:
                    pop(last=False)
    return hits / lookups


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_server_args(p)
    p.add_argument("--maxmemory", default="16mb")
    p.add_argument("--value-size", type=int, default=100)
    p.add_argument("--keyspace-factor", type=float, default=10.0)
    p.add_argument("--requests", type=int, default=2_000_000)
    p.add_argument("--warmup", type=float, default=0.25, help="fraction not counted")
    p.add_argument("--zipf", type=float, default=0.99)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--policies", default="allkeys-lru,allkeys-lfu")
    p.add_argument("--quick", action="store_true", help="small and short: checks the script")
    a = p.parse_args(argv)
    if a.quick:
        a.maxmemory, a.requests, a.rounds = "4mb", 200_000, 1
    maxmemory = parse_memory(a.maxmemory)
    fits = maxmemory // (a.value_size + 100)
    n_keys = int(fits * a.keyspace_factor)
    value = b"v" * a.value_size
    warmup = int(a.requests * a.warmup) // a.batch * a.batch
    policies = a.policies.split(",")
    scratch = tempfile.mkdtemp(prefix="hit-ratio-")
    print(f"hit ratio: maxmemory {a.maxmemory}, {a.value_size}-byte values, {n_keys} keys "
          f"(~{fits} fit), Zipf s={a.zipf}, {a.requests} GETs ({warmup} warm-up), batches of "
          f"{a.batch}, {a.rounds} round(s)", file=sys.stderr)
    results = collections.defaultdict(list)  # (side, policy) -> [dict]
    sims = collections.defaultdict(list)     # (side, policy) -> [exact LRU at its capacity]
    try:
        for rnd in range(a.rounds):
            trace = zipf_trace(n_keys, a.requests, a.zipf, seed=1000 + rnd)
            sides = [("duet", a.duet_bin), ("redis", a.redis_bin)]
            if rnd % 2:
                sides.reverse()
            for policy in policies:
                for side, binary in sides:
                    server = Server(side, binary, scratch)
                    r = run_server(server, policy, maxmemory, trace, warmup, value, a.batch)
                    sim = exact_lru(trace, warmup, int(r["keys"]), a.batch)
                    results[(side, policy)].append(r)
                    sims[(side, policy)].append(sim)
                    print(f"  round {rnd + 1} {side:5} {policy}: hit {r['hit']:.4f}, "
                          f"{r['keys']:.0f} keys held, exact LRU at that size {sim:.4f}, "
                          f"{r['evicted']} evicted, {r['seconds']:.1f}s", file=sys.stderr)
    except BenchError as e:
        print(f"hit_ratio: {e}", file=sys.stderr)
        stop_all()
        return 1

    def med(side, policy, key):
        return median([r[key] for r in results[(side, policy)]])

    lines = ["| policy | metric | duet | redis | duet - redis |", "|---|---|---|---|---|"]
    for policy in policies:
        dh, rh = med("duet", policy, "hit"), med("redis", policy, "hit")
        dk, rk = med("duet", policy, "keys"), med("redis", policy, "keys")
        ds, rs = median(sims[("duet", policy)]), median(sims[("redis", policy)])
        lines.append(f"| {policy} | hit ratio | {dh:.2%} | {rh:.2%} | "
                     f"{(dh - rh) * 100:+.2f} pts |")
        lines.append(f"| {policy} | keys held | {dk:.0f} | {rk:.0f} | x{dk / rk:.2f} |")
        lines.append(f"| {policy} | exact LRU at the keys held | {ds:.2%} | {rs:.2%} | |")
        lines.append(f"| {policy} | hit ratio - exact LRU | {(dh - ds) * 100:+.2f} pts | "
                     f"{(rh - rs) * 100:+.2f} pts | |")
    print(f"\nHit ratio, medians of {a.rounds} round(s); maxmemory {a.maxmemory}, "
          f"{n_keys} keys, Zipf {a.zipf}\n")
    print("\n".join(lines))
    if "allkeys-lru" in policies:
        dh, rh = med("duet", "allkeys-lru", "hit"), med("redis", "allkeys-lru", "hit")
        ds = median(sims[("duet", "allkeys-lru")])
        print(f"\ntargets (allkeys-lru): duet >= redis: {'met' if dh >= rh else 'MISSED'}; "
              f"duet within 2 points of exact LRU: "
              f"{'met' if ds - dh <= 0.02 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
