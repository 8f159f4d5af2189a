#!/usr/bin/env python3
"""Startup load of a 10M-key dataset: RDB, AOF with an RDB base, AOF in commands form; duet vs
redis-server 7.0.15. Issue 13's target: duet's load time <= 0.7x redis's for each form.

The dataset (--keys keys `key:%08d`, generated once and cached): of every 100 keys, 92 strings
(16-byte values; every 10th an integer, every 50th a 64-byte compressible value that the RDB
stores LZF-compressed, every 20th with an absolute TTL in 2100), 2 hashes of 4 fields, 2 lists
of 5 elements, 2 sorted sets of 4 members, a set of integers (intset) and a set of 3 strings;
plus one 1,000-field hash, one 1,000-member sorted set, one 1,000-member string set, one
1,000-integer set and one 20,000-element list (the big encodings). redis-server loads it
(redis-cli --pipe) and writes the three files, cached beside the dataset: SAVE's dump.rdb;
CONFIG SET appendonly yes under aof-use-rdb-preamble yes (Redis 7's default: an RDB base, an
empty incr file); BGREWRITEAOF under aof-use-rdb-preamble no (the base as commands).

Per round, form and side: the file(s) are copied into a fresh directory and the server is
started on it (appendonly yes for the AOF forms); the time is from the exec to the first PONG
with INFO loading:0 (redis replies -LOADING until the data is loaded). Sides alternate order
each round. The server's CPU time (all threads) at that PONG is reported beside it: on a busy
machine the wall time mostly measures the wait for a core. In the first round each side's
DEBUG DIGEST and DBSIZE are compared.

  bench/load.py --nice -10       # 10M keys, 3 rounds (~15 min the first time: the files)
  bench/load.py --quick          # 100k keys, 1 round: checks the script

Prints a table of medians and ratios; exit 0 (targets reported, never asserted), 1 on a
failed measurement or a digest mismatch.
"""

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.pipeload import pipe_load  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.resp import Conn, ErrorReply  # noqa: E402
from duetbench.respgen import encode  # noqa: E402
from duetbench.stats import median  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN_VERSION = 1  # bump when the dataset changes: the cache directory is named after it
TTL_BASE_MS = 4102444800000  # 2100-01-01
FORMS = ("rdb", "aof-rdb", "aof-cmd")
FORM_NAMES = {"rdb": "RDB (dump.rdb)", "aof-rdb": "AOF, RDB base",
              "aof-cmd": "AOF, commands base"}


def _small_key(i):
    """RESP of the command(s) creating key i (see the docstring for the mix)."""
    k = "key:%08d" % i
    slot = i % 100
    if slot < 92:
        if i % 10 == 1:
            v = str(i)
        elif i % 50 == 3:
            v = "x" * 48 + "%016d" % i
        else:
            v = "val:%012d" % i
        if i % 20 == 7:
            return "*5\r\n$3\r\nSET\r\n$12\r\n%s\r\n$%d\r\n%s\r\n$4\r\nPXAT\r\n$13\r\n%d\r\n" % (
                k, len(v), v, TTL_BASE_MS + i)
        return "*3\r\n$3\r\nSET\r\n$12\r\n%s\r\n$%d\r\n%s\r\n" % (k, len(v), v)
    if slot < 94:
        return encode(["HSET", k, "name", "n%d" % i, "count", i % 1000, "state", "active",
                       "ts", 1700000000 + i])
    if slot < 96:
        return encode(["RPUSH", k, "a", "b%d" % i, i, "job:%d" % i, "x"])
    if slot < 98:
        return encode(["ZADD", k, 1, "m1", 2.5, "m%d" % i, i, "z", -3, "neg"])
    if slot < 99:
        return encode(["SADD", k, 1, 2, 3, i])
    return encode(["SADD", k, "red", "green", "b%d" % i])


def _big_keys():
    def batched(cmd, key, n, elems, per=500):
        for s in range(0, n, per):
            args = [cmd, key]
            for j in range(s, min(n, s + per)):
                args += elems(j)
            yield encode(args)

    yield from batched("HSET", "big:hash", 1000, lambda j: ["field:%d" % j, "value:%d" % j])
    yield from batched("ZADD", "big:zset", 1000, lambda j: [j * 1.5, "member:%d" % j])
    yield from batched("SADD", "big:set", 1000, lambda j: ["member:%d" % j])
    yield from batched("SADD", "big:intset", 1000, lambda j: [j * 7])
    yield from batched("RPUSH", "big:list", 20000, lambda j: ["element:%d" % j])


