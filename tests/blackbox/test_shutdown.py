#!/usr/bin/env python3
"""SHUTDOWN on a master with a lagging replica (server/shutdown.cc), duet and redis-server 7.0.15
side by side as the master (the replica is a duet): the SHUTDOWN client blocks while the
replica has not acknowledged the whole stream (INFO shutdown_in_milliseconds, writes paused,
reads served), SHUTDOWN ABORT answers the blocked clients "Errors trying to SHUTDOWN", and a
second SHUTDOWN exits once the replica, woken up, caught up (the replica holds the last write;
the log says "1 of 1 replicas are in sync"); SHUTDOWN NOW does not wait; shutdown-timeout
passes with the replica still stopped ("Lagging replica", "0 of 1").
A signal's final save is paced by rdb-key-save-delay (as Redis's rdbSave paces every save); a
second SIGINT during it exits at once with status 1, removing the temp file and writing no
dump.rdb ("You insist... exiting now."), while a SIGTERM during it is only logged and the save
completes."""
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.resp import RawConnection, encode  # noqa: E402
from tests.lib.servers import ServerProcess  # noqa: E402
from tests.lib.waiting import wait_until  # noqa: E402

FAILED = b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"


def call(conn, *args):
    conn.send(encode([str(a) for a in args]))
    return conn.read_reply()


