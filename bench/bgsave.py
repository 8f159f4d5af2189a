#!/usr/bin/env python3
"""BGSAVE under a full-speed writer: peak memory, longest command stall and save time, duet
(fork-less snapshot) vs redis-server 7.0.15 (fork + copy-on-write). Issue 13's targets: peak
PSS of the server and any child <= 1.1x the dataset, longest PING <= 5 ms, save time <= redis's.

Per round and side: a fresh server is loaded with --keys SET commands (`key:%08d`, 16-byte
values, redis-cli --pipe); the dataset is the server's PSS once it settles. A writer process
then overwrites random existing keys as fast as it can (pipelines of 100 SETs on 4
connections), a PING process times a PING every 1 ms (as latency-under-load), and after 2 s
two BGSAVEs run one after the other (the longest PING of those 2 s is reported too: the
machine's own noise under the same load). During the first, the PSS of the server plus its
children (redis's fork) is sampled every 100 ms (/proc/<pid>/smaps_rollup); the peak over the
dataset is the memory ratio. The second is not sampled (reading smaps_rollup walks the page
tables under the server's mmap lock, and a server mmap/munmap waits for the walk: ~30 ms PINGs
at 10M keys on either server) and gives the PING figures, the save time (BGSAVE to
rdb_bgsave_in_progress:0) and the writer's rate during the save.

  bench/bgsave.py                # 10M keys, 3 rounds (~10 min; the load file is 550 MB, cached)
  bench/bgsave.py --quick        # 200k keys, 1 round: checks the script
  bench/bgsave.py --big-key 1000000 --keys 1000000
                                 # plus a zset and a list of that many members each, and a
                                 # client that writes to both (ZADD, RPUSH) during the saves:
                                 # the stall of a big collection's record (bench/README.md)
  bench/bgsave.py --rt           # as root: event loops and PING at SCHED_FIFO, so that the
                                 # longest PING is the server's own stall (see bench/README.md)

Prints a table; exit 0 (targets are reported, never asserted), 1 on a failed measurement.
"""

import argparse
import multiprocessing
import os
import random
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.latency import Pinger, _ping_stats  # noqa: E402
from duetbench.pipeload import check_dbsize, pipe_load  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn, ErrorReply, encode  # noqa: E402
from duetbench.respgen import set_stream  # noqa: E402
from duetbench.stats import median  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RT_PRIORITY = 10  # SCHED_FIFO priority of the server's event loop under --rt (the PING +1)
RT_RUNTIME = "/proc/sys/kernel/sched_rt_runtime_us"


def unthrottle_rt():
    """Lifts the kernel's real-time throttling (by default SCHED_FIFO threads may use 950 ms of
    each second: an event loop kept 100% busy by the writers would be stopped for 50 ms every
    second, on both sides, before and during the save) and returns the old value."""
    with open(RT_RUNTIME) as f:
        old = f.read().strip()
    with open(RT_RUNTIME, "w") as f:
        f.write("-1\n")
    return old


def restore_rt(old):
    with open(RT_RUNTIME, "w") as f:
        f.write(old + "\n")


