#!/usr/bin/env python3
"""Blocking commands with several clients, side by side on redis-server 7.0.15 and duet:
first-come first-served per key, fractional timeouts, pushes inside MULTI serving after EXEC,
disconnects while blocked, CLIENT UNBLOCK, BLMOVE chains, blocked clients in INFO and CLIENT
LIST, a waiter served promptly, and the failed-call accounting of a command served with an
error. Waiting uses polling of observable state (CLIENT LIST / INFO), never a fixed sleep
before an assertion."""
import os
import sys
import time
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_clients import SideBySide, Conn, wait_for  # noqa: E402
from lib.resp import encode  # noqa: E402


def info_field(conn, name):
    text = conn.cmd("INFO", "clients").split(b"\r\n", 1)[1].decode()
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return int(line.split(":")[1])
    raise KeyError(name)


class BlockingTest(SideBySide):
    maxDiff = None

    @staticmethod
    def block(port, *args):
        """Sends a blocking command on a new connection and waits until the server shows it
        blocked; returns the connection (its reply is read later)."""
        c = Conn(port)
        admin = Conn(port)
        before = info_field(admin, "blocked_clients")
        c.send(encode([str(a) for a in args]))
        assert wait_for(lambda: info_field(admin, "blocked_clients") == before + 1)
        return c

    def test_fifo_per_key(self):
        def run(port):
            w1 = self.block(port, "BLPOP", "q", "0")
            w2 = self.block(port, "BLPOP", "q", "0")
            p = Conn(port)
            out = [p.cmd("RPUSH", "q", "a", "b", "c")]
            out += [w1.read_reply(), w2.read_reply(), p.cmd("LRANGE", "q", "0", "-1")]
            return out

        out = self.each(run)
        self.assertEqual(out[1], b"*2\r\n$1\r\nq\r\n$1\r\na\r\n")
        self.assertEqual(out[2], b"*2\r\n$1\r\nq\r\n$1\r\nb\r\n")

    def test_push_inside_multi_serves_after_exec(self):
        def run(port):
            w = self.block(port, "BRPOP", "q", "0")
            p = Conn(port)
            out = [p.cmd("MULTI"), p.cmd("LPUSH", "q", "x"), p.cmd("LPUSH", "q", "y")]
            out.append(p.cmd("EXEC"))
            out.append(w.read_reply())
            out.append(p.cmd("LRANGE", "q", "0", "-1"))
            return out

        out = self.each(run)
        self.assertEqual(out[4], b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
        self.assertEqual(out[5], b"*1\r\n$1\r\ny\r\n")

    def test_fractional_timeout(self):
        def run(port):
            c = Conn(port)
            start = time.time()
            r = c.cmd("BLPOP", "nothing", "0.05")
            return r, time.time() - start < 2.0

        self.assertEqual(self.each(run), (b"*-1\r\n", True))

    def test_smallest_timeouts_time_out(self):
        # 0.001 s is 0.99999... ms in binary: Redis rounds it up to 1 ms. Truncated to 0 it
        # meant "forever" and the read below timed out (Conn's 5 s socket timeout): loud.
        def run(port):
            c = Conn(port, timeout=5.0)
            out = []
            for args in (("BZPOPMIN", "marker", "0.001"), ("BLPOP", "k", "0.001"),
                         ("BZMPOP", "0.0001", "1", "marker", "MIN"),
                         ("BLMOVE", "k", "d", "LEFT", "LEFT", "0.001")):
                out.append(c.cmd(*args))
            return out

        self.assertEqual(self.each(run), [b"*-1\r\n"] * 4)

    def test_disconnected_waiter_is_forgotten(self):
        def run(port):
            w1 = self.block(port, "BLPOP", "q", "0")
            w2 = self.block(port, "BLPOP", "q", "0")
            admin = Conn(port)
            w1.close()
            assert wait_for(lambda: info_field(admin, "blocked_clients") == 1)
            admin.cmd("RPUSH", "q", "v")
            return w2.read_reply(), admin.cmd("EXISTS", "q")

        self.assertEqual(self.each(run), (b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n", b":0\r\n"))

    def test_client_unblock(self):
        def run(port):
            w = self.block(port, "BZPOPMIN", "z", "0")
            admin = Conn(port)
            ids = [l for l in admin.cmd("CLIENT", "LIST").decode().split("\n") if "cmd=bzpopmin" in l]
            target = ids[0].split(" ")[0].split("=")[1]
            flags = [kv for kv in ids[0].split(" ") if kv.startswith("flags=")][0]
            out = [flags, admin.cmd("CLIENT", "UNBLOCK", target), w.read_reply()]
            w2 = self.block(port, "BLMOVE", "s", "d", "LEFT", "RIGHT", "0")
            ids = [l for l in admin.cmd("CLIENT", "LIST").decode().split("\n") if "cmd=blmove" in l]
            target = ids[0].split(" ")[0].split("=")[1]
            out += [admin.cmd("CLIENT", "UNBLOCK", target, "ERROR"), w2.read_reply()]
            out.append(admin.cmd("CLIENT", "UNBLOCK", target))
            return out

        out = self.each(run)
        self.assertEqual(out[0], "flags=b")
        self.assertEqual(out[2], b"*-1\r\n")
        self.assertEqual(out[4], b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        self.assertEqual(out[5], b":0\r\n")

    def test_blmove_chain_and_wrongtype_destination(self):
        def run(port):
            w1 = self.block(port, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0")
            w2 = self.block(port, "BLPOP", "b", "0")
            p = Conn(port)
            out = [p.cmd("RPUSH", "a", "v1"), w1.read_reply(), w2.read_reply()]
            w3 = self.block(port, "BRPOPLPUSH", "src", "str", "0")
            out.append(p.cmd("SET", "str", "x"))
            out.append(p.cmd("RPUSH", "src", "e"))
            out.append(w3.read_reply())
            out.append(p.cmd("LRANGE", "src", "0", "-1"))
            return out

        out = self.each(run)
        self.assertEqual(out[1], b"$2\r\nv1\r\n")
        self.assertEqual(out[2], b"*2\r\n$1\r\nb\r\n$2\r\nv1\r\n")
        self.assertTrue(out[5].startswith(b"-WRONGTYPE"))
        self.assertEqual(out[6], b"*1\r\n$1\r\ne\r\n")

    def test_served_with_an_error_counts_as_failed(self):
        """A blocked command served with an error reply (BLMOVE / BRPOPLPUSH whose destination
        has another type: nothing is popped; CLIENT UNBLOCK ... ERROR) is a failed call in
        INFO commandstats, errorstats and total_error_replies, as on redis-server, which also
        counts the CLIENT UNBLOCK ... ERROR itself as failed."""
        def stats(conn):
            out = {}
            for section in ("commandstats", "errorstats", "stats"):
                for line in conn.cmd("INFO", section).decode().split("\r\n"):
                    name, _, value = line.partition(":")
                    if name in ("cmdstat_info", "cmdstat_client|list"):
                        continue  # block() polls INFO: as many calls as it took
                    if name.startswith("cmdstat_"):  # calls and failures, not timings
                        value = ",".join(f for f in value.split(",")
                                         if f.split("=")[0] in ("calls", "failed_calls",
                                                                "rejected_calls"))
                    elif not (name.startswith("errorstat_") or name == "total_error_replies"):
                        continue
                    out[name] = value
            return out

        def run(port):
            p = Conn(port)
            out = [p.cmd("CONFIG", "RESETSTAT"), p.cmd("SET", "str", "x")]
            w1 = self.block(port, "BLMOVE", "src", "str", "LEFT", "RIGHT", "0")
            out += [p.cmd("RPUSH", "src", "e"), w1.read_reply()]
            w2 = self.block(port, "BRPOPLPUSH", "src2", "str", "0")
            out += [p.cmd("RPUSH", "src2", "f"), w2.read_reply()]
            w3 = self.block(port, "BLPOP", "nothing", "0")
            ids = [l for l in p.cmd("CLIENT", "LIST").decode().split("\n") if "cmd=blpop" in l]
            target = ids[0].split(" ")[0].split("=")[1]
            out += [p.cmd("CLIENT", "UNBLOCK", target, "ERROR"), w3.read_reply()]
            out += [p.cmd("LRANGE", "src", "0", "-1"), p.cmd("LRANGE", "src2", "0", "-1")]
            out.append(stats(p))
            return out

        out = self.each(run)
        self.assertTrue(out[3].startswith(b"-WRONGTYPE"))
        self.assertEqual(out[-3], b"*1\r\n$1\r\ne\r\n")  # nothing was popped
        st = out[-1]
        self.assertEqual(st["cmdstat_blmove"], "calls=1,rejected_calls=0,failed_calls=1")
        self.assertEqual(st["cmdstat_brpoplpush"], "calls=1,rejected_calls=0,failed_calls=1")
        self.assertEqual(st["cmdstat_blpop"], "calls=1,rejected_calls=0,failed_calls=1")
        self.assertEqual(st["cmdstat_client|unblock"], "calls=1,rejected_calls=0,failed_calls=1")
        self.assertEqual(st["errorstat_WRONGTYPE"], "count=2")
        self.assertEqual(st["errorstat_UNBLOCKED"], "count=1")
        self.assertEqual(st["total_error_replies"], "3")

    def test_key_of_other_type_keeps_waiting(self):
        def run(port):
            w = self.block(port, "BLPOP", "k", "0")
            p = Conn(port)
            out = [p.cmd("ZADD", "k", "1", "m"), info_field(p, "blocked_clients")]
            out += [p.cmd("DEL", "k"), p.cmd("RPUSH", "k", "v"), w.read_reply()]
            return out

        out = self.each(run)
        self.assertEqual(out[1], 1)
        self.assertEqual(out[4], b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n")

    def test_bzpopmin_and_bzmpop_served(self):
        def run(port):
            w1 = self.block(port, "BZPOPMIN", "z1", "z2", "0")
            w2 = self.block(port, "BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2")
            p = Conn(port)
            out = [p.cmd("ZADD", "z2", "1", "a", "2", "b", "3", "c")]
            out += [w1.read_reply(), w2.read_reply(), p.cmd("ZRANGE", "z2", "0", "-1")]
            return out

        out = self.each(run)
        self.assertEqual(out[1], b"*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n")

    def test_pipelined_commands_after_a_blocking_one_wait_for_it(self):
        def run(port):
            c = Conn(port)
            admin = Conn(port)
            c.send(encode(["BLPOP", "q", "0"]) + encode(["SET", "after", "1"]))
            assert wait_for(lambda: info_field(admin, "blocked_clients") == 1)
            out = [admin.cmd("EXISTS", "after"), admin.cmd("RPUSH", "q", "z")]
            out += [c.read_reply(), c.read_reply(), admin.cmd("EXISTS", "after")]
            return out

        out = self.each(run)
        self.assertEqual(out[0], b":0\r\n")
        self.assertEqual(out[4], b":1\r\n")

    def test_timeout_reply_and_blocked_gauges(self):
        def run(port):
            w = self.block(port, "BRPOPLPUSH", "none", "dst", "0.2")
            admin = Conn(port)
            out = [info_field(admin, "clients_in_timeout_table"), w.read_reply()]
            out.append(info_field(admin, "blocked_clients"))
            return out

        self.assertEqual(self.each(run), [1, b"*-1\r\n", 0])  # a null array even for BRPOPLPUSH

    def test_large_fan_out_wakes_every_reader(self):
        # 300 XREAD BLOCK readers and 300 subscribers: past the 256 clients from which duet
        # writes one iteration's output with two threads. Every reader gets its whole reply.
        def run(port):
            admin = Conn(port)
            admin.cmd("XADD", "ws", "1-1", "f", "v")
            readers = [Conn(port) for _ in range(300)]
            for r in readers:
                r.send(encode(["XREAD", "BLOCK", "0", "STREAMS", "ws", "$"]))
            assert wait_for(lambda: info_field(admin, "blocked_clients") == 300)
            subs = [Conn(port) for _ in range(300)]
            for sub in subs:
                sub.cmd("SUBSCRIBE", "ch")
            out = [admin.cmd("XADD", "ws", "2-1", "f", "x" * 100)]
            out += sorted(set(r.read_reply() for r in readers))
            out.append(admin.cmd("PUBLISH", "ch", "m" * 100))
            out += sorted(set(sub.read_reply() for sub in subs))
            return out

        out = self.each(run)
        self.assertEqual(len(out), 4)
        self.assertEqual(out[2], b":300\r\n")

    def test_large_fan_out_keeps_each_readers_order(self):
        # 300 readers woken by one XADD: past the 256 waiters from which duet hands each
        # served reader's reply to its sending thread while the next ones are served. Mixed
        # readers: RESP3 ones (other bytes), ones with a PING pipelined behind the XREAD (its
        # reply follows), and RESP3 ones subscribed to the key's keyspace channel, which have
        # the XADD's notification queued before their reply (sent in that order).
        def run(port):
            admin = Conn(port)
            admin.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
            admin.cmd("XADD", "ws", "1-1", "f", "v")
            readers = []
            for i in range(300):
                r = Conn(port)
                if i % 3 == 1:
                    r.cmd("HELLO", "3")
                if i % 6 == 4:
                    r.cmd("SUBSCRIBE", "__keyspace@0__:ws")
                req = encode(["XREAD", "BLOCK", "0", "STREAMS", "ws", "$"])
                if i % 5 == 0:
                    req += encode(["PING", "after%d" % i])
                r.send(req)
                readers.append(r)
            assert wait_for(lambda: info_field(admin, "blocked_clients") == 300)
            out = [admin.cmd("XADD", "ws", "2-1", "f", "x" * 100)]
            for i, r in enumerate(readers):
                n = 1 + (i % 5 == 0) + (i % 6 == 4)
                out.append(b"".join(r.read_reply() for _ in range(n)))
            admin.cmd("CONFIG", "SET", "notify-keyspace-events", "")
            return out

        out = self.each(run)
        self.assertEqual(len(out), 301)
        self.assertTrue(out[1 + 10].endswith(b"$7\r\nafter10\r\n"))  # reader 10
        self.assertTrue(out[1 + 4].startswith(b">3\r\n"))  # reader 4: the notification first


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)  # connections are left to the GC
    unittest.main()