BIG_KEYS = 5


def dataset(cache_dir, keys, log):
    """(path, command count) of the cached RESP file creating the dataset."""
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, "dataset.resp")
    count_path = path + ".n"
    if os.path.exists(count_path):
        with open(count_path) as f:
            return path, int(f.read())
    log(f"  generating {path}")
    n = 0
    with open(path + ".tmp", "wb") as f:
        for start in range(0, keys, 100_000):
            f.write("".join(_small_key(i) for i in range(start, min(keys, start + 100_000)))
                    .encode())
            n += min(keys, start + 100_000) - start
        for c in _big_keys():
            f.write(c.encode())
            n += 1
    os.replace(path + ".tmp", path)
    with open(count_path, "w") as f:
        f.write(str(n))
    return path, n


def wait_rewrite(conn, side, timeout=1800):
    deadline = time.monotonic() + timeout
    while True:
        if (conn.info_field("persistence", "aof_rewrite_in_progress") == "0"
                and conn.info_field("persistence", "aof_rewrite_scheduled") == "0"):
            if conn.info_field("persistence", "aof_last_bgrewrite_status") != "ok":
                raise BenchError(f"{side}: AOF rewrite failed")
            return
        if time.monotonic() > deadline:
            raise BenchError(f"{side}: AOF rewrite did not finish")
        time.sleep(0.2)


def make_files(cache_dir, redis_bin, keys, scratch, log):
    """Cache directory holding rdb/dump.rdb, aof-rdb/appendonlydir, aof-cmd/appendonlydir."""
    done = os.path.join(cache_dir, "files.done")
    if os.path.exists(done):
        return
    path, commands = dataset(cache_dir, keys, log)
    log("  writing the files with redis-server")
    s = Server("redis", redis_bin, scratch)
    s.start()
    try:
        pipe_load(s, path, commands)
        with Conn(s.port, timeout=1800) as c:
            if c.call("DBSIZE") != keys + BIG_KEYS:
                raise BenchError("redis: wrong DBSIZE after loading the dataset")
            for form in FORMS:
                shutil.rmtree(os.path.join(cache_dir, form), ignore_errors=True)
                os.makedirs(os.path.join(cache_dir, form))
            r = c.call("SAVE")
            if isinstance(r, ErrorReply):
                raise BenchError(f"redis: SAVE: {r}")
            shutil.copy(os.path.join(s.dir, "dump.rdb"), os.path.join(cache_dir, "rdb"))
            c.call("CONFIG", "SET", "aof-use-rdb-preamble", "yes")
            c.call("CONFIG", "SET", "appendonly", "yes")
            wait_rewrite(c, "redis")
            shutil.copytree(os.path.join(s.dir, "appendonlydir"),
                            os.path.join(cache_dir, "aof-rdb", "appendonlydir"))
            c.call("CONFIG", "SET", "aof-use-rdb-preamble", "no")
            r = c.call("BGREWRITEAOF")
            if isinstance(r, ErrorReply):
                raise BenchError(f"redis: BGREWRITEAOF: {r}")
            time.sleep(0.5)
            wait_rewrite(c, "redis")
            shutil.copytree(os.path.join(s.dir, "appendonlydir"),
                            os.path.join(cache_dir, "aof-cmd", "appendonlydir"))
    finally:
        s.stop()
    with open(done, "w") as f:
        f.write("ok\n")


def form_args(form):
    if form == "rdb":
        return ["--dbfilename", "dump.rdb"]
    return ["--appendonly", "yes", "--appenddirname", "appendonlydir",
            "--aof-use-rdb-preamble", "yes" if form == "aof-rdb" else "no"]


