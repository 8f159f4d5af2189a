#!/usr/bin/env python3
"""PUBLISH fan-out: messages delivered per second to 100 subscribers of one channel, duet vs
redis-server 7.0.15 (issue 11's target: >= 1.2x).

Per round and side: a fresh server; --subscribers connections SUBSCRIBE to one channel and
are drained by one reader thread (large recv()s, only bytes counted: every message has the
same size); redis-benchmark then sends --publishes PUBLISH commands (-c 4 -P 16, a
--size-byte payload). The rate is deliveries (publishes x subscribers) over the time from the
first PUBLISH to the last byte received; the server's CPU seconds per million deliveries
(utime+stime across the run) is the steadier figure on a shared machine. The pubsub output
buffer limit is lifted on both sides so a slow reader cannot get a subscriber dropped.

  bench/pubsub_fanout.py                 # 3 rounds, medians, ~1 min
  bench/pubsub_fanout.py --quick         # a short run that checks the script

Prints a table; exit 0 (the target is reported, never asserted), 1 on a failed measurement.
"""

import argparse
import os
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn  # noqa: E402
from duetbench.stats import median  # noqa: E402

CHANNEL = b"bench-channel"


def message_size(payload_len):
    body = b"*3\r\n$7\r\nmessage\r\n$%d\r\n%s\r\n$%d\r\n" % (len(CHANNEL), CHANNEL, payload_len)
    return len(body) + payload_len + 2


class Reader(threading.Thread):
    """Drains every subscriber socket, counting bytes, until `expected` bytes arrived."""

    def __init__(self, socks, expected):
        super().__init__(daemon=True)
        self.socks, self.expected = socks, expected
        self.received = 0
        self.done_at = None

    def run(self):
        sel = selectors.DefaultSelector()
        for s in self.socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + 600
        while self.received < self.expected and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1.0):
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    raise BenchError("a subscriber was disconnected")
                self.received += len(data)
        self.done_at = time.monotonic()


def subscribe(port, n):
    socks = []
    confirm = b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%s\r\n:1\r\n" % (len(CHANNEL), CHANNEL)
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(CHANNEL), CHANNEL))
        got = b""
        while len(got) < len(confirm):
            got += s.recv(len(confirm) - len(got))
        if got != confirm:
            raise BenchError(f"unexpected SUBSCRIBE reply {got!r}")
        socks.append(s)
    return socks


def one_run(server, args):
    server.start()
    socks = []
    try:
        c = Conn(server.port, timeout=60)
        if c.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0") != "OK":
            raise BenchError(f"{server.side}: CONFIG SET client-output-buffer-limit failed")
        socks = subscribe(server.port, args.subscribers)
        reply = c.call("PUBSUB", "NUMSUB", CHANNEL.decode())
        if int(reply[1]) != args.subscribers:
            raise BenchError(f"{server.side}: NUMSUB {reply}")
        deliveries = args.publishes * args.subscribers
        reader = Reader(socks, deliveries * message_size(args.size))
        reader.start()
        cpu0 = server.cpu_seconds()
        t0 = time.monotonic()
        proc = subprocess.run(
            ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "4", "-P", "16",
             "-n", str(args.publishes), "-q", "PUBLISH", CHANNEL.decode(), "x" * args.size],
            capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or "rror" in proc.stdout + proc.stderr:
            raise BenchError(f"{server.side}: redis-benchmark: {(proc.stdout + proc.stderr)[:300]}")
        reader.join(620)
        if reader.received < reader.expected:
            raise BenchError(f"{server.side}: {reader.received} of {reader.expected} bytes "
                             "delivered")
        wall = reader.done_at - t0
        cpu = server.cpu_seconds() - cpu0
        server.check_alive()
        return {"rate": deliveries / wall, "cpu_s_per_m": cpu * 1e6 / deliveries}
    finally:
        for s in socks:
            s.close()
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--subscribers", type=int, default=100)
    ap.add_argument("--publishes", type=int, default=200000)
    ap.add_argument("--size", type=int, default=16, help="payload bytes")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.publishes = 1, 5000
    scratch = tempfile.mkdtemp(prefix="pubsub-bench-")
    sides = [Server("duet", args.duet_bin, scratch), Server("redis", args.redis_bin, scratch)]
    results = {s.side: [] for s in sides}
    try:
        for r in range(args.rounds):
            for s in sides:
                res = one_run(s, args)
                results[s.side].append(res)
                print(f"round {r + 1} {s.side}: {res['rate'] / 1e6:.2f}M deliveries/s, "
                      f"{res['cpu_s_per_m']:.3f} CPU s per 1M", file=sys.stderr)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        stop_all()
        return 1
    med = {side: {k: median([x[k] for x in rs]) for k in ("rate", "cpu_s_per_m")}
           for side, rs in results.items()}
    d, rd = med["duet"], med["redis"]
    print(f"PUBLISH to {args.subscribers} subscribers ({args.size}-byte payload, "
          f"{args.publishes} publishes, median of {args.rounds})")
    print("| metric | duet | redis | duet/redis | target |")
    print("|---|---|---|---|---|")
    print(f"| deliveries/s | {d['rate']:,.0f} | {rd['rate']:,.0f} | "
          f"{d['rate'] / rd['rate']:.2f}x | >= 1.2x |")
    print(f"| server CPU s per 1M deliveries | {d['cpu_s_per_m']:.3f} | {rd['cpu_s_per_m']:.3f} | "
          f"{d['cpu_s_per_m'] / rd['cpu_s_per_m']:.2f}x | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
