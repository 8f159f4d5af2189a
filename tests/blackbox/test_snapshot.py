#!/usr/bin/env python3
"""Fork-less background snapshots against the real binary:
- BGSAVE in the middle of one pipelined stream of writes: the file (redis-check-rdb OK) holds
  exactly the values written before BGSAVE, none of the overwrites, deletes and new keys
  after it, while other connections write concurrently;
- BGSAVE with a 1M-member zset and a 1M-element list (written in steps across event-loop
  slices) while a client writes to both and another PINGs: the writes are held until the key's
  record is done and then all applied; the file (redis-check-rdb OK) loaded into redis-server
  and into duet holds exactly the values of the save's start (DEBUG DIGEST-VALUE);
- BGREWRITEAOF under concurrent INCR writers (appendfsync always): after several rewrites and
  a restart every counter equals the number of INCRs the server acknowledged (a write that
  reached both the new base and the new incremental file would count twice)."""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess  # noqa: E402
from tests.lib.waiting import wait_until  # noqa: E402


def info_field(conn, field):
    conn.send(encode(["INFO", "persistence"]))
    text = conn.read_reply().decode()
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


def pipeline(conn, commands):
    conn.send(b"".join(encode(c) for c in commands))
    return [conn.read_reply() for _ in commands]


class Writer(threading.Thread):
    """INCRs its own keys in pipelines of 50, counting acknowledged INCRs per key."""

    def __init__(self, port, prefix, keys):
        super().__init__(daemon=True)
        self.port, self.prefix, self.keys = port, prefix, keys
        self.counts = [0] * keys
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            conn = RawConnection(self.port, timeout=30)
            i = 0
            while not self.stop.is_set():
                batch = [(i + j) % self.keys for j in range(50)]
                replies = pipeline(conn, [["INCR", f"{self.prefix}:{k}"] for k in batch])
                for k, r in zip(batch, replies):
                    if r.startswith(b":"):
                        self.counts[k] += 1
                i += 50
            conn.close()
        except Exception as e:  # reported by the test
            self.error = e


class SnapshotTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="snap-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args):
        s = ServerProcess("duet", extra_args=("--dir", self.tmp) + args)
        self.servers.append(s)
        return s

    def test_bgsave_is_point_in_time(self):
        s = self.start()
        c = RawConnection(s.port, timeout=60)
        n = 200000
        for base in range(0, n, 10000):
            pipeline(c, [["SET", f"k:{i}", f"v{i}-" + "x" * 40] for i in range(base, base + 10000)])
        pipeline(c, [["RPUSH", "list"] + [str(i) for i in range(1000)]])
        others = [Writer(s.port, f"other{w}", 1000) for w in range(2)]
        for w in others:
            w.start()
        # One stream: BGSAVE, then overwrites, deletes, new keys, an in-place push, all
        # applied while the save runs.
        after = [["SET", f"k:{i}", "new"] for i in range(0, n, 7)]
        after += [["DEL", f"k:{i}"] for i in range(3, n, 11)]
        after += [["SET", f"fresh:{i}", "x"] for i in range(5000)]
        after += [["RPUSH", "list", "late"], ["LPOP", "list", "3"]]
        replies = pipeline(c, [["BGSAVE"]] + after)
        self.assertEqual(replies[0], b"+Background saving started\r\n")
        wait_until(lambda: info_field(c, "rdb_bgsave_in_progress") == "0", "the save")
        for w in others:
            w.stop.set()
            w.join(10)
            self.assertIsNone(w.error)
        self.assertEqual(info_field(c, "rdb_last_bgsave_status"), "ok")
        path = os.path.join(self.tmp, "dump.rdb")
        r = subprocess.run(["redis-check-rdb", path], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        c.close()
        s.stop()
        self.servers.remove(s)
        s2 = self.start()
        c2 = RawConnection(s2.port, timeout=60)
        for base in range(0, n, 10000):
            got = pipeline(c2, [["GET", f"k:{i}"] for i in range(base, base + 10000)])
            for i, g in zip(range(base, base + 10000), got):
                v = f"v{i}-" + "x" * 40
                self.assertEqual(g, f"${len(v)}\r\n{v}\r\n".encode(), i)
        self.assertEqual(pipeline(c2, [["EXISTS", "fresh:0", "fresh:4999"]])[0], b":0\r\n")
        self.assertEqual(pipeline(c2, [["LLEN", "list"]])[0], b":1000\r\n")
        self.assertEqual(pipeline(c2, [["LINDEX", "list", "0"]])[0], b"$1\r\n0\r\n")
        c2.close()

    def test_bgsave_of_big_keys_under_writes(self):
        s = self.start()
        c = RawConnection(s.port, timeout=120)
        n = 1000000
        for base in range(0, n, 20000):
            pipeline(c, [["ZADD", "zset"] + [x for i in range(base, base + 20000)
                                             for x in (str(i % 5000), f"member:{i}")],
                         ["RPUSH", "list"] + [f"element:{i}" for i in range(base, base + 20000)]])
        pipeline(c, [["SET", f"small:{i}", "v"] for i in range(1000)])
        digests = pipeline(c, [["DEBUG", "DIGEST-VALUE", "zset", "list"]])[0]
        self.assertEqual(pipeline(c, [["BGSAVE"]])[0], b"+Background saving started\r\n")
        writer = RawConnection(s.port, timeout=120)
        pinger = RawConnection(s.port, timeout=120)
        writes = []
        pings = 0
        # Pipelines of writes to both keys (each waits for the key's record, the later ones in
        # the pipeline behind it) and small keys; PINGs on another connection meanwhile.
        while info_field(c, "rdb_bgsave_in_progress") == "1" or not writes:
            batch = [["ZADD", "zset", "-1", f"new:{len(writes)}"],
                     ["RPUSH", "list", f"new:{len(writes)}"],
                     ["SET", f"small:{len(writes) % 1000}", "new"]]
            writer.send(b"".join(encode(b) for b in batch))
            self.assertEqual(pipeline(pinger, [["PING"]])[0], b"+PONG\r\n")
            pings += 1
            writes.append([writer.read_reply() for _ in batch])
        self.assertGreater(pings, 0)
        self.assertEqual(info_field(c, "rdb_last_bgsave_status"), "ok")
        for i, (z, l, st) in enumerate(writes):
            self.assertEqual(z, b":1\r\n")
            self.assertEqual(l, f":{n + i + 1}\r\n".encode())
            self.assertEqual(st, b"+OK\r\n")
        self.assertEqual(pipeline(c, [["ZCARD", "zset"]])[0], f":{n + len(writes)}\r\n".encode())
        path = os.path.join(self.tmp, "dump.rdb")
        r = subprocess.run(["redis-check-rdb", path], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for c_ in (c, writer, pinger):
            c_.close()
        s.stop()
        self.servers.remove(s)
        loaded = [self.start()]
        red = ServerProcess("redis", extra_args=("--dir", self.tmp))
        self.servers.append(red)
        loaded.append(red)
        for srv in loaded:
            c2 = RawConnection(srv.port, timeout=60)
            self.assertEqual(pipeline(c2, [["DEBUG", "DIGEST-VALUE", "zset", "list"]])[0],
                             digests, srv.kind)
            self.assertEqual(pipeline(c2, [["DBSIZE"]])[0], b":1002\r\n")
            self.assertEqual(pipeline(c2, [["GET", "small:0"]])[0], b"$1\r\nv\r\n")
            c2.close()

    def test_clients_held_by_a_big_key_can_be_killed_and_shut_down(self):
        s = self.start()
        c = RawConnection(s.port, timeout=120)
        for base in range(0, 1000000, 20000):
            pipeline(c, [["ZADD", "zset"] + [x for i in range(base, base + 20000)
                                             for x in (str(i), f"m:{i}")]])
        held = RawConnection(s.port, timeout=120)
        held_id = pipeline(held, [["CLIENT", "ID"]])[0].decode()[1:].strip()
        self.assertEqual(pipeline(c, [["BGSAVE"]])[0], b"+Background saving started\r\n")
        # Held until the zset's record is done (tens of ms), then killed while it waits.
        held.send(b"".join(encode(["ZADD", "zset", "-1", f"new:{i}"]) for i in range(3)))
        self.assertEqual(pipeline(c, [["CLIENT", "KILL", "ID", held_id]])[0], b":1\r\n")
        self.assertEqual(pipeline(c, [["PING"]])[0], b"+PONG\r\n")
        wait_until(lambda: info_field(c, "rdb_bgsave_in_progress") == "0", "the save")
        self.assertEqual(info_field(c, "rdb_last_bgsave_status"), "ok")
        held.close()
        # SHUTDOWN while a client is held: the save stops and the server exits.
        self.assertEqual(pipeline(c, [["BGSAVE"]])[0], b"+Background saving started\r\n")
        held = RawConnection(s.port, timeout=120)
        held.send(encode(["ZADD", "zset", "-2", "late"]))
        c.send(encode(["SHUTDOWN", "NOSAVE"]))
        wait_until(lambda: s.proc.poll() is not None, "the server to exit")
        self.assertEqual(s.proc.returncode, 0)
        held.close()
        c.close()

    def test_aof_rewrite_under_incr_writers_counts_exactly(self):
        s = self.start("--appendonly", "yes", "--appendfsync", "always")
        c = RawConnection(s.port, timeout=60)
        # Enough data that each rewrite spans many event-loop iterations.
        for base in range(0, 100000, 10000):
            pipeline(c, [["SET", f"pad:{i}", "y" * 50] for i in range(base, base + 10000)])
        writers = [Writer(s.port, f"w{w}", 5000) for w in range(3)]
        for w in writers:
            w.start()
        for _ in range(4):
            time.sleep(0.2)
            self.assertIn(pipeline(c, [["BGREWRITEAOF"]])[0],
                          (b"+Background append only file rewriting started\r\n",
                           b"+Background append only file rewriting scheduled\r\n"))
            wait_until(lambda: info_field(c, "aof_rewrite_in_progress") == "0" and
                       info_field(c, "aof_rewrite_scheduled") == "0", "the rewrite")
            self.assertEqual(info_field(c, "aof_last_bgrewrite_status"), "ok")
        time.sleep(0.2)
        for w in writers:
            w.stop.set()
            w.join(10)
            self.assertIsNone(w.error)
        total = sum(sum(w.counts) for w in writers)
        self.assertGreater(total, 0)
        c.close()
        s.stop()
        self.servers.remove(s)
        s2 = self.start("--appendonly", "yes")
        c2 = RawConnection(s2.port, timeout=60)
        for w in writers:
            got = pipeline(c2, [["GET", f"{w.prefix}:{k}"] for k in range(w.keys)])
            for k, g in enumerate(got):
                want = w.counts[k]
                expect = f"${len(str(want))}\r\n{want}\r\n".encode() if want else b"$-1\r\n"
                self.assertEqual(g, expect, f"{w.prefix}:{k}")
        self.assertEqual(pipeline(c2, [["DBSIZE"]])[0],
                         f":{100000 + sum(1 for w in writers for x in w.counts if x)}\r\n".encode())
        c2.close()

    def test_shutdown_stops_the_save_and_waits_for_the_initial_aof(self):
        s = self.start()
        c = RawConnection(s.port, timeout=30)
        pipeline(c, [["SET", f"k:{i}", "v"] for i in range(1000)])
        # One key per 10 ms: the save stays in progress.
        pipeline(c, [["CONFIG", "SET", "rdb-key-save-delay", "10000"]])
        self.assertEqual(pipeline(c, [["BGSAVE"]])[0], b"+Background saving started\r\n")
        temp = os.path.join(self.tmp, f"temp-{s.proc.pid}.rdb")
        wait_until(lambda: os.path.exists(temp), "the temp file")
        self.assertEqual(pipeline(c, [["SAVE"]])[0],
                         b"-ERR Background save already in progress\r\n")
        # SHUTDOWN stops the save as Redis kills its child: the temp file goes.
        c.send(encode(["SHUTDOWN", "NOSAVE"]))
        wait_until(lambda: s.proc.poll() is not None, "the server to exit")
        self.assertFalse(os.path.exists(temp))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "dump.rdb")))
        c.close()

        s = self.start()
        c = RawConnection(s.port, timeout=30)
        pipeline(c, [["SET", f"k:{i}", "v"] for i in range(1000)])
        pipeline(c, [["CONFIG", "SET", "rdb-key-save-delay", "10000"]])
        self.assertEqual(pipeline(c, [["CONFIG", "SET", "appendonly", "yes"]])[0], b"+OK\r\n")
        self.assertEqual(info_field(c, "aof_rewrite_in_progress"), "1")
        self.assertEqual(pipeline(c, [["BGREWRITEAOF"]])[0],
                         b"-ERR Background append only file rewriting already in progress\r\n")
        self.assertTrue(pipeline(c, [["BGSAVE"]])[0].startswith(
            b"-ERR Another child process is active (AOF?): can't BGSAVE right now."))
        self.assertEqual(pipeline(c, [["BGSAVE", "SCHEDULE"]])[0],
                         b"+Background saving scheduled\r\n")
        # The first base of a just enabled AOF is not written: SHUTDOWN refuses unless FORCE.
        self.assertEqual(pipeline(c, [["SHUTDOWN", "NOSAVE"]])[0],
                         b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n")
        c.send(encode(["SHUTDOWN", "NOSAVE", "FORCE"]))
        wait_until(lambda: s.proc.poll() is not None, "the server to exit")
        c.close()

if __name__ == "__main__":
    unittest.main()