def pss_bytes(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def total_pss(pid):
    return pss_bytes(pid) + sum(pss_bytes(c) for c in children(pid))


def settled_pss(pid, max_wait=8.0):
    time.sleep(1.0)
    deadline = time.monotonic() + max_wait
    last = pss_bytes(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = pss_bytes(pid)
        if abs(now - last) <= max(64 * 1024, last // 1000):
            return now
        last = now
    return last


def writer(port, keys, counter, stop, seed):
    """Overwrites random existing keys in pipelines of 100 SETs until `stop` is set."""
    rnd = random.Random(seed)
    batches = []
    for _ in range(64):
        cmds = []
        for _ in range(100):
            k = b"key:%08d" % rnd.randrange(keys)
            cmds.append(b"*3\r\n$3\r\nSET\r\n$12\r\n%s\r\n$16\r\nval:wwwwwwwwwwww\r\n" % k)
        batches.append(b"".join(cmds))
    want = len(b"+OK\r\n") * 100
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    i = 0
    try:
        while not stop.is_set():
            s.sendall(batches[i % len(batches)])
            got = 0
            while got < want:
                data = s.recv(65536)
                if not data:
                    return
                got += len(data)
            with counter.get_lock():
                counter.value += 100
            i += 1
    finally:
        s.close()


def load_big_keys(port, members):
    """A zset and a list of `members` elements each, in pipelined chunks."""
    c = Conn(port, timeout=300)
    chunk = 10000
    for base in range(0, members, chunk):
        top = min(members, base + chunk)
        zadd = ["ZADD", "big:zset"]
        for i in range(base, top):
            zadd += [str(i % 10007), "member:%d" % i]
        c.send(encode(*zadd) + encode("RPUSH", "big:list", *["element:%d" % i
                                                             for i in range(base, top)]))
        for r in c.replies(2):
            if isinstance(r, ErrorReply):
                raise BenchError(f"loading the big keys: {r!r}")
    c.close()


def big_writer(port, counter, stop):
    """ZADD to the big zset and RPUSH to the big list, one round trip each, until `stop`."""
    c = Conn(port, timeout=300)
    i = 0
    try:
        while not stop.is_set():
            c.call("ZADD", "big:zset", "-1", "new:%d" % i)
            c.call("RPUSH", "big:list", "new:%d" % i)
            i += 1
            with counter.get_lock():
                counter.value += 2
    finally:
        c.close()


def _ping_process(port, rt, conn, stop):
    """Runs a Pinger in this process (its own GIL: the parent's INFO polling and PSS
    sampling cannot delay it) until `stop` is set, then sends back its samples."""
    if rt:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(RT_PRIORITY + 1))
    p = Pinger(port)
    p.start()
    stop.wait()
    p.stop()
    conn.send((p.samples, str(p.error) if p.error else None))


class PingProcess:
    """A Pinger in a child process; after stop(), `samples` and `error` as Pinger's."""

    def __init__(self, port, rt):
        self._conn, child = multiprocessing.Pipe()
        self._stop = multiprocessing.Event()
        self._proc = multiprocessing.Process(target=_ping_process,
                                             args=(port, rt, child, self._stop))
        self.samples, self.error = [], None

    def start(self):
        self._proc.start()

    def stop(self):
        self._stop.set()
        if self._conn.poll(60):
            self.samples, self.error = self._conn.recv()
        else:
            self.error = "the PING process sent no samples"
        self._proc.join(10)


def info_field(conn, field):
    text = conn.call("INFO", "persistence")
    text = text.decode() if isinstance(text, bytes) else str(text)
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


def save_and_wait(server, conn, rt, sample):
    """BGSAVE, then polls INFO every 100 ms until the save is done; returns the largest value
    `sample()` gave meanwhile (0 without one). Under --rt, redis's fork child is set back to the
    normal policy as soon as it is seen."""
    reply = conn.call("BGSAVE")
    if str(reply) not in ("Background saving started", "b'Background saving started'"):
        raise BenchError(f"{server.side}: BGSAVE replied {reply!r}")
    t0 = time.monotonic()
    peak = sample() if sample else 0
    while True:
        if rt:
            for child in children(server.pid):
                try:
                    os.sched_setscheduler(child, os.SCHED_OTHER, os.sched_param(0))
                except OSError:
                    pass  # it exited
        if sample:
            peak = max(peak, sample())
        if info_field(conn, "rdb_bgsave_in_progress") == "0":
            break
        if time.monotonic() - t0 > 1800:
            raise BenchError(f"{server.side}: the save did not finish in 30 min")
        time.sleep(0.1)
    status = info_field(conn, "rdb_last_bgsave_status")
    if status != "ok":
        raise BenchError(f"{server.side}: rdb_last_bgsave_status:{status}")
    return peak


def one_round(server, path, keys, log, rt=False, big_key=0):
    server.start()
    procs = []
    try:
        pipe_load(server, path, keys)
        check_dbsize(server, keys)
        if big_key:
            load_big_keys(server.port, big_key)
        dataset = settled_pss(server.pid)
        c = Conn(server.port, timeout=120)
        counter = multiprocessing.Value("q", 0)
        stop = multiprocessing.Event()
        procs = [multiprocessing.Process(target=writer, args=(server.port, keys, counter, stop, n))
                 for n in range(4)]
        big_counter = multiprocessing.Value("q", 0)
        if big_key:
            procs.append(multiprocessing.Process(target=big_writer,
                                                 args=(server.port, big_counter, stop)))
        for p in procs:
            p.start()
        if rt:
            # Only the event-loop thread (the server's first thread): duet's chunk writer keeps
            # the normal policy, and redis's fork child is set back to it as soon as it is seen.
            os.sched_setscheduler(server.pid, os.SCHED_FIFO, os.sched_param(RT_PRIORITY))
        pinger = PingProcess(server.port, rt)
        pinger.start()
        tb = time.monotonic()
        time.sleep(2.0)
        # Two saves: the first samples memory, the second is timed. Reading smaps_rollup walks
        # the server's page tables under its mmap lock, so any mmap/munmap of the server waits
        # for the walk (~30 ms at 10M keys): the PINGs of the sampled save measure the bench.
        peak = save_and_wait(server, c, rt, lambda: total_pss(server.pid))
        time.sleep(1.0)
        w0, b0 = counter.value, big_counter.value
        t0 = time.monotonic()
        save_and_wait(server, c, rt, None)
        t1 = time.monotonic()
        w1, b1 = counter.value, big_counter.value
        stop.set()
        pinger.stop()
        for p in procs:
            p.join(30)
        if pinger.error:
            raise BenchError(f"{server.side}: PING client failed: {pinger.error}")
        c.close()
        server.check_alive()
        # Pinger stamps with perf_counter; the windows are taken on the same clock.
        off = time.perf_counter() - time.monotonic()
        before = [s for s in pinger.samples if tb + off <= s[0] < t0 + off]
        during = [s for s in pinger.samples if t0 + off <= s[0] <= t1 + off]
        stats = _ping_stats(during)
        return {"dataset_mb": dataset / 1e6, "peak_mb": peak / 1e6, "mem_ratio": peak / dataset,
                "save_s": t1 - t0, "ping_max_ms": stats["max_ms"],
                "ping_max_before_ms": _ping_stats(before)["max_ms"], "ping_p999_ms": stats["p999_ms"],
                "writes_per_s": (w1 - w0) / (t1 - t0), "big_writes": b1 - b0}
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--keys", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--big-key", type=int, default=0, metavar="N",
                    help="also a zset and a list of N members each, written to by one more "
                         "client (ZADD, RPUSH) during the saves")
    ap.add_argument("--rt", action="store_true",
                    help="run each server's event-loop thread and the PING process at SCHED_FIFO "
                         "(root): the longest PING is then the server's own stall, not the "
                         "machine's scheduling delay")
    ap.add_argument("--cache-dir", default=os.path.join(REPO, "bench", "results", "cache"))
    args = ap.parse_args()
    if args.quick:
        args.keys, args.rounds = 200_000, 1
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    path = set_stream(args.cache_dir, args.keys, log)
    scratch = tempfile.mkdtemp(prefix="bench-bgsave-")
    sides = [Server("duet", args.duet_bin, scratch), Server("redis", args.redis_bin, scratch)]
    results = {"duet": [], "redis": []}
    old_runtime = unthrottle_rt() if args.rt else None
    try:
        for rnd in range(args.rounds):
            for s in (sides if rnd % 2 == 0 else sides[::-1]):
                r = one_round(s, path, args.keys, log, args.rt, args.big_key)
                results[s.side].append(r)
                log(f"  round {rnd + 1} {s.side:5} peak {r['peak_mb']:.0f} MB / dataset "
                    f"{r['dataset_mb']:.0f} MB = {r['mem_ratio']:.2f}x, save {r['save_s']:.2f} s, "
                    f"PING max {r['ping_max_ms']:.2f} ms, writer {r['writes_per_s']:.0f}/s")
    except BenchError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        stop_all()
        return 1
    finally:
        stop_all()
        if old_runtime is not None:
            restore_rt(old_runtime)

    def med(side, key):
        return median([r[key] for r in results[side]])

    sched = ", event loops and PING at SCHED_FIFO (--rt)" if args.rt else ""
    big = (f", a {args.big_key}-member zset and list written to during the save"
           if args.big_key else "")
    print(f"# BGSAVE under a full-speed writer: {args.keys} keys{big}, {args.rounds} round(s), "
          f"medians{sched}\n")
    print("| metric | duet | redis | duet/redis | target |")
    print("|---|---|---|---|---|")
    rows = [("peak PSS / dataset", "mem_ratio", 2, "duet <= 1.1"),
            ("dataset PSS (MB)", "dataset_mb", 0, ""),
            ("peak PSS (MB)", "peak_mb", 0, ""),
            ("save time (s)", "save_s", 2, "duet <= redis"),
            ("longest PING during the save (ms)", "ping_max_ms", 2, "duet <= 5"),
            ("PING p99.9 during the save (ms)", "ping_p999_ms", 3, ""),
            ("longest PING in the 2 s before BGSAVE (ms)", "ping_max_before_ms", 2, ""),
            ("writer SETs/s during the save", "writes_per_s", 0, "")]
    if args.big_key:
        rows.append(("big-key writes (ZADD+RPUSH) during the save", "big_writes", 0, ""))
    for name, key, digits, target in rows:
        d, r = med("duet", key), med("redis", key)
        ratio = f"{d / r:.2f}" if r else "-"
        print(f"| {name} | {d:.{digits}f} | {r:.{digits}f} | {ratio} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
