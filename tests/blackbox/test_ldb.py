#!/usr/bin/env python3
"""The Lua debugger (SCRIPT DEBUG SYNC and YES) side by side on redis-server 7.0.15 and duet:
the same debugger commands are sent to both and every reply (the log lines as multi-bulk
status replies, the script's reply, the connection closing at the end) must be
byte-identical. After a YES session the dataset must be exactly as before it (Redis runs
it in a forked child; duet rolls the changes back) and nobody may have heard of it."""
import hashlib
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import Conn, SideBySide, servers, wait_for  # noqa: E402
from lib.servers import ServerProcess  # noqa: E402

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


YES_SCRIPT = ("redis.call('set', KEYS[1], 'x')\n"
              "redis.call('del', 's')\n"
              "redis.call('rpush', 'l', 'd')\n"
              "redis.call('hset', 'h', 'a', '1')\n"
              "redis.call('pexpireat', 'n', 1900000000000)\n"
              "redis.call('persist', 'e')\n"
              "redis.call('rename', 'r', 'r2')\n"
              "redis.call('move', 'm', '1')\n"
              "redis.call('copy', 'c', 'c', 'db', '2')\n"
              "redis.call('swapdb', 0, 1)\n"
              "redis.call('flushdb')\n"
              "redis.call('select', 2)\n"
              "redis.call('set', 'in2', 1)\n"
              "return redis.call('dbsize')\n")
KEYS = ["k", "s", "n", "l", "h", "z", "e", "r", "r2", "m", "c", "in2"]


def populate(c):
    c.cmd("SET", "s", "hello")
    c.cmd("SET", "n", "12")
    c.cmd("RPUSH", "l", "a", "b", "c")
    c.cmd("HSET", "h", "f", "x" * 100, "g", "1")
    c.cmd("HDEL", "h", "f")  # a hashtable with one small field
    c.cmd("ZADD", "z", "1", "a", "2", "b")
    c.cmd("SET", "e", "v", "PXAT", "1800000000000")
    c.cmd("SET", "r", "renamed")
    c.cmd("SET", "m", "moved")
    c.cmd("SET", "c", "copied")
    c.cmd("SELECT", "1")
    c.cmd("SET", "m", "other")
    c.cmd("RPUSH", "l", "1")
    c.cmd("SELECT", "0")


def state(port):
    c = Conn(port)
    out = [c.cmd("DEBUG", "DIGEST")]
    for db in ("0", "1", "2"):
        out += [c.cmd("SELECT", db), c.cmd("DBSIZE")]
        for key in KEYS:
            out += [c.cmd("OBJECT", "ENCODING", key), c.cmd("PEXPIRETIME", key)]
    return out


class LdbYesTest(SideBySide):
    """SCRIPT DEBUG YES (redis-cli --ldb's default)."""

    @classmethod
    def setUpClass(cls):
        cls.procs = servers("--enable-debug-command", "yes", "--notify-keyspace-events", "KEA")

    def test_session_changes_are_rolled_back(self):
        def run(port):
            c = Conn(port)
            populate(c)
            before = state(port)
            c.cmd("SCRIPT", "LOAD", "return 1")
            sub = Conn(port)
            out = [sub.cmd("PSUBSCRIBE", "*")]
            watcher = Conn(port)
            out.append(watcher.cmd("WATCH", "s", "l"))
            mon = Conn(port)
            out.append(mon.cmd("MONITOR"))
            d = Conn(port)
            out += [d.cmd("SCRIPT", "DEBUG", "YES"), d.cmd("EVAL", YES_SCRIPT, "1", "k")]
            out += [d.cmd("s"), d.cmd("s"), d.cmd("p"), d.cmd("r", "set", "dbg", "1"),
                    d.cmd("e", "redis.call('del', 'z')"), d.cmd("c")]
            out.append(d.read_reply())  # the script's reply follows <endsession>
            out.append(d.closed_within(5))
            out.append(state(port) == before)
            # Nobody heard of the session: the next message is the marker, the watcher's
            # transaction runs.
            out.append(c.cmd("PUBLISH", "marker", "end"))
            out.append(sub.read_reply())
            seen = []  # what MONITOR showed up to the marker
            while not seen or b"marker" not in seen[-1]:
                line = mon.read_reply()
                seen.append((b"lua " if b" lua] " in line else b"") + line.split(b"] ", 1)[1])
            out.append(seen)
            # The session's script is not cached (Redis's parent never loaded it).
            out.append(c.cmd("SCRIPT", "EXISTS", hashlib.sha1(YES_SCRIPT.encode()).hexdigest(),
                             hashlib.sha1(b"return 1").hexdigest()))
            out += [watcher.cmd("MULTI"), watcher.cmd("GET", "s"), watcher.cmd("EXEC")]
            return out
        out = self.each(run)
        self.assertEqual(out[-10:-7], [b":2\r\n", True, True])
        self.assertTrue(out[-6].endswith(b"$6\r\nmarker\r\n$3\r\nend\r\n"))
        self.assertTrue(out[-5][1].startswith(b'"EVAL"'))
        self.assertFalse([line for line in out[-5] if line.startswith(b"lua ")])
        self.assertEqual(out[-4], b"*2\r\n:0\r\n:1\r\n")
        self.assertEqual(out[-1], b"*1\r\n$5\r\nhello\r\n")

    def test_abort_and_disconnect_roll_back_too(self):
        def run(port):
            c = Conn(port)
            populate(c)
            before = state(port)
            d = Conn(port)
            out = [d.cmd("SCRIPT", "DEBUG", "YES"),
                   d.cmd("EVAL", "redis.call('set', 'w', 1)\nredis.call('del', 'l')\nreturn 1",
                         "0"),
                   d.cmd("s"), d.cmd("a")]
            out.append(d.read_reply().split(b" script:")[0])
            out.append(d.closed_within(5))
            out.append(state(port) == before)
            g = Conn(port)
            out += [g.cmd("SCRIPT", "DEBUG", "YES"),
                    g.cmd("EVAL", "redis.call('flushall')\nreturn redis.call('incr', 'g')", "0")]
            g.sock.close()
            out.append(Conn(port).cmd("PING"))  # the session is over (Redis: its child)
            out.append(state(port) == before)
            return out
        out = self.each(run)
        self.assertEqual(out[6], True)
        self.assertEqual(out[-1], True)

    def test_redis_cli_ldb(self):
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as f:
            f.write(YES_SCRIPT)
            f.flush()

            def run(port):
                c = Conn(port)
                populate(c)
                before = state(port)
                cli = subprocess.run(
                    ["redis-cli", "-p", str(port), "--ldb", "--eval", f.name, "k"],
                    input="s\nc\n", capture_output=True, text=True, timeout=20)
                return [cli.stdout, cli.returncode, state(port) == before]
            out = self.each(run)
        self.assertIn("(Lua debugging session ended -- dataset changes rolled back)", out[0])
        self.assertEqual(out[2], True)


