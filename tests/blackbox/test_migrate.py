#!/usr/bin/env python3
"""MIGRATE between two duet servers: keys of every kind (a stream with a consumer group
among them) move with their TTLs, COPY keeps the source, REPLACE overwrites, KEYS moves
several, the target's errors come back, and the connection is cached (INFO
migrate_cached_sockets)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.servers import ServerProcess  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_rdb import Conn  # noqa: E402


class MigrateTest(unittest.TestCase):

    def setUp(self):
        self.src = ServerProcess("duet")
        self.dst = ServerProcess("duet")

    def tearDown(self):
        self.src.stop()
        self.dst.stop()

    def test_migrate(self):
        s, d = Conn(self.src.port), Conn(self.dst.port)
        host, port = "127.0.0.1", str(self.dst.port)
        s.cmd("SET", "str", "v", "EX", "100")
        s.cmd("RPUSH", "list", "a", "b")
        s.cmd("XADD", "st", "1-1", "f", "v")
        s.cmd("XGROUP", "CREATE", "st", "g", "0")
        info = s.cmd("XINFO", "STREAM", "st", "FULL")
        self.assertEqual(s.cmd("MIGRATE", host, port, "str", "2", "1000"), "OK")
        self.assertEqual(s.cmd("EXISTS", "str"), 0)
        d.cmd("SELECT", "2")
        self.assertEqual(d.cmd("GET", "str"), "v")
        self.assertTrue(90 <= d.cmd("TTL", "str") <= 100)
        self.assertIn("migrate_cached_sockets:1", s.cmd("INFO", "stats"))
        self.assertEqual(s.cmd("MIGRATE", host, port, "", "2", "1000", "COPY", "KEYS", "list",
                               "st", "missing"), "OK")
        self.assertEqual(s.cmd("EXISTS", "list", "st"), 2)
        self.assertEqual(d.cmd("LRANGE", "list", "0", "-1"), ["a", "b"])
        self.assertEqual(d.cmd("XINFO", "STREAM", "st", "FULL"), info)
        self.assertTrue(s.cmd("MIGRATE", host, port, "list", "2", "1000").startswith(
            "-ERR Target instance replied with error: BUSYKEY"))
        self.assertEqual(s.cmd("EXISTS", "list"), 1)
        self.assertEqual(s.cmd("MIGRATE", host, port, "list", "2", "1000", "REPLACE"), "OK")
        self.assertEqual(s.cmd("EXISTS", "list"), 0)
        self.assertEqual(s.cmd("MIGRATE", host, port, "missing", "2", "1000"), "NOKEY")


if __name__ == "__main__":
    unittest.main()
