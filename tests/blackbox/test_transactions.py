#!/usr/bin/env python3
"""MULTI/EXEC/WATCH with several connections, side by side on redis-server 7.0.15 and duet:
another client's write fails a WATCHed transaction, EXEC is atomic with respect to other
clients, CLIENT LIST shows the transaction state, a disconnect mid-transaction leaves
nothing behind."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import SideBySide, Conn, client_fields  # noqa: E402


class TransactionTest(SideBySide):

    def test_other_clients_write_fails_watch(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            out = [a.cmd("SET", "balance", "10"), a.cmd("WATCH", "balance")]
            out.append(b.cmd("INCRBY", "balance", "5"))
            out += [a.cmd("MULTI"), a.cmd("SET", "balance", "0"), a.cmd("EXEC")]
            out.append(a.cmd("GET", "balance"))
            # After a failed EXEC the watch is gone: the next transaction runs.
            out += [a.cmd("MULTI"), a.cmd("SET", "balance", "1"), a.cmd("EXEC")]
            return out

        out = self.each(run)
        self.assertEqual(out[5], b"*-1\r\n")
        self.assertEqual(out[6], b"$2\r\n15\r\n")
        self.assertEqual(out[9], b"*1\r\n+OK\r\n")

    def test_write_in_other_db_does_not_fail_watch(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            out = [a.cmd("WATCH", "k"), b.cmd("SELECT", "1"), b.cmd("SET", "k", "x")]
            out += [a.cmd("MULTI"), a.cmd("PING"), a.cmd("EXEC")]
            return out

        self.assertEqual(self.each(run)[-1], b"*1\r\n+PONG\r\n")

    def test_flushall_by_other_client_fails_watch_of_existing_key(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            out = [a.cmd("SET", "k", "1"), a.cmd("WATCH", "k"), b.cmd("FLUSHALL")]
            out += [a.cmd("MULTI"), a.cmd("PING"), a.cmd("EXEC")]
            return out

        self.assertEqual(self.each(run)[-1], b"*-1\r\n")

    def test_queued_commands_are_invisible_until_exec(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            out = [a.cmd("MULTI"), a.cmd("SET", "k", "1"), a.cmd("INCR", "k")]
            out.append(b.cmd("GET", "k"))
            out.append(a.cmd("EXEC"))
            out.append(b.cmd("GET", "k"))
            return out

        out = self.each(run)
        self.assertEqual(out[3], b"$-1\r\n")
        self.assertEqual(out[5], b"$1\r\n2\r\n")

    def test_client_list_shows_multi_and_dirty(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            a.cmd("CLIENT", "SETNAME", "tx")
            a.cmd("WATCH", "k")
            b.cmd("SET", "k", "1")
            a.cmd("MULTI")
            a.cmd("PING")
            a.cmd("PING")
            lines = b.cmd("CLIENT", "LIST").split(b"\r\n")[1].decode().split("\n")
            mine = [client_fields(l) for l in lines if "name=tx" in l][0]
            a.cmd("DISCARD")
            return mine["flags"], mine["multi"]

        self.assertEqual(self.each(run), ("xd", "0"))  # a dirty transaction keeps nothing

    def test_disconnect_in_multi_discards(self):
        def run(port):
            a, b = Conn(port), Conn(port)
            a.cmd("MULTI")
            a.cmd("SET", "k", "1")
            a.close()
            b.cmd("PING")
            return b.cmd("EXISTS", "k")

        self.assertEqual(self.each(run), b":0\r\n")


if __name__ == "__main__":
    unittest.main()
