#!/usr/bin/env python3
"""The process title (`ps`, /proc/<pid>/cmdline) as redis-server 7.0.15 sets it: the
proc-title-template expanded at startup and on CONFIG SET, longer than the original command
line if need be; a bad template refused with Redis's error."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess, duet_binary  # noqa: E402


def title(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().rstrip(b"\0").decode()


def call(conn, *args):
    conn.send(encode(list(args)))
    return conn.read_reply()


class ProcTitleTest(unittest.TestCase):
    def check(self, kind, binary):
        server = ServerProcess(kind)
        self.addCleanup(server.stop)
        c = RawConnection(server.port)
        self.addCleanup(c.close)
        port = server.port
        # the default template: "{title} {listen-addr} {server-mode}", trimmed
        self.assertEqual(title(server.proc.pid), f"{binary} 127.0.0.1:{port}")
        long_tmpl = "TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file} " + "x" * 60
        self.assertEqual(call(c, "CONFIG", "SET", "proc-title-template", long_tmpl), b"+OK\r\n")
        self.assertEqual(title(server.proc.pid),
                         f"TEST {binary} 127.0.0.1:{port} {port} 0  - " + "x" * 60)
        self.assertEqual(
            call(c, "CONFIG", "SET", "proc-title-template", "{invalid-var}"),
            b"-ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - "
            b"template format is invalid or contains unknown variables\r\n")
        self.assertEqual(call(c, "CONFIG", "SET", "proc-title-template", "{{literal} {port}"),
                         b"+OK\r\n")
        self.assertEqual(title(server.proc.pid), f"{{literal}} {port}")
        self.assertEqual(call(c, "PING"), b"+PONG\r\n")

    def test_duet(self):
        self.check("duet", duet_binary())

    def test_redis_behaves_the_same(self):
        self.check("redis", "redis-server")


if __name__ == "__main__":
    unittest.main()
