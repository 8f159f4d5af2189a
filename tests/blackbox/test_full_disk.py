#!/usr/bin/env python3
"""A full disk under the AOF and the RDB, against the real binary (issue 13's fault tests).

The server's `dir` is a small tmpfs mounted for the test, filled up by the server's own
writes; a ballast file written before the server starts is deleted to give space back.
- appendfsync everysec: once a write() fails, every write command gets Redis's `-MISCONF
  Errors writing to the AOF file: ...`, reads still work, and within a few seconds of space
  returning writes are accepted again (INFO aof_last_write_status:ok). After a restart every
  write that was acknowledged, including the ones whose AOF write failed first and were
  retried, is there with its value.
- appendfsync always: the server refuses to go on (Redis's "Can't recover from AOF write
  error when the AOF fsync policy is 'always'. Exiting..."), no reply of an unwritten command
  leaves it; restarted with space back, it loads every acknowledged write and not more than
  the one in flight.
- RDB: a BGSAVE that fails for lack of space sets rdb_last_bgsave_status:err and, with
  stop-writes-on-bgsave-error yes and a save point, write commands get Redis's RDB -MISCONF
  text; a BGSAVE
  that succeeds once space is back accepts writes again.

redis-server 7.0.15 passes the same tests (DUET_BIN=redis-server). Needs root (mount -t
tmpfs); skipped otherwise, with the reason."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.servers import duet_binary, free_port  # noqa: E402
from tests.lib.waiting import wait_until  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_rdb import Conn as RdbConn  # noqa: E402
from test_clients import ConnectionClosed  # noqa: E402  (the class test_rdb.Conn raises)

AOF_MISCONF = "-MISCONF Errors writing to the AOF file: No space left on device"
RDB_MISCONF = (
    "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.")
VALUE = "v" * 1000


class Conn(RdbConn):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()


@unittest.skipUnless(os.geteuid() == 0, "mounting the tmpfs needs root")
class FullDiskTest(unittest.TestCase):
    def setUp(self):
        self.mnt = tempfile.mkdtemp(prefix="duet-full-disk-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", self.mnt], check=True)
        self.procs = []
        self.log_path = os.path.join(tempfile.mkdtemp(prefix="duet-full-disk-log-"), "server.log")
        self.port = free_port()
        self.ballast = os.path.join(self.mnt, "ballast")
        with open(self.ballast, "wb") as f:
            f.write(b"\0" * (1 << 20))

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        subprocess.run(["umount", self.mnt], check=True)
        os.rmdir(self.mnt)
        shutil.rmtree(os.path.dirname(self.log_path), ignore_errors=True)

    def start(self, *args):
        argv = [duet_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                self.mnt, "--save", ""] + list(args)
        with open(self.log_path, "a") as log:
            p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(p)

        def ready():
            self.assertIsNone(p.poll(), "duet exited: " + self.log()[-2000:])
            try:
                with Conn(self.port) as c:
                    return c.cmd("PING") == "PONG"
            except OSError:
                return False

        wait_until(ready, "duet to answer PING", timeout=30)
        return p

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def fill(self, c):
        """SETs of 1 KB values until one is refused or the connection ends: the number
        acknowledged, and the refusal (None when the server closed the connection)."""
        for i in range(100000):
            try:
                r = c.cmd("SET", f"k{i}", VALUE)
            except (OSError, ConnectionClosed):
                return i, None
            if r != "OK":
                return i, r
        self.fail("the 3 MB disk never filled")

    def assert_keys(self, c, n):
        for i in range(n):
            self.assertEqual(c.cmd("GET", f"k{i}"), VALUE, f"k{i} of {n} acknowledged")

    def test_everysec_refuses_writes_then_recovers(self):
        p = self.start("--appendonly", "yes", "--appendfsync", "everysec")
        with Conn(self.port) as c:
            acked, refusal = self.fill(c)
            self.assertEqual(refusal, AOF_MISCONF)
            self.assertGreater(acked, 500)
            self.assertEqual(c.cmd("SET", "other", "x"), AOF_MISCONF)
            self.assertEqual(c.cmd("GET", "k0"), VALUE)  # reads go on
            self.assertIn("aof_last_write_status:err", c.cmd("INFO", "persistence"))
            os.unlink(self.ballast)
            wait_until(lambda: c.cmd("SET", "other", "x") == "OK", "writes accepted again",
                       timeout=15, step=0.1)
            self.assertIn("aof_last_write_status:ok", c.cmd("INFO", "persistence"))
            with self.assertRaises(ConnectionClosed):  # it fsyncs the AOF and exits
                c.cmd("SHUTDOWN")
        p.wait(timeout=30)
        self.assertIn("AOF write error looks solved", self.log())
        self.start("--appendonly", "yes", "--appendfsync", "everysec")
        with Conn(self.port) as c:
            self.assertEqual(c.cmd("DBSIZE"), acked + 1)
            self.assert_keys(c, acked)
            self.assertEqual(c.cmd("GET", "other"), "x")

    def test_always_exits_without_acknowledging_the_unwritten(self):
        p = self.start("--appendonly", "yes", "--appendfsync", "always")
        with Conn(self.port) as c:
            acked, refusal = self.fill(c)
        self.assertIsNone(refusal, "the connection should close, not answer")
        self.assertGreater(acked, 500)
        self.assertEqual(p.wait(timeout=30), 1)
        self.assertIn("Can't recover from AOF write error when the AOF fsync policy is 'always'. "
                      "Exiting...", self.log())
        os.unlink(self.ballast)
        self.start("--appendonly", "yes", "--appendfsync", "always")
        with Conn(self.port) as c:
            self.assertIn(c.cmd("DBSIZE"), (acked, acked + 1))  # + the one in flight, if whole
            self.assert_keys(c, acked)
            self.assertEqual(c.cmd("SET", "after", "x"), "OK")

    def test_bgsave_failure_stops_writes_until_a_save_succeeds(self):
        self.start("--appendonly", "no", "--stop-writes-on-bgsave-error", "yes",
                   "--rdbcompression", "no", "--save", "3600 1000000")
        with Conn(self.port) as c:
            for i in range(2500):  # 2.5 MB of data: more than the 2 MB left
                self.assertEqual(c.cmd("SET", f"k{i}", VALUE), "OK")
            self.assertEqual(c.cmd("BGSAVE"), "Background saving started")
            wait_until(lambda: "rdb_bgsave_in_progress:0" in c.cmd("INFO", "persistence"),
                       "the BGSAVE to end", timeout=30, step=0.05)
            self.assertIn("rdb_last_bgsave_status:err", c.cmd("INFO", "persistence"))
            self.assertEqual(c.cmd("SET", "k0", "new"), RDB_MISCONF)
            self.assertEqual(c.cmd("GET", "k0"), VALUE)
            self.assertEqual(os.listdir(self.mnt), ["ballast"])  # the temp file is gone
            os.unlink(self.ballast)
            self.assertEqual(c.cmd("BGSAVE"), "Background saving started")
            wait_until(lambda: "rdb_bgsave_in_progress:0" in c.cmd("INFO", "persistence"),
                       "the second BGSAVE to end", timeout=30, step=0.05)
            self.assertIn("rdb_last_bgsave_status:ok", c.cmd("INFO", "persistence"))
            self.assertEqual(c.cmd("SET", "k0", "new"), "OK")
        self.assertIn("No space left on device", self.log())


if __name__ == "__main__":
    unittest.main()
