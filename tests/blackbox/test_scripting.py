#!/usr/bin/env python3
"""Scripts against the real binaries, side by side on redis-server 7.0.15 and duet: a script
past busy-reply-threshold makes other clients get -BUSY, SCRIPT KILL stops a read-only one
and refuses a writer (UNKILLABLE), SHUTDOWN without NOSAVE is refused meanwhile and SHUTDOWN
NOSAVE ends the server at once (a new connection is refused); keys a script writes wake blocked
clients when it ends, not while other clients' commands are served during it."""
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import KINDS, Conn, SideBySide, servers, stop_all  # noqa: E402
from lib.resp import ConnectionClosed, encode  # noqa: E402

LOOP = "local i = 0 while true do i = i + 1 end"
WRITE_LOOP = "redis.call('set', 'w', 1) while true do end"


def wait_busy(port, deadline_s=10.0):
    """Pings until the server answers -BUSY; fails loudly after `deadline_s`."""
    c = Conn(port)
    deadline = time.time() + deadline_s
    while time.time() < deadline:
        reply = c.cmd("PING")
        if reply.startswith(b"-BUSY"):
            return reply
        time.sleep(0.01)
    raise AssertionError("the server never reported BUSY")


class BusyScriptTest(SideBySide):

    def test_kill_read_only_script(self):
        def run(port):
            Conn(port).cmd("CONFIG", "SET", "lua-time-limit", "50")
            runner = Conn(port, timeout=20)
            runner.send(encode(["EVAL", LOOP, "0"]))
            busy = wait_busy(port)
            other = Conn(port)
            out = [busy, other.cmd("GET", "x"), other.cmd("SHUTDOWN"), other.cmd("SCRIPT", "KILL")]
            killed = runner.read_reply()
            out.append(killed.split(b" script:")[0])
            out.append(other.cmd("PING"))
            out.append(runner.cmd("PING"))
            Conn(port).cmd("CONFIG", "SET", "lua-time-limit", "5000")
            return out
        out = self.each(run)
        self.assertEqual(out[3], b"+OK\r\n")

    def test_script_wakes_blocked_client(self):
        def run(port):
            waiter = Conn(port, timeout=10)
            waiter.send(encode(["BZPOPMIN", "marker", "0"]))
            time.sleep(0.1)
            c = Conn(port)
            r = c.cmd("EVAL", "return redis.call('zadd', KEYS[1], 5, 'm')", "1", "marker")
            return [r, waiter.read_reply()]
        self.each(run)


class BusyScriptAtomicityTest(unittest.TestCase):
    """A client blocked on a key a busy script pushes to is served after the script, with
    what the script left, even though another client's HELLO runs meanwhile (Redis's
    'Timedout scripts and unblocked command')."""

    def test_blocked_client_waits_for_the_busy_script(self):
        procs = servers("--enable-debug-command", "yes")
        script = ("redis.call('lpush', KEYS[1], 'y') "
                  "while not string.find(redis.call('client', 'list'), 'abortscript') do end "
                  "redis.call('lpush', KEYS[1], 'z') return 'done'")
        try:
            results = {}
            for kind in KINDS:
                port = procs[kind].port
                c = Conn(port)
                c.cmd("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1")
                c.cmd("CONFIG", "SET", "busy-reply-threshold", "10")
                waiter = Conn(port, timeout=10)
                waiter.send(encode(["BLPOP", "x", "0"]))
                time.sleep(0.1)
                runner = Conn(port, timeout=10)
                runner.send(encode(["EVAL", script, "1", "x"]))
                out = [wait_busy(port)]
                # Kept open until the script ended: a closed connection leaves CLIENT LIST, and
                # the script could miss the name (as the TCL test keeps its $r3).
                abort = Conn(port)
                out.append(abort.cmd("HELLO", "2", "SETNAME", "abortscript")[:1])
                out += [runner.read_reply(), waiter.read_reply(), c.cmd("LRANGE", "x", "0", "-1")]
                abort.close()
                results[kind] = out
            self.assertEqual(results["redis"], results["duet"])
            self.assertEqual(results["duet"][3], b"*2\r\n$1\r\nx\r\n$1\r\nz\r\n")
        finally:
            stop_all(procs)


class UnkillableScriptTest(unittest.TestCase):
    """Ends with SHUTDOWN NOSAVE, so it has servers of its own."""

    def test_writer_is_unkillable_and_shutdown_nosave_stops_it(self):
        procs = servers()
        try:
            results = {}
            for kind in KINDS:
                port = procs[kind].port
                Conn(port).cmd("CONFIG", "SET", "busy-reply-threshold", "50")
                runner = Conn(port, timeout=20)
                runner.send(encode(["EVAL", WRITE_LOOP, "0"]))
                busy = wait_busy(port)
                other = Conn(port)
                out = [busy, other.cmd("SCRIPT", "KILL"), other.cmd("SHUTDOWN")]
                other.send(encode(["SHUTDOWN", "NOSAVE"]))
                out.append(other.closed_within(10))
                try:  # the listening socket closed with the SHUTDOWN, before the script ended
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                    out.append("accepted")
                except ConnectionRefusedError:
                    out.append("refused")
                deadline = time.time() + 10
                while procs[kind].proc.poll() is None and time.time() < deadline:
                    time.sleep(0.05)
                out.append(procs[kind].proc.poll() is not None)
                results[kind] = out
            self.assertEqual(results["redis"], results["duet"])
            self.assertEqual(results["duet"][-3:], [True, "refused", True])
        finally:
            stop_all(procs)


if __name__ == "__main__":
    unittest.main()
