#!/usr/bin/env python3
"""duet as a replication master (SYNC / PSYNC, server/replication.h), against the real binary:
- the replication stream a SYNC client reads after the same commands is byte for byte the
  one redis-server 7.0.15 sends (SELECTs, propagated forms, MULTI/EXEC around scripts and
  transactions, nothing for commands that changed nothing);
- a real redis-server configured with `replicaof` duet completes the full resynchronization,
  holds the same data (DEBUG DIGEST), follows later writes, acknowledges them (WAIT 1 and
  INFO/ROLE show it), and disappears from INFO when it goes away."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess  # noqa: E402
from tests.lib.waiting import wait_until  # noqa: E402


def call(conn, *args):
    conn.send(encode([str(a) for a in args]))
    return conn.read_reply()


def attach(port):
    """SYNC as Redis's attach_to_replication_stream does: skips the keepalive newlines, reads
    the RDB payload ($<len> then exactly len bytes, no CRLF); returns the connection and the
    payload."""
    conn = RawConnection(port, timeout=10)
    conn.send(b"SYNC\r\n")
    while True:
        end = conn._line(0)
        line, conn.buf = conn.buf[:end], conn.buf[end + 2:]
        line = line.strip(b"\n")
        if line:
            break
    assert line.startswith(b"$"), line
    n = int(line[1:])
    while len(conn.buf) < n:
        conn._fill()
    payload, conn.buf = conn.buf[:n], conn.buf[n:]
    return conn, payload


def read_stream_until(conn, sentinel_key):
    """The stream's commands (PINGs left out) up to and including SET <sentinel_key> ..."""
    out = []
    while True:
        cmd = conn.read_reply()
        if cmd == b"*1\r\n$4\r\nPING\r\n":
            continue
        out.append(cmd)
        if b"\r\n" + sentinel_key + b"\r\n" in cmd and b"SET" in cmd.upper():
            return b"".join(out)


# Commands whose effects are deterministic (no relative TTLs: their absolute forms hold the
# time). Each runs on one client; the stream must be the same on both servers.
SCRIPT = [
    ["SET", "s", "1"],
    ["INCR", "s"],
    ["INCRBYFLOAT", "f", "1.5"],
    ["DEL", "missing"],            # changes nothing: not propagated
    ["SELECT", "3"],
    ["RPUSH", "l", "a", "b", "c"],
    ["LPOP", "l"],
    ["HSET", "h", "f1", "v1", "f2", "v2"],
    ["MULTI"], ["SET", "m1", "x"], ["SADD", "set", "a", "b"], ["EXEC"],
    ["EVAL", "redis.call('set', KEYS[1], 'e'); redis.call('incr', 'ctr'); return 1", "1", "ek"],
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "ek"],   # read-only: nothing
    ["ZADD", "z", "1", "a", "2", "b"],
    ["ZPOPMIN", "z"],
    ["PEXPIREAT", "z", "99999999999999"],
    ["SELECT", "0"],
    ["GETDEL", "s"],
    ["XADD", "st", "1-1", "f", "v"],
    ["FLUSHDB"],
    ["SET", "sentinel", "end"],
]


class ReplicationStreamTest(unittest.TestCase):
    def stream_of(self, kind):
        server = ServerProcess(kind)
        self.addCleanup(server.stop)
        admin = RawConnection(server.port)
        self.addCleanup(admin.close)
        call(admin, "CONFIG", "SET", "repl-ping-replica-period", "3600")
        repl, payload = attach(server.port)
        self.addCleanup(repl.close)
        self.assertTrue(payload.startswith(b"REDIS0010"), payload[:16])
        for cmd in SCRIPT:
            call(admin, *cmd)
        stream = read_stream_until(repl, b"sentinel")
        role = call(admin, "ROLE")
        return stream, role

    def test_stream_equals_redis(self):
        duet_stream, duet_role = self.stream_of("duet")
        redis_stream, _ = self.stream_of("redis")
        self.assertEqual(duet_stream, redis_stream)
        self.assertTrue(duet_stream.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"), duet_stream[:40])
        # ROLE: a master whose offset counts the stream, and the SYNC client listed
        self.assertIn(b"*3\r\n$6\r\nmaster\r\n:", duet_role)


class RealReplicaTest(unittest.TestCase):
    def test_redis_replica_follows_duet(self):
        duet = ServerProcess("duet", ["--enable-debug-command", "yes"])
        self.addCleanup(duet.stop)
        d = RawConnection(duet.port)
        self.addCleanup(d.close)
        # data before the replica attaches (the full resynchronization carries it)
        call(d, "SET", "k", "v")
        call(d, "HSET", "h", "a", "1", "b", "2")
        call(d, "RPUSH", "l", *[str(i) for i in range(200)])
        call(d, "ZADD", "z", "1", "x", "2", "y")
        call(d, "SADD", "s", "m1", "m2")
        call(d, "SET", "ttl", "x", "EX", "1000")
        call(d, "SELECT", "5")
        call(d, "SET", "db5", "five")
        call(d, "XADD", "st", "*", "f", "v")
        call(d, "SELECT", "0")
        call(d, "FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)")

        replica = ServerProcess("redis", ["--replicaof", "127.0.0.1", str(duet.port),
                                          "--enable-debug-command", "yes"])
        self.addCleanup(replica.stop)
        r = RawConnection(replica.port)
        self.addCleanup(r.close)

        def link_up():
            return b"master_link_status:up" in call(r, "INFO", "replication")
        wait_until(link_up, "the replica's link to duet")
        # every write so far acknowledged by the one replica
        d.sock.settimeout(15)
        self.assertEqual(call(d, "WAIT", "1", "10000"), b":1\r\n")
        self.assertEqual(call(r, "DEBUG", "DIGEST"), call(d, "DEBUG", "DIGEST"))
        self.assertEqual(call(r, "FUNCTION", "DUMP"), call(d, "FUNCTION", "DUMP"))

        # writes after the sync arrive through the stream
        call(d, "INCR", "counter")
        call(d, "EVAL", "redis.call('lpush', KEYS[1], 'x'); return redis.call('del', 'k')", "1", "l")
        call(d, "SELECT", "5")
        call(d, "DEL", "db5")
        call(d, "SELECT", "0")
        self.assertEqual(call(d, "WAIT", "1", "10000"), b":1\r\n")
        self.assertEqual(call(r, "DEBUG", "DIGEST"), call(d, "DEBUG", "DIGEST"))
        self.assertEqual(call(r, "GET", "counter"), b"$1\r\n1\r\n")

        info = call(d, "INFO", "replication").decode()
        self.assertIn("connected_slaves:1\r\n", info)
        self.assertIn(f"slave0:ip=127.0.0.1,port={replica.port},state=online,", info)
        role = call(d, "ROLE")
        self.assertIn(f"${len(str(replica.port))}\r\n{replica.port}\r\n".encode(), role)
        # asking for more replicas than there are: the count after the timeout
        self.assertEqual(call(d, "WAIT", "2", "50"), b":1\r\n")

        replica.stop()
        wait_until(lambda: b"connected_slaves:0" in call(d, "INFO", "replication"),
                   "duet to notice the replica is gone")
        self.assertIn(b"sync_full:1\r\n", call(d, "INFO", "stats"))


if __name__ == "__main__":
    unittest.main()
