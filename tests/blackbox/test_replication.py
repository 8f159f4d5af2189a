#!/usr/bin/env python3
"""duet as a replication master (SYNC / PSYNC, server/replication.h), against the real binary:
- the replication stream a SYNC client reads after the same commands is byte for byte the
  one redis-server 7.0.15 sends (SELECTs, propagated forms, MULTI/EXEC around scripts and
  transactions, nothing for commands that changed nothing, PUBLISH and SPUBLISH);
- a real redis-server configured with `replicaof` duet completes the full resynchronization,
  holds the same data (DEBUG DIGEST), follows later writes, acknowledges them (WAIT 1 and
  INFO/ROLE show it), and disappears from INFO when it goes away.
duet as a replica (REPLICAOF, server/replica_server.cc), of a duet and of a redis-server:
- a full synchronization carries every type (DEBUG DIGEST and FUNCTION DUMP equal), later
  writes follow through the stream (transactions, scripts, expiries, other databases);
- READONLY errors, INFO replication / ROLE / CLIENT LIST as a replica;
- a link killed on either side reconnects with a partial resynchronization (+CONTINUE: the
  master's sync_partial_ok counts it, no second full sync);
- REPLICAOF NO ONE promotes (writable, the old replication ID in master_replid2);
- a PUBLISH on the master reaches the replica's subscribers."""
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
    ["PUBLISH", "ch", "to the replicas' subscribers"],   # replicated, never in the AOF
    ["SELECT", "5"], ["SPUBLISH", "sch", "m"], ["SELECT", "0"],
    ["MULTI"], ["SET", "t", "1"], ["PUBLISH", "ch", "m"], ["EXEC"],
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


