#!/usr/bin/env python3
"""Glob patterns that made a backtracking matcher take exponential time (CVE-2022-36021),
side by side on redis-server 7.0.15 and duet: every command that matches answers at once with
Redis's result, and the server stays responsive. Without the bounded matcher the first KEYS
never returns: the connection's 5 s timeout turns that into a loud failure, not a hang."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_clients import SideBySide, Conn  # noqa: E402

NASTY = "a*" * 20 + "b"  # the pattern
NASTIER = "*" + "a*" * 60 + "?" * 30 + "b"


class GlobTest(SideBySide):
    def test_nasty_patterns_answer_at_once(self):
        def run(port):
            c = Conn(port, timeout=5.0)
            long_a = "a" * 58
            out = [c.cmd("SET", long_a, "x"), c.cmd("KEYS", NASTY), c.cmd("KEYS", NASTIER)]
            out.append(c.cmd("SCAN", "0", "MATCH", NASTY, "COUNT", "1000"))
            out.append(c.cmd("KEYS", "a*" * 29 + "a"))
            c.cmd("SADD", "s", long_a, "b")
            c.cmd("HSET", "h", long_a, "v")
            c.cmd("ZADD", "z", "1", long_a)
            for cmd in ("SSCAN", "HSCAN", "ZSCAN"):
                key = {"SSCAN": "s", "HSCAN": "h", "ZSCAN": "z"}[cmd]
                out.append(c.cmd(cmd, key, "0", "MATCH", NASTY, "COUNT", "1000"))
            out.append(c.cmd("CONFIG", "GET", "*-" * 40 + "x"))
            out.append(c.cmd("COMMAND", "LIST", "FILTERBY", "PATTERN", "*e" * 40 + "x"))
            out.append(Conn(port, timeout=5.0).cmd("PING"))
            return out

        out = self.each(run)
        self.assertEqual(out[1], b"*0\r\n")
        self.assertEqual(out[3], b"*2\r\n$1\r\n0\r\n*0\r\n")
        self.assertEqual(out[4], b"*1\r\n$58\r\n" + b"a" * 58 + b"\r\n")
        self.assertEqual(out[-1], b"+PONG\r\n")

    def test_very_long_pattern_on_duet(self):
        # 200,000 stars: Redis 7.0.15 recurses once per star (deep C stack); duet's matcher
        # keeps no stack and still answers exactly.
        port = self.procs["duet"].port
        c = Conn(port, timeout=5.0)
        c.cmd("FLUSHALL")
        c.cmd("SET", "a" * 1000, "x")
        self.assertEqual(c.cmd("KEYS", "a*" * 200000), b"*0\r\n")
        self.assertEqual(c.cmd("KEYS", "a*" * 500), b"*1\r\n$1000\r\n" + b"a" * 1000 + b"\r\n")
        self.assertEqual(c.cmd("DBSIZE"), b":1\r\n")


if __name__ == "__main__":
    unittest.main()