def info_field(conn, section, name):
    text = call(conn, "INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1]
    return None


class ShutdownWaitsForReplicaTest(unittest.TestCase):
    def start(self, kind, *args):
        server = ServerProcess(kind, list(args))
        self.addCleanup(server.stop)
        conn = RawConnection(server.port, timeout=20)
        self.addCleanup(conn.close)
        return server, conn

    def connect(self, server):
        conn = RawConnection(server.port, timeout=20)
        self.addCleanup(conn.close)
        return conn

    def lagging_pair(self, master_kind, *master_args):
        master, m = self.start(master_kind, *master_args)
        replica, r = self.start("duet")
        self.assertEqual(call(r, "REPLICAOF", "127.0.0.1", master.port), b"+OK\r\n")
        wait_until(lambda: info_field(r, "replication", "master_link_status") == "up",
                   "the replica's link", timeout=20)
        call(m, "SET", "k", "1")
        self.assertEqual(call(m, "WAIT", "1", "10000"), b":1\r\n")
        os.kill(replica.proc.pid, signal.SIGSTOP)
        self.addCleanup(lambda: os.kill(replica.proc.pid, signal.SIGCONT))
        self.assertEqual(call(m, "INCR", "k"), b":2\r\n")
        return master, m, replica, r

    def log_of(self, server):
        with open(server.log_path) as f:
            return f.read()

    def run_waits(self, master_kind):
        master, m, replica, r = self.lagging_pair(master_kind)
        s1 = self.connect(master)
        s1_id = call(s1, "CLIENT", "ID")[1:-2].decode()
        s1.send(encode(["SHUTDOWN"]))
        wait_until(lambda: int(info_field(m, "server", "shutdown_in_milliseconds") or 0) > 0,
                   "the master to wait for its replica")
        self.assertEqual(info_field(m, "clients", "blocked_clients"), "1")
        self.assertEqual(call(m, "GET", "k"), b"$1\r\n2\r\n")  # reads run, writes wait
        self.assertEqual(call(m, "SHUTDOWN", "ABORT"), b"+OK\r\n")
        self.assertEqual(s1.read_reply(), FAILED)
        self.assertIsNone(info_field(m, "server", "shutdown_in_milliseconds"))
        self.assertEqual(call(m, "SHUTDOWN", "ABORT"), b"-ERR No shutdown in progress.\r\n")
        self.assertEqual(call(m, "SET", "x", "1"), b"+OK\r\n")  # writes resumed
        # again (on a new connection: redis-server 7.0.15 fails an assertion reading the next
        # command of a client whose SHUTDOWN was aborted); the replica wakes up and catches
        # up: the master exits
        s2 = self.connect(master)
        s2.send(encode(["SHUTDOWN"]))
        wait_until(lambda: int(info_field(m, "server", "shutdown_in_milliseconds") or 0) > 0,
                   "the master to wait for its replica")
        os.kill(replica.proc.pid, signal.SIGCONT)
        master.proc.wait(timeout=30)
        self.assertEqual(master.proc.returncode, 0)
        self.assertEqual(call(r, "GET", "k"), b"$1\r\n2\r\n")
        log = self.log_of(master)
        self.assertIn("1 of 1 replicas are in sync when shutting down.", log)
        self.assertNotIn("Lagging replica", log)

    def test_waits_duet(self):
        self.run_waits("duet")

    def test_waits_redis(self):
        self.run_waits("redis")

    def run_timeout_and_now(self, master_kind):
        master, m, replica, r = self.lagging_pair(master_kind, "--shutdown-timeout", "1")
        os.kill(master.proc.pid, signal.SIGTERM)
        wait_until(lambda: int(info_field(m, "server", "shutdown_in_milliseconds") or 0) > 0,
                   "the master to wait for its replica")
        master.proc.wait(timeout=30)
        log = self.log_of(master)
        self.assertIn("Lagging replica", log)
        self.assertIn("0 of 1 replicas are in sync when shutting down.", log)
        # SHUTDOWN NOW does not wait
        master2, m2 = self.start(master_kind)
        os.kill(replica.proc.pid, signal.SIGCONT)
        call(r, "REPLICAOF", "127.0.0.1", master2.port)
        wait_until(lambda: info_field(r, "replication", "master_link_status") == "up",
                   "the replica's link", timeout=20)
        self.assertEqual(call(m2, "WAIT", "1", "10000"), b":1\r\n")
        os.kill(replica.proc.pid, signal.SIGSTOP)
        call(m2, "SET", "k", "3")
        m2.send(encode(["SHUTDOWN", "NOW"]))
        master2.proc.wait(timeout=10)
        self.assertIn("0 of 1 replicas are in sync when shutting down.", self.log_of(master2))

    def test_timeout_and_now_duet(self):
        self.run_timeout_and_now("duet")

    def test_timeout_and_now_redis(self):
        self.run_timeout_and_now("redis")



class SignalDuringFinalSaveTest(unittest.TestCase):
    """Redis's sigShutdownHandler: the final save of a SIGINT's shutdown, and the signals that
    come while it runs (redis-server and duet alike)."""

    def saving(self, kind, delay_us):
        server = ServerProcess(kind, ["--save", "900 1"])
        self.addCleanup(server.stop)
        conn = RawConnection(server.port, timeout=20)
        self.addCleanup(conn.close)
        for i in range(20):
            self.assertEqual(call(conn, "SET", i, i), b"+OK\r\n")
        self.assertEqual(call(conn, "CONFIG", "SET", "rdb-key-save-delay", delay_us), b"+OK\r\n")
        temp = os.path.join(server.dir, f"temp-{server.proc.pid}.rdb")
        os.kill(server.proc.pid, signal.SIGINT)
        wait_until(lambda: os.path.exists(temp), "the final save's temp file", timeout=10)
        return server, temp

    def log_of(self, server):
        with open(server.log_path) as f:
            return f.read()

    def run_second_sigint(self, kind):
        server, temp = self.saving(kind, 100000)  # 20 keys: 2 s of saving
        os.kill(server.proc.pid, signal.SIGINT)
        self.assertEqual(server.proc.wait(timeout=10), 1)
        self.assertFalse(os.path.exists(temp))
        self.assertFalse(os.path.exists(os.path.join(server.dir, "dump.rdb")))
        log = self.log_of(server)
        self.assertIn("Saving the final RDB snapshot before exiting.", log)
        self.assertIn("You insist... exiting now.", log)

    def run_sigterm_waits(self, kind):
        server, temp = self.saving(kind, 25000)  # 0.5 s
        os.kill(server.proc.pid, signal.SIGTERM)
        self.assertEqual(server.proc.wait(timeout=10), 0)
        self.assertFalse(os.path.exists(temp))
        self.assertTrue(os.path.exists(os.path.join(server.dir, "dump.rdb")))
        log = self.log_of(server)
        self.assertIn("Received SIGTERM scheduling shutdown...", log)
        self.assertIn("DB saved on disk", log)
        self.assertNotIn("You insist", log)

    def test_second_sigint_duet(self):
        self.run_second_sigint("duet")

    def test_second_sigint_redis(self):
        self.run_second_sigint("redis")

    def test_sigterm_during_save_duet(self):
        self.run_sigterm_waits("duet")

    def test_sigterm_during_save_redis(self):
        self.run_sigterm_waits("redis")


if __name__ == "__main__":
    unittest.main()