class LdbYesAofTest(SideBySide):
    """Nothing of a SCRIPT DEBUG YES session reaches the AOF."""

    @classmethod
    def setUpClass(cls):
        cls.procs = servers("--appendonly", "yes", "--appendfsync", "always")

    def test_nothing_is_appended(self):
        def aof_size(c):
            info = c.cmd("INFO", "persistence").decode()
            return int(info.split("aof_current_size:")[1].split("\r\n")[0])

        def run(port):
            c = Conn(port)
            c.cmd("SET", "k", "v")
            size = aof_size(c)
            d = Conn(port)
            out = [d.cmd("SCRIPT", "DEBUG", "YES"),
                   d.cmd("EVAL", "redis.call('set', 'k', 'w')\nredis.call('flushall')\n"
                         "return redis.call('rpush', 'l', 1)", "0"),
                   d.cmd("c"), d.read_reply(), d.closed_within(5)]
            out += [aof_size(c) == size, c.cmd("GET", "k"), c.cmd("SET", "k", "x")]
            out.append(aof_size(c) > size)
            return out
        out = self.each(run)
        self.assertEqual(out[-4:], [True, b"$1\r\nv\r\n", b"+OK\r\n", True])


class LdbYesReplicaTest(unittest.TestCase):
    """Nothing of a SCRIPT DEBUG YES session reaches a replica (duet only: the master's
    offset stays, the replica's dataset stays the master's)."""

    def test_replica_hears_nothing(self):
        master = ServerProcess("duet", ["--enable-debug-command", "yes"])
        replica = ServerProcess("duet", ["--enable-debug-command", "yes", "--replicaof",
                                         "127.0.0.1", str(master.port)])
        try:
            c, r = Conn(master.port), Conn(replica.port)
            populate(c)

            def offset():
                info = c.cmd("INFO", "replication").decode()
                return info.split("master_repl_offset:")[1].split("\r\n")[0]

            self.assertTrue(wait_for(lambda: r.cmd("DEBUG", "DIGEST") == c.cmd("DEBUG", "DIGEST")
                                     and b"master_link_status:up" in r.cmd("INFO", "replication")))
            before = offset()
            d = Conn(master.port)
            d.cmd("SCRIPT", "DEBUG", "YES")
            d.cmd("EVAL", YES_SCRIPT, "1", "k")
            d.cmd("c")
            self.assertEqual(d.read_reply(), b":2\r\n")
            self.assertEqual(c.cmd("PING"), b"+PONG\r\n")
            self.assertEqual(offset(), before)
            c.cmd("SET", "marker", "1")  # once the replica has it, it has all before it
            self.assertTrue(wait_for(lambda: r.cmd("EXISTS", "marker") == b":1\r\n"))
            self.assertEqual(r.cmd("DEBUG", "DIGEST"), c.cmd("DEBUG", "DIGEST"))
        finally:
            replica.stop()
            master.stop()


if __name__ == "__main__":
    unittest.main()
