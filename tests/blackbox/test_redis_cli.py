#!/usr/bin/env python3
"""redis-cli against duet-server: the operator commands of the deployment README
(auth, -n, --pipe, --scan, --no-auth-warning, INFO parsing, inline mode) give the same
output as against redis-server."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.servers import ServerProcess  # noqa: E402

PASSWORD = "cli-test-password"


def cli(port, *args, stdin=None, auth=True):
    cmd = ["redis-cli", "-h", "127.0.0.1", "-p", str(port)]
    if auth:
        cmd += ["-a", PASSWORD, "--no-auth-warning"]
    r = subprocess.run(cmd + list(args), input=stdin, capture_output=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


class RedisCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.duet = ServerProcess("duet", ["--requirepass", PASSWORD])
        cls.redis = ServerProcess("redis", ["--requirepass", PASSWORD])

    @classmethod
    def tearDownClass(cls):
        cls.duet.stop()
        cls.redis.stop()

    def both(self, *args, **kw):
        out = [cli(s.port, *args, **kw) for s in (self.redis, self.duet)]
        self.assertEqual(out[0], out[1], f"redis-cli {args} differs")
        return out[1]

    def test_ping_and_auth(self):
        self.assertEqual(self.both("PING")[1], b"PONG\n")
        rc, out, _ = self.both("PING", auth=False)
        self.assertEqual(out, b"NOAUTH Authentication required.\n\n")

    def test_set_get_with_db_number(self):
        self.both("-n", "3", "FLUSHALL")
        self.assertEqual(self.both("-n", "3", "SET", "greeting", "hello world")[1], b"OK\n")
        self.assertEqual(self.both("-n", "3", "GET", "greeting")[1], b"hello world\n")
        self.assertEqual(self.both("-n", "0", "GET", "greeting")[1], b"\n")
        self.assertEqual(self.both("-n", "3", "DBSIZE")[1], b"1\n")

    def test_pipe_mass_insert(self):
        self.both("FLUSHALL")
        lines = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n" % (len(k), k)
                         for k in (b"pipe:%d" % i for i in range(5000)))
        for s in (self.redis, self.duet):
            rc, out, err = cli(s.port, "--pipe", stdin=lines)
            self.assertEqual(rc, 0, err)
            self.assertIn(b"errors: 0, replies: 5000", out)
        self.assertEqual(self.both("DBSIZE")[1], b"5000\n")

    def test_scan_lists_every_key(self):
        self.both("FLUSHALL")
        for s in (self.redis, self.duet):
            cli(s.port, "MSET", *[x for i in range(300) for x in (f"scan:{i}", "v")])
        outs = [sorted(cli(s.port, "--scan", "--pattern", "scan:1*")[1].split())
                for s in (self.redis, self.duet)]
        self.assertEqual(outs[0], outs[1])
        self.assertEqual(len(outs[1]), 111)

    def test_errors_and_types_in_tty_less_output(self):
        self.both("SET", "n", "10")
        self.assertEqual(self.both("INCRBY", "n", "5")[1], b"15\n")
        self.assertEqual(self.both("INCRBY", "n", "x")[1],
                         b"ERR value is not an integer or out of range\n\n")
        self.assertEqual(self.both("TTL", "n")[1], b"-1\n")
        self.both("--no-raw", "MGET", "n", "missing")

    def test_info_sections_parse(self):
        for s in (self.redis, self.duet):
            rc, out, _ = cli(s.port, "INFO", "server")
            self.assertEqual(rc, 0)
            fields = dict(l.split(":", 1) for l in out.decode().splitlines()
                          if ":" in l and not l.startswith("#"))
            self.assertEqual(fields["redis_version"], "7.0.15")
            self.assertEqual(fields["tcp_port"], str(s.port))

    def test_stdin_commands(self):
        out = self.both(stdin=b"SET a 1\nINCR a\nGET a\n")
        self.assertEqual(out[1], b"OK\n2\n2\n")


if __name__ == "__main__":
    unittest.main(verbosity=1)
