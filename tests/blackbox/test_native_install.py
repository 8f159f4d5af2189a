#!/usr/bin/env python3
"""scripts/install-native.sh --root and deploy/systemd/duet@.service: the installed tree
(files, modes, passwords), `systemd-analyze verify` of both instances when systemd-analyze is
there, and each instance started exactly as the unit's ExecStart + StandardInput say (paths
moved under the test root, the port moved to a free one)."""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ROOT, free_port  # noqa: E402
from test_start_kit import WRONGPASS, call, listening, read_env  # noqa: E402

INSTALL = os.path.join(ROOT, "scripts", "install-native.sh")


def unit_values(text, key):
    return [m.group(1) for m in re.finditer(rf"^{key}=(.*)$", text, re.M)]


class NativeInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="duet-native-")
        r = subprocess.run(["bash", INSTALL, "--no-build", "--root", cls.root],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        with open(os.path.join(cls.root, "etc/systemd/system/duet@.service")) as f:
            cls.unit = f.read()

    def rooted(self, path):
        return self.root + path

    def test_installed_tree(self):
        for path, mode in (("usr/local/bin/duet-server", 0o755), ("etc/duet/cache.conf", 0o644),
                           ("etc/duet/queue.conf", 0o644), ("etc/duet/duet.env", 0o600),
                           ("etc/duet/cache.secret", 0o600), ("etc/duet/queue.secret", 0o600),
                           ("etc/systemd/system/duet@.service", 0o644),
                           ("usr/local/share/doc/duet/deploy.md", 0o644)):
            st = os.stat(os.path.join(self.root, path))
            self.assertEqual(stat.S_IMODE(st.st_mode), mode, path)
        env = read_env(os.path.join(self.root, "etc/duet/duet.env"))
        cache_pw, queue_pw = env["DUET_CACHE_PASSWORD"], env["DUET_QUEUE_PASSWORD"]
        self.assertGreaterEqual(len(cache_pw), 32)
        self.assertNotEqual(cache_pw, queue_pw)
        with open(os.path.join(self.root, "etc/duet/queue.secret")) as f:
            self.assertEqual(f.read(), f'requirepass "{queue_pw}"\n')

    def test_reinstall_keeps_passwords_and_edited_config(self):
        root = tempfile.mkdtemp(prefix="duet-native-")
        run = lambda: subprocess.run(["bash", INSTALL, "--no-build", "--root", root],  # noqa
                                     capture_output=True, text=True, timeout=120)
        self.assertEqual(run().returncode, 0)
        env = read_env(os.path.join(root, "etc/duet/duet.env"))
        with open(os.path.join(root, "etc/duet/queue.conf"), "a") as f:
            f.write("maxmemory 1gb\n")
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("kept your /etc/duet/queue.conf", r.stdout)
        self.assertTrue(os.path.exists(os.path.join(root, "etc/duet/queue.conf.new")))
        self.assertFalse(os.path.exists(os.path.join(root, "etc/duet/cache.conf.new")))
        self.assertEqual(read_env(os.path.join(root, "etc/duet/duet.env")), env)

    def test_hardening_options(self):
        for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                           ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                           ("ReadWritePaths", "/var/lib/duet/%i"), ("User", "duet"),
                           ("StateDirectory", "duet/%i"), ("CapabilityBoundingSet", ""),
                           ("StandardInput", "file:/etc/duet/%i.secret"), ("Type", "notify")):
            self.assertIn(value, unit_values(self.unit, key), key)

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze not installed")
    def test_systemd_analyze_verify(self):
        d = tempfile.mkdtemp(prefix="duet-unit-")
        binary = self.rooted("/usr/local/bin/duet-server")
        text = self.unit.replace("/usr/local/bin/duet-server", binary)
        for name in ("cache", "queue"):
            path = os.path.join(d, f"duet@{name}.service")
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run(["systemd-analyze", "verify", path], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.strip(), "", r.stderr)

    def start_like_systemd(self, name):
        """ExecStart with %i expanded and paths under the test root, stdin from the
        StandardInput file, a free port before the final "-"."""
        (exec_start,) = unit_values(self.unit, "ExecStart")
        (stdin_spec,) = unit_values(self.unit, "StandardInput")
        argv = exec_start.replace("%i", name).split()
        self.assertEqual(argv[-1], "-")
        port = free_port()
        argv = [self.rooted(a) if a.startswith("/") else a for a in argv[:-1]]
        argv += ["--port", str(port), "-"]
        os.makedirs(self.rooted(f"/var/lib/duet/{name}"), exist_ok=True)
        stdin = open(self.rooted(stdin_spec.removeprefix("file:").replace("%i", name)))
        # systemd's notification socket (Type=notify): READY=1 once the server accepts.
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify_path = os.path.join(self.root, f"notify-{name}")
        notify.bind(notify_path)
        notify.settimeout(20)
        self.addCleanup(notify.close)
        log = open(os.path.join(self.root, f"{name}.log"), "w")
        p = subprocess.Popen(argv, stdin=stdin, stdout=log, stderr=subprocess.STDOUT,
                             env=dict(os.environ, NOTIFY_SOCKET=notify_path))
        stdin.close()
        log.close()
        self.addCleanup(lambda: p.poll() is None and p.kill())
        messages = b""
        while b"READY=1" not in messages:
            try:
                messages += notify.recv(4096)
            except socket.timeout:
                p.kill()
                with open(os.path.join(self.root, f"{name}.log")) as f:
                    self.fail(f"{name}: no READY=1 from the server: " + f.read())
        self.assertTrue(listening(port))
        self.assertIn(b"STATUS=Ready to accept connections\n", messages)
        return p, port, notify

    def test_instances_start_as_the_unit_says(self):
        env = read_env(os.path.join(self.root, "etc/duet/duet.env"))
        for name, policy in (("cache", b"allkeys-lru"), ("queue", b"noeviction")):
            pw = env[f"DUET_{name.upper()}_PASSWORD"]
            p, port, notify = self.start_like_systemd(name)
            c = RawConnection(port)
            c.send(encode(["AUTH", "wrong"]))
            self.assertEqual(c.read_reply(), WRONGPASS)
            c.close()
            reply = call(port, pw, "CONFIG", "GET", "maxmemory-policy")
            self.assertTrue(reply.endswith(policy + b"\r\n"), reply)
            reply = call(port, pw, "CONFIG", "GET", "dir")
            self.assertIn(self.rooted(f"/var/lib/duet/{name}").encode(), reply)
            with open(f"/proc/{p.pid}/cmdline", "rb") as f:
                self.assertNotIn(pw.encode(), f.read())
            if name == "queue":
                self.assertEqual(call(port, pw, "SET", "job", "1"), b"+OK\r\n")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(notify.recv(4096), b"STOPPING=1\n")
            self.assertEqual(p.wait(timeout=20), 0)
        self.assertTrue(os.path.exists(self.rooted("/var/lib/duet/queue/dump.rdb")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
