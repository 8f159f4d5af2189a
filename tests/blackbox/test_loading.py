#!/usr/bin/env python3
"""Serving clients while the dataset loads, against the real binaries (duet and, as the
oracle for every reply asserted, redis-server 7.0.15):
- a big RDB loaded slowly (key-load-delay, loading-process-events-interval-bytes 1024): PING,
  GET and CONFIG SET dir get the exact -LOADING error (RESP2 and RESP3), INFO, CONFIG SET
  loglevel and CLIENT run, INFO persistence shows loading:1 with true progress fields
  (total bytes = the file's size, loaded bytes and percentage between 0 and 100); once
  loading:0 the whole dataset is there (DBSIZE, DEBUG DIGEST as before the restart);
- the same for an AOF (RDB base + incremental file);
- SHUTDOWN SAVE and SIGTERM during the load exit without saving the half-loaded dataset."""
import os
import re
import shutil
import signal
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import ConnectionClosed, RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess  # noqa: E402
from tests.lib.waiting import wait_until  # noqa: E402

LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"
KEYS = 20000
# 20k keys of 1000 bytes, 150 us each: about 3 s of loading.
SLOW = ("--key-load-delay", "150", "--loading-process-events-interval-bytes", "1024")


def call(conn, *args):
    conn.send(encode(list(args)))
    return conn.read_reply()


def info_fields(conn, section="persistence"):
    text = call(conn, "INFO", section).decode()
    body = text.split("\r\n", 1)[1] if text.startswith("$") else text
    return dict(line.split(":", 1) for line in body.split("\r\n") if ":" in line)


