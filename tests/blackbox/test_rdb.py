#!/usr/bin/env python3
"""RDB interchange with redis-server 7.0.15, both ways, through real files:
- duet's dump.rdb passes redis-check-rdb and loads in redis-server with the same DEBUG DIGEST
  as a redis-server that ran the same commands;
- redis-server's dump.rdb (and Redis's own test assets, RDB versions 6..10 with ziplist,
  zipmap, intset and listpack encodings) load in duet: saved again by duet and loaded by
  redis-server, the digest is the one redis-server computes for the original;
- a corrupt or truncated file stops duet's startup with a message naming the file."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.servers import ServerProcess, duet_binary, free_port  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import Conn as RawConn  # noqa: E402
from tests.lib.resp import parse_tree  # noqa: E402


def simplify(tree):
    t, v = tree
    if isinstance(v, list):
        return [simplify(x) for x in v]
    if v is None:
        return None
    if t == b":":
        return int(v)
    return v.decode("latin-1")


class Conn(RawConn):
    """Replies as Python values: strings, ints, lists (errors as '-ERR ...' strings)."""

    def cmd(self, *args):
        raw = super().cmd(*args)
        tree, _ = parse_tree(raw)
        if tree[0] == b"-":
            return "-" + tree[1].decode()
        return simplify(tree)

ASSETS = "/tmp/redis-7.0.15/tests/assets"


def populate(c):
    c.cmd("SET", "s:int", "12345")
    c.cmd("SET", "s:big", "9223372036854775807")
    c.cmd("SET", "s:emb", "hello")
    c.cmd("SET", "s:lzf", "a" * 300 + "tail")
    c.cmd("SET", "s:ttl", "v", "PX", "500000")
    c.cmd("RPUSH", "l:small", "a", "1", "b", "-300", "c")
    for i in range(0, 3000, 100):
        c.cmd("RPUSH", "l:big", *[f"item-{j}" for j in range(i, i + 100)])
    c.cmd("HSET", "h:small", "f1", "v1", "f2", "22", "n", "-1")
    c.cmd("HSET", "h:big", *[x for i in range(600) for x in (f"field{i}", str(i * 3))])
    c.cmd("HSET", "h:long", "f", "x" * 100)
    c.cmd("SADD", "set:int", "1", "2", "300", "-70000", "5000000000")
    c.cmd("SADD", "set:str", "a", "b", "c")
    c.cmd("SADD", "set:bigint", *[str(i) for i in range(600)])
    c.cmd("ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c", "3", "d")
    c.cmd("ZADD", "z:big", *[x for i in range(300) for x in (str(i * 0.5), f"m{i}")])
    c.cmd("PFADD", "hll", "a", "b", "c")
    populate_streams(c)
    c.cmd("SELECT", "5")
    c.cmd("SET", "db5", "x", "EX", "100000")
    c.cmd("SELECT", "0")


STREAMS = ["st:small", "st:big", "st:empty", "st:setid"]


def populate_streams(c):
    """Streams with tombstones, several nodes, consumer groups with PELs and consumers."""
    c.cmd("XADD", "st:small", "1-1", "a", "1", "b", "2")
    c.cmd("XADD", "st:small", "1-2", "a", "3", "b", "4")
    c.cmd("XADD", "st:small", "2-0", "other", "x" * 40)
    c.cmd("XADD", "st:small", "5-0", "a", "100000", "b", "-7")
    c.cmd("XDEL", "st:small", "1-2")
    c.cmd("XGROUP", "CREATE", "st:small", "g1", "0")
    c.cmd("XGROUP", "CREATE", "st:small", "g2", "$")
    c.cmd("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "st:small", ">")
    c.cmd("XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "st:small", ">")
    c.cmd("XGROUP", "CREATECONSUMER", "st:small", "g1", "carol")
    c.cmd("XCLAIM", "st:small", "g1", "carol", "0", "5-0")
    for i in range(1, 1001):
        c.cmd("XADD", "st:big", f"{1000 + i}-{i % 3}", "field", f"value-{i}", "n", str(i))
    c.cmd("XTRIM", "st:big", "MAXLEN", "950")
    c.cmd("XDEL", "st:big", "1500-0", "1500-1", "1777-0", "1777-1", "1777-2")
    c.cmd("XGROUP", "CREATE", "st:big", "readers", "0")
    c.cmd("XREADGROUP", "GROUP", "readers", "r1", "COUNT", "30", "STREAMS", "st:big", ">")
    c.cmd("XACK", "st:big", "readers", "1060-0", "1061-1")
    c.cmd("XGROUP", "CREATE", "st:empty", "lonely", "$", "MKSTREAM")
    c.cmd("XADD", "st:setid", "7-7", "k", "v")
    c.cmd("XSETID", "st:setid", "100-5", "ENTRIESADDED", "40", "MAXDELETEDID", "90-1")


def stream_views(port):
    c = Conn(port)
    return {k: c.cmd("XINFO", "STREAM", k, "FULL") for k in STREAMS}


def digest(port):
    return Conn(port).cmd("DEBUG", "DIGEST")


def check_rdb(path):
    r = subprocess.run(["redis-check-rdb", path], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


class ServersTest(unittest.TestCase):
    """Starts servers for a test and stops them after it."""

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()

    def start(self, kind, *args):
        s = ServerProcess(kind, extra_args=args)
        self.servers.append(s)
        return s

    def save_checked(self, server):
        """SAVE on `server`, then redis-check-rdb must find its dump.rdb OK."""
        self.assertEqual(Conn(server.port).cmd("SAVE"), "OK")
        rc, out = check_rdb(os.path.join(server.dir, "dump.rdb"))
        self.assertEqual(rc, 0, out)
        self.assertIn("RDB looks OK!", out)


class RdbInterchangeTest(ServersTest):

    def test_duet_dump_loads_in_redis(self):
        redis = self.start("redis")
        duet = self.start("duet")
        populate(Conn(redis.port))
        populate(Conn(duet.port))
        self.save_checked(duet)
        loaded = self.start("redis", "--dir", duet.dir)
        self.assertEqual(digest(loaded.port), digest(redis.port))
        # Streams: the same nodes, metadata, groups, PELs, consumers and times.
        self.assertEqual(stream_views(loaded.port), stream_views(duet.port))
        c = Conn(loaded.port)
        for key, enc in [("l:big", "quicklist"), ("h:small", "listpack"), ("h:big", "hashtable"),
                         ("set:int", "intset"), ("set:bigint", "hashtable"),
                         ("z:small", "listpack"), ("z:big", "skiplist")]:
            self.assertEqual(c.cmd("OBJECT", "ENCODING", key), enc, key)

    def test_redis_dump_loads_in_duet(self):
        redis = self.start("redis")
        populate(Conn(redis.port))
        self.assertEqual(Conn(redis.port).cmd("SAVE"), "OK")
        duet = self.start("duet", "--dir", redis.dir)
        c = Conn(duet.port)
        self.assertEqual(c.cmd("DBSIZE"), 16 + len(STREAMS))
        self.assertEqual(c.cmd("LRANGE", "l:small", "0", "-1"), ["a", "1", "b", "-300", "c"])
        self.assertEqual(stream_views(duet.port), stream_views(redis.port))
        for k in STREAMS:
            self.assertEqual(c.cmd("DUMP", k), Conn(redis.port).cmd("DUMP", k), k)
        self.assertEqual(c.cmd("OBJECT", "ENCODING", "z:big"), "skiplist")
        # Round trip through duet's writer back to redis-server: same digest.
        want = digest(redis.port)
        redis.stop()
        self.servers.remove(redis)
        self.assertEqual(c.cmd("SAVE"), "OK")
        back = self.start("redis", "--dir", redis.dir)
        self.assertEqual(digest(back.port), want)

    def test_redis_test_assets(self):
        """Redis's own RDB test files (older versions and encodings) load in duet."""
        if not os.path.isdir(ASSETS):
            self.skipTest("no Redis test assets")
        names = ["encodings.rdb", "hash-zipmap.rdb", "hash-ziplist.rdb", "zset-ziplist.rdb",
                 "list-quicklist.rdb", "scriptbackup.rdb"]
        for name in names:
            src = os.path.join(ASSETS, name)
            if not os.path.exists(src):
                continue
            with self.subTest(name=name):
                d = tempfile.mkdtemp(prefix="duet-asset-")
                shutil.copy(src, os.path.join(d, "dump.rdb"))
                ref = self.start("redis", "--dir", d)
                want = digest(ref.port)
                ref.stop()
                self.servers.remove(ref)
                duet = self.start("duet", "--dir", d)
                self.assertEqual(Conn(duet.port).cmd("SAVE"), "OK")
                back = self.start("redis", "--dir", d)
                self.assertEqual(digest(back.port), want)

    def start_fails(self, d):
        port = free_port()
        r = subprocess.run([duet_binary(), "--port", str(port), "--bind", "127.0.0.1",
                            "--save", "", "--dir", d], capture_output=True, text=True, timeout=20)
        return r.returncode, r.stdout + r.stderr

    def test_corrupt_and_truncated_files_stop_startup(self):
        redis = self.start("redis")
        populate(Conn(redis.port))
        Conn(redis.port).cmd("SAVE")
        data = open(os.path.join(redis.dir, "dump.rdb"), "rb").read()
        for label, bad in [("truncated", data[: len(data) // 2]),
                           ("flipped", data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])]:
            with self.subTest(label):
                d = tempfile.mkdtemp(prefix="duet-bad-")
                with open(os.path.join(d, "dump.rdb"), "wb") as f:
                    f.write(bad)
                rc, out = self.start_fails(d)
                self.assertNotEqual(rc, 0)
                self.assertIn("dump.rdb", out)

    def test_debug_reload_and_shutdown_save(self):
        duet = self.start("duet", "--save", "3600 1", "--enable-debug-command", "yes")
        c = Conn(duet.port)
        populate(c)
        before = c.cmd("HGETALL", "h:small")
        self.assertEqual(c.cmd("DEBUG", "RELOAD"), "OK")
        self.assertEqual(c.cmd("HGETALL", "h:small"), before)
        self.assertEqual(c.cmd("DBSIZE"), 16 + len(STREAMS))
        c.cmd("SET", "after", "1")
        duet.stop()  # SIGTERM: saves because a save point is configured
        again = self.start("duet", "--dir", duet.dir)
        self.assertEqual(Conn(again.port).cmd("GET", "after"), "1")


LIB_A = """#!lua name=liba
local function incr(keys, args)
  return redis.call('INCRBY', keys[1], args[1])
end
redis.register_function('a_incr', incr)
redis.register_function{function_name='a_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads one key'}
"""
LIB_B = "#!lua name=libb\nredis.register_function('b_hello', function() return 'hello' end)\n" + \
    "-- " + "padding " * 40 + "\n"  # LZF-compressible


def rdb_image(*codes):
    """An RDB file holding only FUNCTION2 records (checksum 0: not checked)."""
    def rdb_string(b):
        n = len(b)
        head = bytes([n]) if n < 64 else bytes([0x40 | (n >> 8), n & 0xFF]) if n < 16384 \
            else b"\x80" + n.to_bytes(4, "big")
        return head + b
    body = b"REDIS0010"
    for code in codes:
        body += b"\xf5" + rdb_string(code.encode())
    return body + b"\xff" + bytes(8)


def function_list(port):
    """FUNCTION LIST WITHCODE, libraries by name (their order is the server's dict's)."""
    libs = Conn(port).cmd("FUNCTION", "LIST", "WITHCODE")
    for lib in libs:  # library_name n engine e functions [...] library_code c
        lib[5] = sorted(lib[5], key=lambda fn: fn[1])
    return sorted(libs, key=lambda lib: lib[1])


class RdbFunctionsTest(ServersTest):
    """Function libraries in RDB files (FUNCTION2 records before the databases), both ways."""

    def test_redis_functions_load_in_duet(self):
        redis = self.start("redis")
        r = Conn(redis.port)
        self.assertEqual(r.cmd("FUNCTION", "LOAD", LIB_A), "liba")
        r.cmd("SET", "k", "5")
        self.assertEqual(r.cmd("SAVE"), "OK")
        one_lib_dump = r.cmd("FUNCTION", "DUMP")
        duet = self.start("duet", "--dir", redis.dir)
        c = Conn(duet.port)
        self.assertEqual(c.cmd("FCALL", "a_incr", "1", "k", "2"), 7)
        self.assertEqual(c.cmd("FCALL_RO", "a_get", "1", "k"), "7")
        self.assertEqual(c.cmd("FUNCTION", "DUMP"), one_lib_dump)
        self.assertEqual(function_list(duet.port), function_list(redis.port))
        # Two libraries, one LZF-compressed.
        self.assertEqual(r.cmd("FUNCTION", "LOAD", LIB_B), "libb")
        self.assertEqual(r.cmd("SAVE"), "OK")
        duet.stop()
        self.servers.remove(duet)
        duet = self.start("duet", "--dir", redis.dir)
        self.assertEqual(function_list(duet.port), function_list(redis.port))
        self.assertEqual(Conn(duet.port).cmd("FCALL", "b_hello", "0"), "hello")

    def test_duet_functions_load_in_redis(self):
        duet = self.start("duet")
        c = Conn(duet.port)
        self.assertEqual(c.cmd("FUNCTION", "LOAD", LIB_A), "liba")
        self.assertEqual(c.cmd("FUNCTION", "LOAD", LIB_B), "libb")
        c.cmd("SET", "k", "1")
        self.save_checked(duet)
        redis = self.start("redis", "--dir", duet.dir)
        self.assertEqual(function_list(redis.port), function_list(duet.port))
        self.assertEqual(Conn(redis.port).cmd("FCALL", "a_incr", "1", "k", "41"), 42)
        # Functions only, no keys: still a valid file.
        c.cmd("FLUSHALL")
        self.save_checked(duet)

    def test_debug_reload_and_restart_keep_functions(self):
        duet = self.start("duet", "--save", "3600 1", "--enable-debug-command", "yes")
        c = Conn(duet.port)
        c.cmd("FUNCTION", "LOAD", LIB_A)
        self.assertEqual(c.cmd("DEBUG", "RELOAD"), "OK")
        self.assertEqual(c.cmd("FCALL", "a_incr", "1", "k", "1"), 1)
        # NOFLUSH: the library is still there, so loading it again fails; MERGE replaces it.
        self.assertEqual(c.cmd("DEBUG", "RELOAD", "NOFLUSH"),
                         "-ERR Error trying to load the RDB dump")
        self.assertEqual(c.cmd("DEBUG", "RELOAD", "NOFLUSH", "MERGE"), "OK")
        c.cmd("FUNCTION", "LOAD", LIB_B)
        self.assertEqual(c.cmd("DEBUG", "RELOAD", "NOSAVE"), "OK")  # the file has liba only
        self.assertEqual([lib[1] for lib in function_list(duet.port)], ["liba"])
        c.cmd("FUNCTION", "LOAD", LIB_B)
        duet.stop()  # SIGTERM: the final save holds both libraries
        again = self.start("duet", "--dir", duet.dir)
        self.assertEqual([lib[1] for lib in function_list(again.port)], ["liba", "libb"])

    def test_bad_library_stops_startup(self):
        for label, codes in [("lua error", ["#!lua name=bad\nthis is not lua\n"]),
                             ("no functions", ["#!lua name=empty\nlocal x = 1\n"]),
                             ("twice", [LIB_B, LIB_B])]:
            with self.subTest(label):
                d = tempfile.mkdtemp(prefix="duet-badlib-")
                with open(os.path.join(d, "dump.rdb"), "wb") as f:
                    f.write(rdb_image(*codes))
                port = free_port()
                r = subprocess.run([duet_binary(), "--port", str(port), "--bind", "127.0.0.1",
                                    "--save", "", "--dir", d],
                                   capture_output=True, text=True, timeout=20)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("Failed loading library, ", r.stdout + r.stderr)
                # redis-server refuses the same file (and exits 0: its RDB report runs
                # redis-check-rdb, which finds the file well formed).
                r = subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                    "--save", "", "--dir", d],
                                   capture_output=True, text=True, timeout=20)
                self.assertIn("Failed loading library, ", r.stdout + r.stderr)
        # A good hand-made image loads.
        d = tempfile.mkdtemp(prefix="duet-goodlib-")
        with open(os.path.join(d, "dump.rdb"), "wb") as f:
            f.write(rdb_image(LIB_A, LIB_B))
        duet = self.start("duet", "--dir", d)
        self.assertEqual(Conn(duet.port).cmd("FCALL", "b_hello", "0"), "hello")


if __name__ == "__main__":
    unittest.main()
