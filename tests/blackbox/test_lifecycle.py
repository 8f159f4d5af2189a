#!/usr/bin/env python3
"""Process lifecycle: daemonize + pidfile + logfile, SIGTERM/SIGINT shutdown, Redis log line
format, passwords never reaching the log, config from stdin."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ServerProcess, duet_binary, free_port  # noqa: E402

LOG_LINE = re.compile(r"^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] .+$")


def wait_for(pred, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


class LifecycleTest(unittest.TestCase):
    def test_daemonize_pidfile_logfile_and_sigterm(self):
        d = tempfile.mkdtemp(prefix="duet-life-")
        port = free_port()
        pidfile = os.path.join(d, "duet.pid")
        logfile = os.path.join(d, "duet.log")
        rc = subprocess.run([duet_binary(), "--port", str(port), "--bind", "127.0.0.1",
                             "--daemonize", "yes", "--pidfile", pidfile, "--logfile", logfile,
                             "--requirepass", "very-secret-pw", "--dir", d]).returncode
        self.assertEqual(rc, 0)  # the parent exits once the child is detached
        self.assertTrue(wait_for(lambda: os.path.exists(pidfile)), "pidfile not written")
        with open(pidfile) as f:
            pid = int(f.read().strip())
        self.assertTrue(pid_alive(pid))
        c = RawConnection(port)
        c.send(encode(["AUTH", "very-secret-pw"]))
        self.assertEqual(c.read_reply(), b"+OK\r\n")
        c.close()
        os.kill(pid, signal.SIGTERM)
        self.assertTrue(wait_for(lambda: not pid_alive(pid)), "daemon did not exit on SIGTERM")
        self.assertFalse(os.path.exists(pidfile), "pidfile not removed at shutdown")
        with open(logfile) as f:
            log = f.read()
        lines = [l for l in log.splitlines() if l]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, LOG_LINE)
        self.assertIn("Received SIGTERM scheduling shutdown...", log)
        self.assertNotIn("very-secret-pw", log)

    def test_sigint_exits_zero(self):
        s = ServerProcess("duet")
        s.proc.send_signal(signal.SIGINT)
        self.assertEqual(s.proc.wait(timeout=10), 0)
        s.log.close()
        with open(s.log_path) as f:
            self.assertIn("Received SIGINT scheduling shutdown...", f.read())

    def test_config_from_stdin_keeps_password_out_of_argv(self):
        port = free_port()
        p = subprocess.Popen([duet_binary(), "-", "--port", str(port), "--bind", "127.0.0.1"],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        p.stdin.write(b'requirepass "stdin secret"\n')
        p.stdin.close()
        try:
            def up():
                try:
                    RawConnection(port).close()
                    return True
                except OSError:
                    return False
            self.assertTrue(wait_for(up))
            cmdline = open(f"/proc/{p.pid}/cmdline", "rb").read()
            self.assertNotIn(b"stdin secret", cmdline)
            c = RawConnection(port)
            c.send(encode(["PING"]))
            self.assertEqual(c.read_reply(), b"-NOAUTH Authentication required.\r\n")
            c.send(encode(["AUTH", "stdin secret"]))
            self.assertEqual(c.read_reply(), b"+OK\r\n")
            c.close()
        finally:
            p.terminate()
            self.assertEqual(p.wait(timeout=10), 0)

    def test_bind_several_addresses_including_ipv6(self):
        import socket
        port = free_port()
        p = subprocess.Popen([duet_binary(), "--port", str(port), "--bind", "127.0.0.1", "-::1"],
                             stdout=subprocess.DEVNULL)
        try:
            def up():
                try:
                    RawConnection(port).close()
                    return True
                except OSError:
                    return False
            self.assertTrue(wait_for(up))
            try:
                s6 = socket.create_connection(("::1", port), timeout=2)
            except OSError:
                self.skipTest("no IPv6 loopback on this machine")
            s6.sendall(encode(["PING"]))
            self.assertEqual(s6.recv(100), b"+PONG\r\n")
            s6.close()
        finally:
            p.terminate()
            self.assertEqual(p.wait(timeout=10), 0)

    def test_port_in_use_fails_loudly(self):
        s = ServerProcess("duet")
        try:
            r = subprocess.run([duet_binary(), "--port", str(s.port), "--bind", "127.0.0.1"],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"127.0.0.1:{s.port}", r.stdout)
            self.assertIn("bind: Address already in use", r.stdout)
            self.assertIn(f"Failed listening on port {s.port} (tcp), aborting.", r.stdout)
        finally:
            s.stop()


if __name__ == "__main__":
    unittest.main(verbosity=1)
