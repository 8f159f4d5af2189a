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
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.procs import BenchError, Server, stop_all  # noqa: E402
from duetbench.stats import median  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise BenchError("connection closed")
        self.buf += data

    def read_bulk_hits(self, n):
        """Reads n GET replies; returns a list of booleans (hit?)."""
        out, pos = [], 0
        while len(out) < n:
            eol = self.buf.find(b"\r\n", pos)
            if eol < 0:
                self.buf = self.buf[pos:]
                pos = 0
                self._fill()
                continue
            head = self.buf[pos:eol]
            if head == b"$-1":
                out.append(False)
                pos = eol + 2
                continue
            if head[:1] != b"$":
                raise BenchError(f"unexpected GET reply {self.buf[pos:pos + 80]!r}")
            end = eol + 2 + int(head[1:]) + 2
            while len(self.buf) < end:
                self._fill()
            out.append(True)
            pos = end
        self.buf = self.buf[pos:]
        return out

    def read_simple(self, n):
        """Reads n one-line replies (+OK / :n / -ERR); returns them."""
        out, pos = [], 0
        while len(out) < n:
            eol = self.buf.find(b"\r\n", pos)
            if eol < 0:
                self.buf = self.buf[pos:]
                pos = 0
                self._fill()
                continue
            out.append(self.buf[pos:eol])
            pos = eol + 2
        self.buf = self.buf[pos:]
        return out

    def command(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        eol = self._line()
        head = self.buf[:eol]
        if head[:1] == b"$":
            n = int(head[1:])
            end = eol + 2 + max(n, 0) + (2 if n >= 0 else 0)
            while len(self.buf) < end:
                self._fill()
            body = self.buf[eol + 2:eol + 2 + max(n, 0)]
            self.buf = self.buf[end:]
            return body
        self.buf = self.buf[eol + 2:]
        return head

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                return i
            self._fill()


def info_field(conn, section, name):
    text = conn.command("INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    return None


def connect_with_limit(server, policy, maxmemory):
    """A connection to the started server, after CONFIG SET of the policy and maxmemory."""
    c = Conn(server.port)
    for k, v in (("maxmemory-policy", policy), ("maxmemory", maxmemory)):
        if c.command("CONFIG", "SET", k, v) != b"+OK":
            raise BenchError(f"{server.side}: CONFIG SET {k} failed")
    return c


def run_server(server, policy, maxmemory, trace, warmup, value, batch):
    server.start()
    try:
        c = connect_with_limit(server, policy, maxmemory)
        get_cmd = {}
        val = b"$%d\r\n%s\r\n" % (len(value), value)
        hits = lookups = 0
        sizes = []
        t0 = time.perf_counter()
        for start in range(0, len(trace), batch):
            ids = trace[start:start + batch]
            out = []
            for i in ids:
                g = get_cmd.get(i)
                if g is None:
                    k = b"key:%d" % i
                    g = get_cmd[i] = (b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k))
                out.append(g)
            c.sock.sendall(b"".join(out))
            got = c.read_bulk_hits(len(ids))
            misses = [ids[j] for j, h in enumerate(got) if not h]
            if misses:
                sets = []
                for i in misses:
                    k = b"key:%d" % i
                    sets.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n%s" % (len(k), k, val))
                c.sock.sendall(b"".join(sets))
                for r in c.read_simple(len(misses)):
                    if r != b"+OK":
                        raise BenchError(f"{server.side}: SET replied {r!r}")
            if start >= warmup:
                hits += sum(got)
                lookups += len(got)
                if (start // batch) % 50 == 0:
                    sizes.append(int(c.command("DBSIZE")[1:]))
        elapsed = time.perf_counter() - t0
        evicted = int(info_field(c, "stats", "evicted_keys"))
        used = int(info_field(c, "memory", "used_memory"))
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
    p.add_argument("--duet-bin", default=os.environ.get(
        "DUET_BIN", os.path.join(ROOT, "build", "release", "duet-server")))
    p.add_argument("--redis-bin", default="redis-server")
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