def wait_pong(server, timeout):
    """Seconds from the exec to the first +PONG. A connection the kernel accepted keeps
    waiting for its reply (a server that does not serve while it loads answers it as soon as
    it does); -LOADING closes it and a new PING follows 10 ms later."""
    deadline = server.started_at + timeout
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                s.settimeout(0.05)
                buf = b""
                while b"\r\n" not in buf and time.monotonic() < deadline:
                    try:
                        data = s.recv(256)
                    except socket.timeout:
                        server.check_alive()
                        continue
                    if not data:
                        break
                    buf += data
                if buf.startswith(b"+PONG"):
                    return time.monotonic() - server.started_at
        except OSError:
            pass
        time.sleep(0.01)
    raise BenchError(f"{server.side}: no PONG within {timeout} s")


def one_start(server, cache_dir, form, check):
    """(seconds from exec to PONG with loading:0, the server's CPU seconds then, DEBUG DIGEST,
    DBSIZE); the last two only when `check`."""
    src = os.path.join(cache_dir, form)

    def setup(d):
        for name in os.listdir(src):
            p = os.path.join(src, name)
            if os.path.isdir(p):
                shutil.copytree(p, os.path.join(d, name))
            else:
                shutil.copy(p, d)

    server.start(setup=setup, wait=False)
    try:
        took = wait_pong(server, 1800)
        cpu = server.cpu_seconds()
        with Conn(server.port, timeout=600) as c:
            if c.info_field("persistence", "loading") != "0":
                raise BenchError(f"{server.side}: PONG while INFO says loading")
            digest = size = None
            if check:
                digest, size = c.call("DEBUG", "DIGEST"), c.call("DBSIZE")
        server.check_alive()
        return took, cpu, digest, size
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--keys", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--forms", default=",".join(FORMS), help="subset of " + ",".join(FORMS))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--nice", type=int, default=None, help="run at this niceness, e.g. -10")
    ap.add_argument("--data-dir", default=None,
                    help="where the servers' directories go (default: the system temp dir)")
    ap.add_argument("--cache-dir", default=os.path.join(REPO, "bench", "results", "cache"))
    args = ap.parse_args()
    if args.quick:
        args.keys, args.rounds = 100_000, 1
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    forms = [f for f in args.forms.split(",") if f]
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    cache = os.path.join(args.cache_dir, f"load-v{GEN_VERSION}-{args.keys}")
    scratch = tempfile.mkdtemp(prefix="bench-load-", dir=args.data_dir)
    times = {}  # (form, side) -> [seconds]
    cpus = {}  # (form, side) -> [server CPU seconds at the first PONG]
    failed = False
    try:
        make_files(cache, args.redis_bin, args.keys, scratch, log)
        for rnd in range(args.rounds):
            for form in forms:
                sides = [Server("duet", args.duet_bin, scratch, form_args(form)),
                         Server("redis", args.redis_bin, scratch, form_args(form))]
                if rnd % 2:
                    sides.reverse()
                seen = {}
                for s in sides:
                    took, cpu, digest, size = one_start(s, cache, form, check=rnd == 0)
                    times.setdefault((form, s.side), []).append(took)
                    cpus.setdefault((form, s.side), []).append(cpu)
                    seen[s.side] = (digest, size)
                    log(f"  round {rnd + 1} {form:7} {s.side:5} {took:.2f} s (CPU {cpu:.2f} s)")
                if rnd == 0 and seen["duet"] != seen["redis"]:
                    log(f"  {form}: DEBUG DIGEST/DBSIZE differ: duet {seen['duet']}, "
                        f"redis {seen['redis']}")
                    failed = True
    except BenchError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        stop_all()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"# Startup load: {args.keys} keys (+{BIG_KEYS} big), {args.rounds} round(s), medians"
          + (f", niceness {args.nice}" if args.nice is not None else "") + "\n")
    print("| file | duet (s) | redis (s) | duet/redis | target | duet CPU (s) | redis CPU (s) "
          "| CPU duet/redis |")
    print("|---|---|---|---|---|---|---|---|")
    for form in forms:
        d, r = median(times[(form, "duet")]), median(times[(form, "redis")])
        dc, rc = median(cpus[(form, "duet")]), median(cpus[(form, "redis")])
        print(f"| {FORM_NAMES[form]} | {d:.2f} | {r:.2f} | {d / r:.2f} | <= 0.70 | {dc:.2f} "
              f"| {rc:.2f} | {dc / rc:.2f} |")
    if failed:
        print("\nFAILED: the loaded data differs (DEBUG DIGEST or DBSIZE)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
