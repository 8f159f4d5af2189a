#!/usr/bin/env python3
"""AOF (Redis 7 multi-part) against the real binaries:
- duet's appendonlydir passes redis-check-aof and loads in redis-server 7.0.15 with the same
  DEBUG DIGEST; redis-server's appendonlydir loads in duet (both directions, the RDB preamble
  and the commands-only form);
- a truncated tail loads (aof-load-truncated) up to the last complete command; a corrupt
  file or manifest stops startup with a message naming the file;
- crash test: writers with acknowledged INCR/RPUSH/HSET/EVAL writes under appendfsync always,
  the server kill -9'ed at random moments and restarted, DUET_CRASH_CYCLES cycles (50 by
  default): no acknowledged write is lost (asserted exactly)."""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess, duet_binary, free_port, serving  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_rdb import Conn as RdbConn, populate  # noqa: E402


class Conn(RdbConn):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()


def digest(port):
    with Conn(port) as c:
        return c.cmd("DEBUG", "DIGEST")


def check_aof(manifest):
    r = subprocess.run(["redis-check-aof", manifest], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


class AofFixture(unittest.TestCase):
    """Servers started on directories under a temp dir, stopped and removed after each test."""

    def setUp(self):
        self.servers = []
        self.tmp = tempfile.mkdtemp(prefix="aof-")

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, kind, d, *args):
        s = ServerProcess(kind, extra_args=("--dir", d, "--appendonly", "yes",
                                            "--enable-debug-command", "yes") + args)
        self.servers.append(s)
        return s

    def stop(self, s):
        s.stop()
        self.servers.remove(s)

    def make_aof(self, d, commands_bytes):
        os.makedirs(os.path.join(d, "appendonlydir"), exist_ok=True)
        with open(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"), "w") as f:
            f.write("file appendonly.aof.1.incr.aof seq 1 type i\n")
        with open(os.path.join(d, "appendonlydir", "appendonly.aof.1.incr.aof"), "wb") as f:
            f.write(commands_bytes)


class AofTest(AofFixture):
    def writes(self, c):
        populate(c)
        c.cmd("INCRBYFLOAT", "f", "1.25")
        c.cmd("SET", "ex", "v", "EX", "100000")
        c.cmd("EVAL", "redis.call('rpush','el','a') return redis.call('incr','ec')", "0")
        c.cmd("MULTI")
        c.cmd("HSET", "mh", "a", "1")
        c.cmd("SELECT", "3")
        c.cmd("SET", "in3", "x")
        c.cmd("EXEC")
        c.cmd("SPOP", "set:str")
        c.cmd("DEL", "l:small")

    def test_duet_aof_loads_in_redis(self):
        for preamble in ("yes", "no"):
            with self.subTest(preamble=preamble):
                d = tempfile.mkdtemp(dir=self.tmp)
                duet = self.start("duet", d, "--aof-use-rdb-preamble", preamble)
                with Conn(duet.port) as c:
                    self.writes(c)
                    if preamble == "yes":
                        # The base as a rewrite writes it, then more incremental commands.
                        self.assertEqual(c.cmd("BGREWRITEAOF"),
                                         "Background append only file rewriting started")
                        c.cmd("SET", "after-rewrite", "1")
                want = digest(duet.port)
                self.stop(duet)
                rc, out = check_aof(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"))
                self.assertEqual(rc, 0, out)
                redis = self.start("redis", d)
                self.assertEqual(digest(redis.port), want)
                self.stop(redis)
                back = self.start("duet", d)
                self.assertEqual(digest(back.port), want)
                self.stop(back)

    def test_redis_aof_loads_in_duet(self):
        for preamble in ("yes", "no"):
            with self.subTest(preamble=preamble):
                d = tempfile.mkdtemp(dir=self.tmp)
                redis = self.start("redis", d, "--aof-use-rdb-preamble", preamble)
                with Conn(redis.port) as c:
                    self.writes(c)
                    c.cmd("BGREWRITEAOF")
                    deadline = time.time() + 10
                    while "aof_rewrite_in_progress:1" in c.cmd("INFO", "persistence") or \
                            "aof_rewrite_scheduled:1" in c.cmd("INFO", "persistence"):
                        self.assertLess(time.time(), deadline)
                        time.sleep(0.05)
                    c.cmd("RPUSH", "after", "1", "2")
                want = digest(redis.port)
                self.stop(redis)
                duet = self.start("duet", d)
                self.assertEqual(digest(duet.port), want)

    def test_old_single_file_is_upgraded(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        with open(os.path.join(d, "appendonly.aof"), "wb") as f:
            f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n")
        duet = self.start("duet", d)
        with Conn(duet.port) as c:
            self.assertEqual(c.cmd("GET", "old"), "1")
        self.assertFalse(os.path.exists(os.path.join(d, "appendonly.aof")))
        with open(os.path.join(d, "appendonlydir", "appendonly.aof.manifest")) as f:
            self.assertEqual(f.read(), "file appendonly.aof seq 1 type b\n"
                                       "file appendonly.aof.1.incr.aof seq 1 type i\n")

    GOOD = (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
            b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")

    def test_truncated_tail_loads(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d, self.GOOD + b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$4\r\nabc")
        duet = self.start("duet", d)
        with Conn(duet.port) as c:
            self.assertEqual(c.cmd("MGET", "a", "b", "c"), ["1", "2", None])
        log = open(duet.log_path).read()
        self.assertIn("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset "
                      f"{len(self.GOOD)} !!!", log)
        # An unfinished transaction at the end is dropped whole.
        self.stop(duet)
        d2 = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d2, self.GOOD + b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nm\r\n$1\r\n1\r\n")
        duet = self.start("duet", d2)
        with Conn(duet.port) as c:
            self.assertEqual(c.cmd("EXISTS", "m"), 0)
            self.assertEqual(c.cmd("GET", "b"), "2")

    def start_fails(self, d, *args):
        port = free_port()
        r = subprocess.run([duet_binary(), "--port", str(port), "--dir", d, "--appendonly", "yes",
                            "--save", ""] + list(args),
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        return r.stdout + r.stderr

    def test_corrupt_file_or_manifest_stops_startup(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d, self.GOOD + b"garbage\r\n" + self.GOOD)
        out = self.start_fails(d)
        self.assertIn("Bad file format reading the append only file appendonly.aof.1.incr.aof", out)
        self.assertIn(f"offset {len(self.GOOD)} of appendonlydir/appendonly.aof.1.incr.aof", out)
        d = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d, self.GOOD + b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$4\r\nabc")
        out = self.start_fails(d, "--aof-load-truncated", "no")
        self.assertIn("Unexpected end of file reading the append only file", out)
        d = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d, self.GOOD)
        with open(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"), "a") as f:
            f.write("file appendonly.aof.1.incr.aof seq 1 type q\n")
        out = self.start_fails(d)
        self.assertIn("Unknown AOF file type", out)
        self.assertIn("at line 2", out)
        d = tempfile.mkdtemp(dir=self.tmp)
        self.make_aof(d, self.GOOD)
        os.unlink(os.path.join(d, "appendonlydir", "appendonly.aof.1.incr.aof"))
        out = self.start_fails(d)
        self.assertIn("appendonly.aof.1.incr.aof", out)

    def test_always_group_commit_keeps_every_reply_in_order(self):
        # appendfsync always holds each loop iteration's output until the fsync of what it
        # wrote completes (several fsyncs in flight): with pipelining clients, a subscriber
        # hearing keyspace events, a MULTI/EXEC, a script and a blocked BLPOP served by
        # another client, every reply and message arrives complete and in order, and the
        # AOF replays to the same data.
        d = tempfile.mkdtemp(dir=self.tmp)
        duet = self.start("duet", d, "--appendfsync", "always",
                          "--notify-keyspace-events", "KEA")
        sub = RawConnection(duet.port, timeout=30)
        sub.send(encode(["SUBSCRIBE", "__keyspace@0__:events"]))
        self.assertEqual(sub.read_reply(), b"*3\r\n$9\r\nsubscribe\r\n$21\r\n"
                         b"__keyspace@0__:events\r\n:1\r\n")
        blocked = RawConnection(duet.port, timeout=30)
        blocked.send(encode(["BLPOP", "queue", "0"]))
        with Conn(duet.port) as c:  # the BLPOP is parked before the writers start
            deadline = time.time() + 10
            while "blocked_clients:1" not in c.cmd("INFO", "clients"):
                self.assertLess(time.time(), deadline)
                time.sleep(0.01)
        errors = []

        def writer(n):
            try:
                conn = RawConnection(duet.port, timeout=30)
                batch = 50
                for r in range(20):
                    cmds = []
                    for i in range(batch):
                        cmds.append(["INCR", f"ctr:{n}"])
                    cmds.append(["MULTI"])
                    cmds.append(["RPUSH", f"list:{n}", str(r)])
                    cmds.append(["INCR", f"ctr:{n}"])
                    cmds.append(["EXEC"])
                    cmds.append(["EVAL", "return redis.call('incr', KEYS[1])", "1", f"ev:{n}"])
                    conn.send(b"".join(encode(x) for x in cmds))
                    base = r * (batch + 1)
                    for i in range(batch):
                        want = b":%d\r\n" % (base + i + 1)
                        got = conn.read_reply()
                        if got != want:
                            raise AssertionError(f"writer {n}: {got!r} != {want!r}")
                    want = [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n",
                            b"*2\r\n:%d\r\n:%d\r\n" % (r + 1, base + batch + 1),
                            b":%d\r\n" % (r + 1)]
                    got = [conn.read_reply() for _ in want]
                    if got != want:
                        raise AssertionError(f"writer {n}: {got!r} != {want!r}")
                conn.close()
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        with Conn(duet.port) as c:
            for i in range(30):
                self.assertEqual(c.cmd("SET", "events", str(i)), "OK")
            self.assertEqual(c.cmd("RPUSH", "queue", "job"), 1)
        for t in threads:
            t.join(timeout=120)
            self.assertFalse(t.is_alive())
        self.assertEqual(errors, [])
        self.assertEqual(blocked.read_reply(), b"*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n")
        for i in range(30):
            self.assertEqual(sub.read_reply(), b"*3\r\n$7\r\nmessage\r\n$21\r\n"
                             b"__keyspace@0__:events\r\n$3\r\nset\r\n")
        with Conn(duet.port) as c:
            self.assertEqual(c.cmd("GET", "ctr:5"), str(20 * 51))
            self.assertEqual(c.cmd("LLEN", "queue"), 0)
            want = digest(duet.port)
        sub.close()
        blocked.close()
        self.stop(duet)
        back = self.start("duet", d)
        self.assertEqual(digest(back.port), want)

    def test_z_crash_loses_no_acknowledged_write(self):
        cycles = int(os.environ.get("DUET_CRASH_CYCLES", "50"))
        d = tempfile.mkdtemp(dir=self.tmp)
        port = free_port()
        args = [duet_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
                "--appendonly", "yes", "--appendfsync", "always", "--save", ""]
        acked = {"counter": 0, "list": 0, "hash": 0, "eval": 0}
        rng = random.Random(os.environ.get("DUET_CRASH_SEED", "13"))
        log = open(os.path.join(d, "server.log"), "a")
        for cycle in range(cycles):
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.time() + 20
                while not serving(port, timeout=0.2):  # listening, and done loading the AOF
                    self.assertIsNone(proc.poll(), "duet exited: " + open(log.name).read()[-2000:])
                    self.assertLess(time.time(), deadline, "duet did not restart")
                    time.sleep(0.02)
                # Everything acknowledged before the last crash is there, exactly.
                with Conn(port) as c:
                    n = int(c.cmd("GET", "counter") or 0)
                    self.assertGreaterEqual(n, acked["counter"])
                    self.assertLessEqual(n, acked["counter"] + 1)  # one in flight may land
                    acked["counter"] = n
                    llen = c.cmd("LLEN", "list")
                    self.assertIn(llen, (acked["list"], acked["list"] + 1))
                    items = c.cmd("LRANGE", "list", "0", "-1")
                    self.assertEqual(items, [str(i) for i in range(1, llen + 1)])
                    acked["list"] = llen
                    hlen = c.cmd("HLEN", "hash")
                    self.assertIn(hlen, (acked["hash"], acked["hash"] + 1))
                    acked["hash"] = hlen
                    ev = int(c.cmd("GET", "eval:n") or 0)
                    self.assertIn(ev, (acked["eval"], acked["eval"] + 1))
                    self.assertEqual(c.cmd("LLEN", "eval:l"), ev)  # the script is atomic
                    acked["eval"] = ev
                stop = threading.Event()
                errors = []

                def writer(kind):
                    try:
                        with Conn(port) as c:
                            while not stop.is_set():
                                if kind == "counter":
                                    v = c.cmd("INCR", "counter")
                                    if not isinstance(v, int):
                                        return
                                    acked["counter"] = v
                                elif kind == "list":
                                    v = c.cmd("RPUSH", "list", str(acked["list"] + 1))
                                    if not isinstance(v, int):
                                        return
                                    acked["list"] = v
                                elif kind == "hash":
                                    v = c.cmd("HSET", "hash", f"f{acked['hash'] + 1}", "x")
                                    if v != 1:
                                        return
                                    acked["hash"] += 1
                                else:
                                    v = c.cmd("EVAL", "redis.call('rpush','eval:l','x') "
                                              "return redis.call('incr','eval:n')", "0")
                                    if not isinstance(v, int):
                                        return
                                    acked["eval"] = v
                    except Exception as e:  # the server was killed mid-command
                        errors.append(e)

                threads = [threading.Thread(target=writer, args=(k,)) for k in acked]
                for t in threads:
                    t.start()
                time.sleep(rng.uniform(0.05, 0.4))
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                stop.set()
                for t in threads:
                    t.join(timeout=10)
                    self.assertFalse(t.is_alive())
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        self.assertGreater(acked["counter"], 0)
        log.close()


if __name__ == "__main__":
    unittest.main()