class LoadingTest:
    """Run for each server kind (the subclasses below)."""

    kind = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=f"loading-{self.kind}-")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args, wait_loaded=True):
        base = ("--dir", self.tmp, "--rdbcompression", "no", "--enable-debug-command", "yes",
                "--enable-protected-configs", "yes")
        s = ServerProcess(self.kind, extra_args=base + args, wait_loaded=wait_loaded)
        self.servers.append(s)
        return s

    def connect(self, s):
        conn = RawConnection(s.port, timeout=30)
        self.addCleanup(conn.close)
        return conn

    def stop(self, s):
        s.stop()
        self.servers.remove(s)

    def populate(self, conn):
        self.assertEqual(call(conn, "DEBUG", "POPULATE", str(KEYS), "key", "1000"), b"+OK\r\n")
        return call(conn, "DEBUG", "DIGEST")

    def wait_loading(self, conn):
        """Waits until INFO shows a load past 0.00%; returns its fields."""
        fields = {}

        def started():
            nonlocal fields
            fields = info_fields(conn)
            return fields.get("loading") == "1" and fields.get("loading_loaded_perc") not in (
                None, "0.00")

        wait_until(started, "loading:1 with progress", timeout=20)
        return fields

    def wait_loaded(self, conn):
        wait_until(lambda: info_fields(conn).get("loading") == "0", "loading:0", timeout=120,
                   step=0.1)

    def check_serving_while_loading(self, conn, total_bytes):
        fields = self.wait_loading(conn)
        self.assertEqual(int(fields["loading_total_bytes"]), total_bytes)
        loaded = int(fields["loading_loaded_bytes"])
        self.assertTrue(0 < loaded < total_bytes, fields)
        perc = float(fields["loading_loaded_perc"])
        self.assertTrue(0 < perc < 100, fields)
        self.assertEqual(fields["async_loading"], "0")
        self.assertIn("loading_eta_seconds", fields)
        self.assertIn("loading_start_time", fields)
        self.assertIn("loading_rdb_used_mem", fields)
        # The commands without the loading flag get the error, those with it run.
        self.assertEqual(call(conn, "PING"), LOADING)
        self.assertEqual(call(conn, "GET", "key:1"), LOADING)
        self.assertEqual(call(conn, "DBSIZE"), LOADING)
        self.assertEqual(call(conn, "CONFIG", "SET", "dir", "/tmp"), LOADING)
        self.assertEqual(call(conn, "CONFIG", "SET", "loglevel", "notice"), b"+OK\r\n")
        self.assertEqual(call(conn, "CLIENT", "SETNAME", "loader-watcher"), b"+OK\r\n")
        self.assertEqual(call(conn, "MULTI"), b"+OK\r\n")
        self.assertEqual(call(conn, "SET", "a", "b"), LOADING)
        self.assertTrue(call(conn, "EXEC").startswith(b"-EXECABORT"))
        # RESP3: the same error.
        r3 = RawConnection(conn.sock.getpeername()[1], timeout=30)
        self.addCleanup(r3.close)
        self.assertTrue(call(r3, "HELLO", "3").startswith(b"%"))
        self.assertEqual(call(r3, "PING"), LOADING)
        # Still loading: the progress moved on or stayed, never past the total.
        later = info_fields(conn)
        if later["loading"] == "1":
            self.assertGreaterEqual(int(later["loading_loaded_bytes"]), loaded)
            self.assertLessEqual(int(later["loading_loaded_bytes"]), total_bytes)

    def test_rdb_load_serves_clients(self):
        s = self.start()
        conn = self.connect(s)
        digest = self.populate(conn)
        self.assertEqual(call(conn, "SAVE"), b"+OK\r\n")
        conn.close()
        self.stop(s)
        size = os.path.getsize(os.path.join(self.tmp, "dump.rdb"))
        s = self.start(*SLOW, wait_loaded=False)
        conn = self.connect(s)
        self.check_serving_while_loading(conn, size)
        self.wait_loaded(conn)
        self.assertEqual(call(conn, "PING"), b"+PONG\r\n")
        self.assertEqual(call(conn, "DBSIZE"), f":{KEYS}\r\n".encode())
        self.assertEqual(call(conn, "DEBUG", "DIGEST"), digest)
        fields = info_fields(conn)
        self.assertNotIn("loading_loaded_perc", fields)
        self.assertEqual(fields["rdb_last_load_keys_loaded"], str(KEYS))

    def test_aof_load_serves_clients(self):
        s = self.start("--appendonly", "yes")
        conn = self.connect(s)
        call(conn, "DEBUG", "POPULATE", str(KEYS), "key", "1000")
        self.assertTrue(call(conn, "BGREWRITEAOF").startswith(b"+"))
        wait_until(lambda: info_fields(conn).get("aof_rewrite_in_progress") == "0"
                   and info_fields(conn).get("aof_rewrite_scheduled") == "0",
                   "the rewrite to end", timeout=60)
        # The incremental file: 3000 commands after the base.
        conn.send(b"".join(encode(["SET", f"incr:{i}", "v" * 100]) for i in range(3000)))
        for _ in range(3000):
            self.assertEqual(conn.read_reply(), b"+OK\r\n")
        digest = call(conn, "DEBUG", "DIGEST")
        conn.close()
        self.stop(s)
        aofdir = os.path.join(self.tmp, "appendonlydir")
        total = sum(os.path.getsize(os.path.join(aofdir, f)) for f in os.listdir(aofdir)
                    if not f.endswith(".manifest"))
        s = self.start("--appendonly", "yes", *SLOW, wait_loaded=False)
        conn = self.connect(s)
        self.check_serving_while_loading(conn, total)
        self.wait_loaded(conn)
        self.assertEqual(call(conn, "DBSIZE"), f":{KEYS + 3000}\r\n".encode())
        self.assertEqual(call(conn, "DEBUG", "DIGEST"), digest)

    def restart_loading(self, *args):
        s = self.start("--save", "900 1")
        conn = self.connect(s)
        self.populate(conn)
        self.assertEqual(call(conn, "SAVE"), b"+OK\r\n")
        conn.close()
        self.stop(s)
        path = os.path.join(self.tmp, "dump.rdb")
        with open(path, "rb") as f:
            before = f.read()
        s = self.start("--save", "900 1", *SLOW, *args, wait_loaded=False)
        conn = self.connect(s)
        self.wait_loading(conn)
        return s, conn, path, before

    def test_shutdown_during_load_does_not_save(self):
        s, conn, path, before = self.restart_loading()
        conn.send(encode(["SHUTDOWN", "SAVE"]))
        with self.assertRaises((ConnectionClosed, ConnectionResetError)):
            conn.read_reply()
        self.assertEqual(s.proc.wait(timeout=30), 0)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_sigterm_during_load_does_not_save(self):
        s, conn, path, before = self.restart_loading()
        s.proc.send_signal(signal.SIGTERM)
        self.assertEqual(s.proc.wait(timeout=30), 0)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), before)
        with open(s.log_path) as f:
            log = f.read()
        self.assertIn("Received shutdown signal during loading, scheduling shutdown.", log)
        self.assertIsNone(re.search(r"DB saved on disk", log.split("during loading")[1]))


class DuetLoadingTest(LoadingTest, unittest.TestCase):
    kind = "duet"


class RedisLoadingTest(LoadingTest, unittest.TestCase):
    """The oracle: every assertion above holds for redis-server 7.0.15."""

    kind = "redis"


if __name__ == "__main__":
    unittest.main()
