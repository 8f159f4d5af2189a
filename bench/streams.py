#!/usr/bin/env python3
"""Streams, duet vs redis-server 7.0.15 (issue 12's targets), side by side, medians of rounds.

throughput (duet-loadgen, -c 50 -P 16; server CPU per request as in bench/run.py):
  xadd        XADD xs * f1 v1 f2 v2                    (N requests)      >= 1.3x, CPU <= 0.7x
  xrange      XRANGE xr - + COUNT 100 on 1,000 entries (N/10)            >= 1.2x
  xreadgroup  XREADGROUP GROUP g c COUNT 10 STREAMS xg > on 10 x N/10 entries (N/10)  >= 1.2x
  xack        XACK xg g <10 random IDs of those entries, mostly pending>  (N/10)     >= 1.2x
  readack     XREADGROUP GROUP rk c COUNT 10 STREAMS xg > + XACK of its 10 IDs, one pipeline
              (N/10 pairs; Python client, 50 connections, 16 pairs in flight)      >= 1.2x
memory (RSS growth per entry, loaded with redis-cli --pipe into a fresh server):
  one 1,000,000-entry stream, 3 small fields (f1 <int> f2 user<n> f3 ok)   <= 0.8x
  100,000 streams of 10 such entries                                       <= 0.9x
wake: 1,000 clients in XREAD BLOCK 0 STREAMS ws $, one XADD; the time from the XADD's send to
  the kernel receive timestamp (SO_TIMESTAMPNS) of the last of the 1,000 replies. On loopback
  the kernel stamps a segment inside the server's send (net.core.netdev_tstamp_prequeue=1), so
  this is when the server wrote the last reply. Measured with the client idle while the server
  writes (it drains the sockets afterwards), the target's figure           <= 5 ms
  and the server's CPU time per wake (/proc/<pid>/task/*/schedstat); also, as before, with the
  client reading the replies as they come (on 2 cores the reader competes with the server)

  bench/streams.py [--rounds 3] [-n 1000000] [--entries 1000000] [--waiters 1000]
  bench/streams.py --quick        # 1 round, small sizes: checks the script, not speed
  bench/streams.py --only wake    # one part: throughput, memory or wake

Prints a table; exit 0 (targets reported, never asserted), 1 on a failed measurement.
"""

import argparse
import os
import selectors
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.clients import measure_client  # noqa: E402
from duetbench.pipeload import pipe_load  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn, encode  # noqa: E402
from duetbench.stats import median, ratio  # noqa: E402

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
QUIET_S = 0.25  # how long the client stays idle after a quiet wake's XADD
BASE_MS = 1700000000000


def write_resp(path, commands):
    with open(path, "wb") as f:
        batch = []
        for args in commands:
            batch.append(encode(*args))
            if len(batch) >= 10000:
                f.write(b"".join(batch))
                batch = []
        f.write(b"".join(batch))