def fill_every_type(c):
    """Data of every type and encoding, TTLs, another database, a function library."""
    call(c, "SET", "int", "12345")
    call(c, "SET", "emb", "short string")
    call(c, "SET", "raw", "x" * 100)
    call(c, "SET", "ttl", "x", "EX", "100000")
    call(c, "RPUSH", "list", *[str(i) for i in range(10)])
    call(c, "RPUSH", "biglist", *["e" * 20 + str(i) for i in range(300)])
    call(c, "HSET", "hash", "a", "1", "b", "2")
    call(c, "HSET", "bighash", *[x for i in range(200) for x in (f"f{i}", f"v{i}")])
    call(c, "SADD", "intset", "1", "2", "3")
    call(c, "SADD", "set", "a", "b", "c")
    call(c, "SADD", "bigset", *[f"m{i}" for i in range(300)])
    call(c, "ZADD", "zset", "1", "a", "2.5", "b")
    call(c, "ZADD", "bigzset", *[x for i in range(200) for x in (str(i), f"m{i}")])
    call(c, "XADD", "stream", "1-1", "f", "v")
    call(c, "XADD", "stream", "2-1", "f", "w", "g", "x")
    call(c, "XGROUP", "CREATE", "stream", "grp", "0")
    call(c, "XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "stream", ">")
    call(c, "PFADD", "hll", "a", "b", "c")
    call(c, "SELECT", "5")
    call(c, "SET", "db5", "five")
    call(c, "SELECT", "0")
    call(c, "FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)")


def info_field(conn, section, name):
    for line in call(conn, "INFO", section).decode().split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    return None


class DuetReplicaTest(unittest.TestCase):
    """duet replicating a duet (master_kind "duet") or a redis-server ("redis")."""

    def start(self, kind, *args):
        server = ServerProcess(kind, ["--enable-debug-command", "yes", *args])
        self.addCleanup(server.stop)
        conn = RawConnection(server.port, timeout=20)
        self.addCleanup(conn.close)
        return server, conn

    def wait_synced(self, m, r):
        wait_until(lambda: info_field(r, "replication", "master_link_status") == "up",
                   "the replica's link to come up")
        self.assertEqual(call(m, "WAIT", "1", "10000"), b":1\r\n")
        wait_until(lambda: info_field(r, "replication", "slave_repl_offset") ==
                   info_field(m, "replication", "master_repl_offset"),
                   "the replica to apply the whole stream", timeout=20)

    def check_same(self, m, r):
        self.assertEqual(call(r, "DEBUG", "DIGEST"), call(m, "DEBUG", "DIGEST"))

    def run_replica_of(self, master_kind):
        master, m = self.start(master_kind)
        fill_every_type(m)
        replica, r = self.start("duet")
        call(r, "SET", "stale", "gone after the sync")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", str(master.port)), b"+OK\r\n")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", str(master.port)),
                         b"+OK Already connected to specified master\r\n")
        self.wait_synced(m, r)
        self.check_same(m, r)
        self.assertEqual(call(r, "FUNCTION", "DUMP"), call(m, "FUNCTION", "DUMP"))
        self.assertEqual(call(r, "EXISTS", "stale"), b":0\r\n")
        self.assertEqual(call(r, "XINFO", "GROUPS", "stream"), call(m, "XINFO", "GROUPS", "stream"))

        # streaming writes: plain, transactions, scripts, other databases, TTLs, deletions
        call(m, "INCR", "counter")
        call(m, "MULTI")
        call(m, "LPUSH", "list", "head")
        call(m, "HDEL", "hash", "a")
        call(m, "EXEC")
        call(m, "EVAL", "redis.call('set', KEYS[1], 'lua'); return redis.call('del', 'emb')", "1",
             "lk")
        call(m, "SELECT", "5")
        call(m, "SET", "db5b", "x", "PX", "100000")
        call(m, "SELECT", "0")
        call(m, "XADD", "stream", "*", "new", "entry")
        call(m, "XACK", "stream", "grp", "1-1")
        call(m, "SET", "shortlived", "x", "PX", "50")
        call(m, "SPOP", "set")
        self.wait_synced(m, r)
        self.check_same(m, r)
        self.assertEqual(call(r, "GET", "counter"), b"$1\r\n1\r\n")
        # the expiry comes as the master's DEL
        wait_until(lambda: call(m, "EXISTS", "shortlived") == b":0\r\n", "the key to expire")
        self.wait_synced(m, r)
        self.check_same(m, r)

        # a read-only replica
        self.assertEqual(call(r, "SET", "x", "y"),
                         b"-READONLY You can't write against a read only replica.\r\n")
        self.assertEqual(call(r, "MULTI"), b"+OK\r\n")
        self.assertEqual(call(r, "INCR", "counter"),
                         b"-READONLY You can't write against a read only replica.\r\n")
        self.assertEqual(call(r, "EXEC"), b"-EXECABORT Transaction discarded because of "
                         b"previous errors.\r\n")
        self.assertEqual(call(r, "GET", "counter"), b"$1\r\n1\r\n")
        self.assertEqual(info_field(r, "replication", "role"), "slave")
        self.assertEqual(info_field(r, "replication", "master_port"), str(master.port))
        self.assertEqual(info_field(r, "replication", "slave_read_only"), "1")
        self.assertEqual(info_field(r, "replication", "master_replid"),
                         info_field(m, "replication", "master_replid"))
        role = call(r, "ROLE")
        port = str(master.port)
        self.assertTrue(role.startswith(
            f"*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:{port}\r\n$9\r\nconnected\r\n:"
            .encode()), role)
        self.assertRegex(call(r, "CLIENT", "LIST", "TYPE", "master").decode(), r"flags=M ")

        # the link killed by the replica, then by the master: partial resynchronizations
        full_before = info_field(m, "stats", "sync_full")
        call(r, "CLIENT", "KILL", "TYPE", "master")
        call(m, "SET", "while", "down")
        self.wait_synced(m, r)
        call(m, "CLIENT", "KILL", "TYPE", "replica")
        call(m, "RPUSH", "list", "after", "kill")
        self.wait_synced(m, r)
        self.check_same(m, r)
        self.assertEqual(info_field(m, "stats", "sync_full"), full_before)
        self.assertEqual(info_field(m, "stats", "sync_partial_ok"), "2")

        # promoted: writable, with the old history as replid2
        old_replid = info_field(r, "replication", "master_replid")
        self.assertEqual(call(r, "REPLICAOF", "NO", "ONE"), b"+OK\r\n")
        self.assertEqual(info_field(r, "replication", "role"), "master")
        self.assertEqual(info_field(r, "replication", "master_replid2"), old_replid)
        self.assertNotEqual(info_field(r, "replication", "master_replid"), old_replid)
        offset = int(info_field(r, "replication", "master_repl_offset"))
        self.assertEqual(call(r, "SET", "x", "y"), b"+OK\r\n")
        # its own writes now go to its backlog (a replica of it could continue from there)
        self.assertGreater(int(info_field(r, "replication", "master_repl_offset")), offset)
        self.assertEqual(call(r, "REPLICAOF", "NO", "ONE"), b"+OK\r\n")

    def test_replica_of_duet(self):
        self.run_replica_of("duet")

    def test_replica_of_redis(self):
        self.run_replica_of("redis")

    def run_loading_master_rdb(self, replica_kind):
        """The replica loads its master's image as a startup load: clients get -LOADING
        meanwhile (INFO is served, loading:1), the master's writes during the load follow
        once it is done."""
        master, m = self.start("duet")
        call(m, "DEBUG", "POPULATE", "3000")
        replica, r = self.start(replica_kind)
        call(r, "CONFIG", "SET", "key-load-delay", "1000")  # 3000 keys: about 3 s
        call(r, "CONFIG", "SET", "loading-process-events-interval-bytes", "1024")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", str(master.port)), b"+OK\r\n")
        wait_until(lambda: info_field(r, "persistence", "loading") == "1",
                   "the replica to load the master's image", step=0.005)
        self.assertEqual(call(r, "GET", "key:1"),
                         b"-LOADING Redis is loading the dataset in memory\r\n")
        self.assertEqual(call(r, "REPLICAOF", "NO", "ONE"),
                         b"-LOADING Redis is loading the dataset in memory\r\n")
        for i in range(50):
            call(m, "SET", f"during:{i}", str(i))
        self.assertEqual(info_field(r, "persistence", "loading"), "1")
        call(r, "CONFIG", "SET", "key-load-delay", "0")
        self.wait_synced(m, r)
        self.check_same(m, r)
        self.assertEqual(call(r, "GET", "during:49"), b"$2\r\n49\r\n")

    def test_loading_master_rdb(self):
        self.run_loading_master_rdb("duet")

    def test_loading_master_rdb_redis(self):
        self.run_loading_master_rdb("redis")

    def test_publish_reaches_the_replicas_subscribers(self):
        master, m = self.start("duet")
        replica, r = self.start("duet")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", str(master.port)), b"+OK\r\n")
        self.wait_synced(m, r)
        sub = RawConnection(replica.port, timeout=20)
        self.addCleanup(sub.close)
        self.assertEqual(call(sub, "SUBSCRIBE", "ch"),
                         b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        self.assertEqual(call(m, "PUBLISH", "ch", "hello"), b":0\r\n")  # none on the master
        self.assertEqual(sub.read_reply(),
                         b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n")

    def test_replicaof_errors_and_directive(self):
        master, m = self.start("duet")
        call(m, "SET", "k", "v")
        rs, r = self.start("duet", "--replicaof", "127.0.0.1", str(master.port))
        self.wait_synced(m, r)
        self.assertEqual(call(r, "GET", "k"), b"$1\r\nv\r\n")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", "abc"), b"-ERR Invalid master port\r\n")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", "70000"),
                         b"-ERR Invalid master port\r\n")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1"),
                         b"-ERR wrong number of arguments for 'replicaof' command\r\n")
        # a chained replica gets the stream through its master
        _, r2 = self.start("duet")
        self.assertEqual(call(r2, "SLAVEOF", "127.0.0.1", str(rs.port)), b"+OK\r\n")
        wait_until(lambda: info_field(r2, "replication", "master_link_status") == "up",
                   "the chained replica's link")
        call(m, "SET", "chained", "yes")
        wait_until(lambda: call(r2, "GET", "chained") == b"$3\r\nyes\r\n",
                   "the write to reach the chained replica")
        self.assertEqual(call(r2, "DEBUG", "DIGEST"), call(m, "DEBUG", "DIGEST"))
        # the master goes away: the link is down, stale data is served unless told otherwise
        master.stop()
        wait_until(lambda: info_field(r, "replication", "master_link_status") == "down",
                   "the replica to notice its master is gone")
        self.assertEqual(call(r, "GET", "k"), b"$1\r\nv\r\n")
        call(r, "CONFIG", "SET", "replica-serve-stale-data", "no")
        self.assertEqual(call(r, "GET", "k"), b"-MASTERDOWN Link with MASTER is down and "
                         b"replica-serve-stale-data is set to 'no'.\r\n")
        self.assertTrue(call(r, "INFO", "replication").startswith(b"$"))  # a stale command


if __name__ == "__main__":
    unittest.main()
