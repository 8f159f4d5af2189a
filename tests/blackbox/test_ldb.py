#!/usr/bin/env python3
"""The Lua debugger (SCRIPT DEBUG SYNC) side by side on redis-server 7.0.15 and duet: the
same debugger commands are sent to both and every reply (the log lines as multi-bulk status
replies, the script's reply, the connection closing at the end) must be byte-identical."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import Conn, SideBySide  # noqa: E402

SCRIPT = ("local a = redis.call('set', KEYS[1], 'v')\n"
          "local t = {1, 2, x = 3}\n"
          "redis.debug('hi', t, ARGV)\n"
          "redis.breakpoint()\n"
          "local n = redis.pcall('incr', KEYS[1])\n"
          "for i = 1, 3 do t[i] = {i, 'x'} end\n"
          "return redis.call('get', KEYS[1])\n")

COMMANDS = [
    ["s"], ["s"], ["p"], ["p", "t"], ["p", "KEYS"], ["p", "ARGV"], ["p", "nothere"],
    ["l"], ["l", "2", "0"], ["l", "-3", "2"], ["w"],
    ["b"], ["b", "6", "x", "99"], ["b"], ["b", "-6"], ["b", "-6"], ["b", "0"], ["b", "7"],
    ["t"], ["e", "1", "+", "1"], ["e", "local z = 2"], ["e", "error('boom')"], ["e", "(("],
    ["r", "hgetall", "nokey"], ["r", "set", "a"], ["r", "nosuchcmd", "x"],
    ["r", "sadd", "s", "1", "2"], ["r", "smembers", "s"],
    ["redis"] + ["test"] * 100,
    ["m"], ["m", "3"], ["r", "set", "big", "x" * 300], ["r", "get", "big"], ["m", "0"],
    ["r", "get", "big"], ["h"], ["zz"], [b"hello\x00world"], [b"\x00hello"], ["r"],
    ["c"], ["p"], ["n"], ["p", "n"], ["c"], ["p", "t"], ["c"],
]


class LdbTest(SideBySide):

    def test_sync_session(self):
        def run(port):
            c = Conn(port)
            out = [c.cmd("SCRIPT", "DEBUG", "SYNC"), c.cmd("EVAL", SCRIPT, "1", "k", "arg1")]
            out += [c.cmd(*cmd) for cmd in COMMANDS]
            out.append(c.read_reply())  # the script's reply follows <endsession>
            out.append(c.closed_within(5))
            return out
        out = self.each(run)
        self.assertEqual(out[-2:], [b"$1\r\nv\r\n", True])

    def test_abort_keeps_writes_and_errors_end_the_session(self):
        def run(port):
            c = Conn(port)
            out = [c.cmd("SCRIPT", "DEBUG", "SYNC"),
                   c.cmd("EVAL", "redis.call('set', 'w', 1)\nreturn 1", "0"),
                   c.cmd("s"), c.cmd("a")]
            out.append(c.read_reply().split(b" script:")[0])
            out.append(c.closed_within(5))
            out.append(Conn(port).cmd("GET", "w"))
            d = Conn(port)
            out += [d.cmd("SCRIPT", "DEBUG", "SYNC"), d.cmd("EVAL", "return 1", "x")]
            out.append(d.read_reply())
            out.append(d.closed_within(5))
            return out
        self.each(run)

    def test_script_debug_replies(self):
        def run(port):
            c = Conn(port)
            out = [c.cmd("SCRIPT", "DEBUG", "maybe"), c.cmd("SCRIPT", "DEBUG", "NO"),
                   c.cmd("MULTI"), c.cmd("SCRIPT", "DEBUG", "SYNC"), c.cmd("EXEC"),
                   c.cmd("SCRIPT", "DEBUG", "SYNC"), c.cmd("EVALSHA", "0" * 40, "0"),
                   c.cmd("EVALSHA", "abc", "0"), c.cmd("SCRIPT", "DEBUG", "NO"),
                   c.cmd("EVAL", "return 7", "0")]
            return out
        out = self.each(run)
        self.assertEqual(out[-1], b":7\r\n")

    def test_client_gone_lets_the_script_finish(self):
        def run(port):
            c = Conn(port)
            out = [c.cmd("SCRIPT", "DEBUG", "SYNC"),
                   c.cmd("EVAL", "redis.call('set', 'g', 1)\nreturn redis.call('incr', 'g')", "0")]
            c.sock.close()
            out.append(Conn(port).cmd("GET", "g"))
            return out
        out = self.each(run)
        self.assertEqual(out[-1], b"$1\r\n2\r\n")


if __name__ == "__main__":
    unittest.main()