def entry_args(i):
    """The ID and 3 small fields of the i-th entry (4 entries per ms)."""
    return ["%d-%d" % (BASE_MS + i // 4, i % 4), "f1", str(i), "f2", "user%d" % (i % 1000),
            "f3", "ok"]


def loadgen(args, server, name, command, requests, keyspace=0):
    argv = [args.loadgen_bin, "-h", "127.0.0.1", "-p", str(server.port), "-c", "50",
            "-P", "16", "-n", str(requests), "--csv", "--name", name]
    if keyspace:
        argv += ["-r", str(keyspace)]
    return measure_client(server, name, argv + command, requests, name)


def read_ack(args, server, pairs, conns=50, depth=16):
    """XREADGROUP COUNT 10 + XACK of the 10 IDs it returns, one pipeline, on stream xg.

    Connection k reads through its own group rk (created at 0), so the IDs each XREADGROUP
    returns are known when the pipeline is built: the j-th pair of connection k reads and
    acks IDs 10j+1-0 .. 10j+10-0. Each connection keeps `depth` pairs in flight. Replies are
    counted by their XACK ':10' (no XREADGROUP reply holds ':' after a CRLF); an error reply
    fails the run, an XACK of fewer than 10 stalls it (timeout), and every group must end with
    nothing pending. The Python client may bound pairs/s; the server CPU us per pair does not
    depend on it. Returns both.
    """
    per_conn = max(1, pairs // conns)
    socks = []
    with Conn(server.port) as c:
        for k in range(conns):
            if c.call("XGROUP", "CREATE", "xg", "r%d" % k, "0") != "OK":
                raise BenchError(f"{server.side}: XGROUP CREATE r{k} failed")
    chunks = []  # the same pipeline bytes for every connection, but for the group name
    for k in range(conns):
        group = "r%d" % k
        cmds = []
        for j in range(per_conn):
            ids = ["%d-0" % (10 * j + i) for i in range(1, 11)]
            cmds.append(encode("XREADGROUP", "GROUP", group, "c", "COUNT", "10", "STREAMS", "xg",
                               ">") + encode("XACK", "xg", group, *ids))
        chunks.append([b"".join(cmds[i:i + depth]) for i in range(0, per_conn, depth)])
    for k in range(conns):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        s.setblocking(False)
        socks.append(s)
    sel = selectors.DefaultSelector()
    state = {}
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    for k, s in enumerate(socks):
        if s.send(chunks[k][0]) != len(chunks[k][0]):
            raise BenchError("read+ack: a pipeline did not fit the socket buffer")
        state[s] = [k, 0, b"", 0]  # conn, chunk index, tail, acks seen in this chunk
        sel.register(s, selectors.EVENT_READ)
    left = conns
    deadline = time.monotonic() + 600
    while left:
        if time.monotonic() > deadline:
            raise BenchError(f"{server.side}: read+ack run timed out")
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            st = state[s]
            data = s.recv(1 << 20)
            if not data:
                raise BenchError(f"{server.side}: connection closed during read+ack")
            buf = st[2] + data
            if b"\r\n-" in buf or buf.startswith(b"-"):
                raise BenchError(f"{server.side}: unexpected reply in read+ack: {buf[:200]!r}")
            st[3] += buf.count(b"\r\n:10\r\n") + (1 if buf.startswith(b":10\r\n") else 0)
            st[2] = buf[-6:]
            st[2] = b"" if st[2].endswith(b":10\r\n") else st[2]
            n_chunk = min(depth, per_conn - st[1] * depth)
            if st[3] >= n_chunk:
                st[1] += 1
                st[3] = 0
                st[2] = b""
                if st[1] < len(chunks[st[0]]):
                    if s.send(chunks[st[0]][st[1]]) != len(chunks[st[0]][st[1]]):
                        raise BenchError("read+ack: a pipeline did not fit the socket buffer")
                else:
                    sel.unregister(s)
                    left -= 1
    elapsed = time.monotonic() - t0
    cpu = server.cpu_seconds() - cpu0
    sel.close()
    for s in socks:
        s.close()
    total = per_conn * conns
    with Conn(server.port) as c:
        for k in range(conns):
            if c.call("XPENDING", "xg", "r%d" % k)[0] != 0:
                raise BenchError(f"{server.side}: r{k} still has pending entries")
    return {"rps": total / elapsed, "cpu_us_per_op": cpu * 1e6 / total}


def throughput(args, server, scratch):
    n, m = args.requests, args.requests // 10
    grouped = 10 * m
    path = os.path.join(scratch, "xg-%d.resp" % grouped)
    if not os.path.exists(path):
        write_resp(path, [["XADD", "xr", "%d-0" % (i + 1), "f1", "v1", "f2", "v2"]
                          for i in range(1000)] +
                   [["XADD", "xg", "%d-0" % i, "f1", "v1", "f2", "v2"]
                    for i in range(1, grouped + 1)])
    server.start()
    try:
        pipe_load(server, path, 1000 + grouped)
        with Conn(server.port) as c:
            if c.call("XGROUP", "CREATE", "xg", "g", "0") != "OK":
                raise BenchError(f"{server.side}: XGROUP CREATE failed")
        out = {}
        out["xadd"] = loadgen(args, server, "xadd", ["XADD", "xs", "*", "f1", "v1", "f2", "v2"],
                              n)
        out["xrange"] = loadgen(args, server, "xrange", ["XRANGE", "xr", "-", "+", "COUNT", "100"],
                                max(1, n // 10))
        out["xreadgroup"] = loadgen(args, server, "xreadgroup",
                                    ["XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS",
                                     "xg", ">"], m)
        out["xack"] = loadgen(args, server, "xack",
                              ["XACK", "xg", "g"] + ["__rand_int__-0"] * 10, m, grouped)
        out["readack"] = read_ack(args, server, m)
        with Conn(server.port) as c:
            pending = c.call("XPENDING", "xg", "g")[0]
            if c.call("XLEN", "xs") != n or pending >= grouped:
                raise BenchError(f"{server.side}: XLEN xs / XPENDING not as expected")
        return out
    finally:
        server.stop()


def memory(args, server, scratch, case):
    if case == "one-stream":
        count = args.entries
        cmds = (["XADD", "big"] + entry_args(i) for i in range(count))
    else:
        count = args.entries // 10 * 10
        cmds = (["XADD", "stream:%06d" % (i // 10)] + entry_args(i) for i in range(count))
    path = os.path.join(scratch, "%s-%d.resp" % (case, count))
    if not os.path.exists(path):
        write_resp(path, cmds)
    server.start()
    try:
        before = server.settled_rss(min_wait=0.5, max_wait=3)
        pipe_load(server, path, count)
        after = server.settled_rss()
        return {"rss_per_entry": (after - before) / count}
    finally:
        server.stop()


def recv_stamped(sock):
    """recv with the kernel's receive time (CLOCK_REALTIME, seconds) of the data."""
    data, anc, _, _ = sock.recvmsg(1 << 16, socket.CMSG_SPACE(16))
    stamp = None
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", payload[:16])
            stamp = sec + nsec / 1e9
    return data, stamp


def thread_cpu_ns(pid):
    """CPU time (ns) of every thread of `pid`, from /proc/<pid>/task/*/schedstat."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:  # a thread that ended meanwhile
            pass
    return total


def read_whole(server, sock, expect, what):
    """Reads exactly the bytes of `expect` from `sock` (BenchError if they differ or the
    connection closes); returns the latest kernel receive timestamp among them."""
    got, last = b"", 0.0
    while len(got) < len(expect):
        data, stamp = recv_stamped(sock)
        if not data:
            raise BenchError(f"{server.side}: {what}: connection closed")
        got += data
        last = max(last, stamp or time.time())
    if got != expect:
        raise BenchError(f"{server.side}: {what}: reply {got[:100]!r}")
    return last


def wake_once(server, ctl, socks, xadd_sock, new_id, quiet):
    """One wake of the parked readers by XADD ws <new_id> f v: (ms from just before the XADD's
    send to the kernel receive timestamp of the last reply, server CPU ms or None).

    quiet: the client stays idle while the server writes (it sleeps QUIET_S, then drains each
    socket); the receive timestamps are taken by the kernel when the server's send hands the
    segment to loopback, so they time the server's writes without the reader competing with
    the server for the CPUs, and the server's CPU time over the wake can be read. Otherwise
    the replies are read as they arrive (selectors), as a live client would."""
    expect = (b"*1\r\n*2\r\n$2\r\nws\r\n*1\r\n*2\r\n$%d\r\n%s\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
              % (len(new_id), new_id.encode()))
    xadd_reply = b"$%d\r\n%s\r\n" % (len(new_id), new_id.encode())
    deadline = time.monotonic() + 60
    cpu0 = thread_cpu_ns(server.pid) if quiet else 0
    t0 = time.time()
    xadd_sock.sendall(encode("XADD", "ws", new_id, "f", "v"))
    last, cpu = 0.0, None
    if quiet:
        time.sleep(QUIET_S)
        cpu = (thread_cpu_ns(server.pid) - cpu0) / 1e6
        for s in socks:
            last = max(last, read_whole(server, s, expect, "a reader"))
    else:
        sel = selectors.DefaultSelector()
        got = {}
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
            got[s] = b""
        done = 0
        while done < len(socks):
            if time.monotonic() > deadline:
                raise BenchError(f"{server.side}: {done} of {len(socks)} readers woken")
            for key, _ in sel.select(timeout=1.0):
                data, stamp = recv_stamped(key.fileobj)
                if not data:
                    raise BenchError(f"{server.side}: a reader was disconnected")
                got[key.fileobj] += data
                last = max(last, stamp or time.time())
                if len(got[key.fileobj]) >= len(expect):
                    if got[key.fileobj] != expect:
                        raise BenchError(f"{server.side}: reply {got[key.fileobj][:100]!r}")
                    sel.unregister(key.fileobj)
                    done += 1
        sel.close()
    read_whole(server, xadd_sock, xadd_reply, "XADD")
    return (last - t0) * 1000, cpu


def wake(args, server, rounds):
    """Median over `rounds` wakes of each kind (alternating quiet and reading wakes)."""
    server.start()
    socks = []
    try:
        ctl = Conn(server.port, timeout=60)
        ctl.call("XADD", "ws", "1-1", "f", "v")
        xadd_sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        for _ in range(args.waiters):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            socks.append(s)
        quiet_ms, quiet_cpu, live_ms = [], [], []
        for r in range(2 * rounds):
            for s in socks:
                s.sendall(encode("XREAD", "BLOCK", 0, "STREAMS", "ws", "$"))
            deadline = time.monotonic() + 60
            while int(ctl.info_field("clients", "blocked_clients") or 0) < args.waiters:
                if time.monotonic() > deadline:
                    raise BenchError(f"{server.side}: the readers did not all block")
                time.sleep(0.01)
            time.sleep(0.05)  # the parking settled (the last XREADs' replies to INFO are out)
            ms, cpu = wake_once(server, ctl, socks, xadd_sock, "2-%d" % r, quiet=r % 2 == 0)
            if r % 2 == 0:
                quiet_ms.append(ms)
                quiet_cpu.append(cpu)
            else:
                live_ms.append(ms)
        server.check_alive()
        xadd_sock.close()
        return {"wake_ms": median(quiet_ms), "wake_cpu_ms": median(quiet_cpu),
                "wake_live_ms": median(live_ms)}
    finally:
        for s in socks:
            s.close()
        server.stop()


THROUGHPUT = [("xadd", "XADD xs * f1 v1 f2 v2", 1.3, 0.7),
              ("xrange", "XRANGE - + COUNT 100", 1.2, None),
              ("xreadgroup", "XREADGROUP COUNT 10 >", 1.2, None),
              ("xack", "XACK 10 IDs", 1.2, None),
              ("readack", "XREADGROUP COUNT 10 + XACK, one pipeline", 1.2, None)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--loadgen-bin", default=None, help="default: beside the duet binary")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("-n", "--requests", type=int, default=1000000)
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--waiters", type=int, default=1000)
    ap.add_argument("--only", choices=["throughput", "memory", "wake"], action="append")
    ap.add_argument("--nice", type=int, default=None, help="run at this niceness (e.g. -10)")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.nice is not None:
        os.nice(args.nice - os.nice(0))
    if args.quick:
        args.rounds, args.requests, args.entries, args.waiters = 1, 20000, 20000, 100
    if args.loadgen_bin is None:
        args.loadgen_bin = os.path.join(os.path.dirname(os.path.abspath(args.duet_bin)),
                                        "duet-loadgen")
    parts = args.only or ["throughput", "memory", "wake"]
    scratch = tempfile.mkdtemp(prefix="streams-bench-")
    sides = [Server("duet", args.duet_bin, scratch), Server("redis", args.redis_bin, scratch)]
    res = {s.side: {} for s in sides}

    def note(side, key, value):
        res[side].setdefault(key, []).append(value)

    try:
        for r in range(args.rounds):
            order = sides if r % 2 == 0 else sides[::-1]
            for s in order:
                if "throughput" in parts:
                    for test, m in throughput(args, s, scratch).items():
                        note(s.side, test + ":rps", m["rps"])
                        note(s.side, test + ":cpu", m["cpu_us_per_op"])
                        print(f"round {r + 1} {s.side} {test}: {m['rps']:,.0f}/s, "
                              f"{m['cpu_us_per_op']:.2f} us CPU/op", file=sys.stderr)
                if "memory" in parts:
                    for case in ("one-stream", "small-streams"):
                        v = memory(args, s, scratch, case)["rss_per_entry"]
                        note(s.side, case, v)
                        print(f"round {r + 1} {s.side} {case}: {v:.1f} B/entry", file=sys.stderr)
            if "wake" in parts:
                for s in order:
                    w = wake(args, s, 5 if not args.quick else 2)
                    note(s.side, "wake", w["wake_ms"])
                    note(s.side, "wake_cpu", w["wake_cpu_ms"])
                    note(s.side, "wake_live", w["wake_live_ms"])
                    print(f"round {r + 1} {s.side} wake: {w['wake_ms']:.2f} ms (client idle), "
                          f"{w['wake_cpu_ms']:.2f} ms server CPU, {w['wake_live_ms']:.2f} ms "
                          f"(client reading)", file=sys.stderr)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        stop_all()
        return 1
    med = {side: {k: median(v) for k, v in d.items()} for side, d in res.items()}
    d, rd = med["duet"], med["redis"]
    print(f"Streams, duet vs redis-server (median of {args.rounds} rounds; -n {args.requests}, "
          f"{args.entries} entries, {args.waiters} waiters)")
    print("| benchmark | metric | duet | redis | duet/redis | target |")
    print("|---|---|---|---|---|---|")

    def row(name, metric, key, fmt, target):
        if key not in d:
            return
        print(f"| {name} | {metric} | {fmt.format(d[key])} | {fmt.format(rd[key])} | "
              f"{ratio(d[key], rd[key]):.2f}x | {target} |")

    for test, label, t_rps, t_cpu in THROUGHPUT:
        row(label, "requests/s", test + ":rps", "{:,.0f}", f">= {t_rps}x")
        row(label, "server CPU us/request", test + ":cpu", "{:.3f}",
            f"<= {t_cpu}x" if t_cpu else "")
    row(f"one stream of {args.entries} entries", "RSS bytes/entry", "one-stream", "{:.1f}",
        "<= 0.8x")
    row(f"{args.entries // 10} streams x 10 entries", "RSS bytes/entry", "small-streams",
        "{:.1f}", "<= 0.9x")
    if "wake" in d:
        print(f"| {args.waiters} XREAD BLOCK woken by one XADD | ms to the last reply out | "
              f"{d['wake']:.2f} | {rd['wake']:.2f} | {ratio(d['wake'], rd['wake']):.2f}x | "
              f"duet <= 5 ms |")
        print(f"| same | server CPU ms per wake | {d['wake_cpu']:.2f} | {rd['wake_cpu']:.2f} | "
              f"{ratio(d['wake_cpu'], rd['wake_cpu']):.2f}x | |")
        print(f"| same, the client reading meanwhile | ms to the last reply | "
              f"{d['wake_live']:.2f} | {rd['wake_live']:.2f} | "
              f"{ratio(d['wake_live'], rd['wake_live']):.2f}x | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
