#!/usr/bin/env python3
"""scripts/start.sh, the README's first command: both instances with generated passwords,
prefixed logs, clean stop on SIGTERM and Ctrl-C, queue data kept across restarts, --only,
the seed's REDIS_*_PASSWORD names, and `start.sh status`. Runs on free ports with its own env
file and data directory (never ./.env, 6379 or 6380), on the binary DUET_BIN names."""
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ROOT, duet_binary, free_port, serving  # noqa: E402

START = os.path.join(ROOT, "scripts", "start.sh")
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def wait_for(pred, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def listening(port):
    try:
        RawConnection(port, timeout=0.5).close()
        return True
    except OSError:
        return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not a running server.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def call(port, password, *args):
    c = RawConnection(port)
    try:
        if password is not None:
            c.send(encode(["AUTH", password]))
            assert c.read_reply() == b"+OK\r\n"
        c.send(encode(list(args)))
        return c.read_reply()
    finally:
        c.close()


def read_env(path):
    values = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    return values


def _default_signals():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


class Kit:
    """One scripts/start.sh run in its own session (so a Ctrl-C can be sent to its group)."""

    def __init__(self, base, *args, env_extra=None):
        self.base = base
        self.cache_port = base.cache_port
        self.queue_port = base.queue_port
        self.env = dict(os.environ, DUET_BIN=duet_binary(), DUET_ENV_FILE=base.env_file,
                        DUET_DATA_DIR=base.data_dir, DUET_CACHE_PORT=str(self.cache_port),
                        DUET_QUEUE_PORT=str(self.queue_port))
        for k in ("DUET_CACHE_PASSWORD", "DUET_QUEUE_PASSWORD", "REDIS_CACHE_PASSWORD",
                  "REDIS_QUEUE_PASSWORD"):
            self.env.pop(k, None)
        self.env.update(env_extra or {})
        self.log_path = os.path.join(base.dir, f"start-{time.time_ns()}.log")
        self.log = open(self.log_path, "w")
        # SIGINT/SIGQUIT back to their defaults, as in a terminal: a test run started in the
        # background by a non-interactive shell inherits them ignored, and a bash that starts
        # with SIGINT ignored cannot trap it (start.sh's Ctrl-C handling would never run).
        self.proc = subprocess.Popen(["bash", START, "--no-build", *args], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=_default_signals)

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_up(self, *ports):
        ok = wait_for(lambda: all(serving(p) for p in ports) or self.proc.poll() is not None)
        if not ok or self.proc.poll() is not None:
            self.kill()
            raise AssertionError("start.sh did not bring the servers up:\n" + self.output())

    def stop(self, sig=signal.SIGTERM, group=False):
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("start.sh did not stop:\n" + self.output())
        self.log.close()
        return rc

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.log.close()
        # The servers run in their own sessions: kill them by the PIDs start.sh printed.
        pids = {int(p) for p in re.findall(r"\(pid (\d+),", self.output())}
        pids |= {self.base.server_pids.get(p) for p in (self.cache_port, self.queue_port)}
        for pid in pids - {None}:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)

    def status(self):
        return subprocess.run(["bash", START, "status"], env=self.env, capture_output=True,
                              text=True, timeout=30)


class KitTestCase(unittest.TestCase):
    """A temporary env file, data directory and two free ports per test; every start.sh run
    and its servers are killed at the end."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="duet-kit-")
        self.env_file = os.path.join(self.dir, "env")
        self.data_dir = os.path.join(self.dir, "data")
        self.cache_port = free_port()
        self.queue_port = free_port()
        self.server_pids = {}
        self.kits = []

    def tearDown(self):
        for kit in self.kits:
            kit.kill()


class StartKitTest(KitTestCase):

    def start(self, *args, env_extra=None, ports=None):
        kit = Kit(self, *args, env_extra=env_extra)
        self.kits.append(kit)
        kit.wait_up(*(ports or (self.cache_port, self.queue_port)))
        return kit

    def passwords(self):
        env = read_env(self.env_file)
        return env["DUET_CACHE_PASSWORD"], env["DUET_QUEUE_PASSWORD"]

    def server_pid(self, port, password):
        info = call(port, password, "INFO", "server").decode()
        pid = int(info.split("process_id:")[1].split("\r\n")[0])
        self.server_pids[port] = pid
        return pid

    def test_both_instances_with_generated_passwords_then_sigterm(self):
        kit = self.start()
        mode = stat.S_IMODE(os.stat(self.env_file).st_mode)
        self.assertEqual(mode, 0o600)
        cache_pw, queue_pw = self.passwords()
        self.assertGreaterEqual(len(cache_pw), 32)
        self.assertGreaterEqual(len(queue_pw), 32)
        self.assertNotEqual(cache_pw, queue_pw)

        for port, pw, other in ((self.cache_port, cache_pw, queue_pw),
                                (self.queue_port, queue_pw, cache_pw)):
            self.assertEqual(call(port, None, "PING"), b"-NOAUTH Authentication required.\r\n")
            c = RawConnection(port)
            c.send(encode(["AUTH", other]))
            self.assertEqual(c.read_reply(), WRONGPASS)
            c.send(encode(["AUTH", "not-the-password"]))
            self.assertEqual(c.read_reply(), WRONGPASS)
            c.close()
            self.assertEqual(call(port, pw, "PING"), b"+PONG\r\n")
        self.assertEqual(call(self.cache_port, cache_pw, "CONFIG", "GET", "maxmemory-policy"),
                         b"*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n")
        self.assertEqual(call(self.queue_port, queue_pw, "CONFIG", "GET", "maxmemory-policy"),
                         b"*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n")
        self.assertEqual(call(self.queue_port, queue_pw, "CONFIG", "GET", "appendonly"),
                         b"*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n")
        self.assertEqual(call(self.cache_port, cache_pw, "CONFIG", "GET", "save"),
                         b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n")

        # No password on any command line on the machine.
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read()
            except OSError:
                continue
            self.assertNotIn(cache_pw.encode(), cmdline, f"pid {entry}")
            self.assertNotIn(queue_pw.encode(), cmdline, f"pid {entry}")

        st = kit.status()
        self.assertEqual(st.returncode, 0, st.stdout + st.stderr)
        self.assertIn(f"cache  127.0.0.1:{self.cache_port}  up (PONG)", st.stdout)
        self.assertIn(f"queue  127.0.0.1:{self.queue_port}  up (PONG)", st.stdout)
        self.assertIn("(noeviction)", st.stdout)
        self.assertIn("aof       on (everysec)", st.stdout)
        self.assertNotIn(cache_pw, st.stdout + st.stderr)

        pids = [self.server_pid(self.cache_port, cache_pw),
                self.server_pid(self.queue_port, queue_pw)]
        self.assertEqual(kit.stop(signal.SIGTERM), 0)
        for pid in pids:
            self.assertFalse(pid_alive(pid), f"server {pid} still running after SIGTERM")
        out = kit.output()
        self.assertIn("cache | ", out)
        self.assertIn("queue | ", out)
        self.assertIn("queue | ", [l[:8] for l in out.splitlines()
                                   if "Saving the final RDB snapshot" in l][0])
        self.assertNotIn(cache_pw, out)
        self.assertNotIn(queue_pw, out)

        st = kit.status()
        self.assertEqual(st.returncode, 1)
        self.assertIn("DOWN", st.stdout)

    def test_readme_commands_as_written(self):
        """The README's "Using the two instances" block, run by bash with only the ports and
        the .env path moved to this test's."""
        with open(os.path.join(ROOT, "README.md")) as f:
            readme = f.read()
        section = readme[readme.index("## Using the two instances"):]
        start = section.index("```bash\n") + 8
        block = section[start:section.index("```", start)]
        self.assertIn("redis-cli -p 6379 ping", block)
        script = (block.replace("./.env", self.env_file)
                  .replace("-p 6379", f"-p {self.cache_port}")
                  .replace("-p 6380", f"-p {self.queue_port}"))
        kit = self.start()
        r = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, env=kit.env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "PONG")
        self.assertIn("# Persistence", lines)
        self.assertIn("aof_enabled:1", lines)
        self.assertIn(f"queue  127.0.0.1:{self.queue_port}  up (PONG)", r.stdout)
        cache_pw, queue_pw = self.passwords()
        self.server_pid(self.cache_port, cache_pw)
        self.server_pid(self.queue_port, queue_pw)
        self.assertEqual(kit.stop(), 0)

    def test_queue_data_survives_restart_and_ctrl_c(self):
        kit = self.start()
        cache_pw, queue_pw = self.passwords()
        self.assertEqual(call(self.queue_port, queue_pw, "RPUSH", "bull:email:wait", "1", "2"),
                         b":2\r\n")
        self.assertEqual(call(self.cache_port, cache_pw, "SET", "api:users:1", "x"), b"+OK\r\n")
        pids = [self.server_pid(self.cache_port, cache_pw),
                self.server_pid(self.queue_port, queue_pw)]
        # Ctrl-C in a terminal: SIGINT to the whole foreground process group.
        self.assertEqual(kit.stop(signal.SIGINT, group=True), 0)
        for pid in pids:
            self.assertFalse(pid_alive(pid))
        self.assertIn("queue | ", kit.output())
        self.assertIn("DB saved on disk", kit.output())

        # With an AOF directory the queue loads it; with only dump.rdb (a duet without the
        # AOF) start.sh writes the AOF from it first, else the queue would start empty.
        had_aof = os.path.isdir(os.path.join(self.data_dir, "queue", "appendonlydir"))
        kit = self.start()
        self.assertEqual("has dump.rdb but no AOF" in kit.output(), not had_aof)
        self.assertEqual(self.passwords(), (cache_pw, queue_pw))  # not regenerated
        self.assertEqual(call(self.queue_port, queue_pw, "LRANGE", "bull:email:wait", "0", "-1"),
                         b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n")
        self.assertEqual(call(self.cache_port, cache_pw, "EXISTS", "api:users:1"), b":0\r\n")
        self.server_pid(self.cache_port, cache_pw)
        self.server_pid(self.queue_port, queue_pw)
        self.assertEqual(kit.stop(), 0)

    def test_only_queue_with_the_seed_password_names(self):
        tricky = 'q "quoted" \\ pass word 0123456789abcdef0123456789'
        with open(self.env_file, "w") as f:
            f.write("REDIS_CACHE_PASSWORD='cache-password-0123456789abcdef0123'\n")
            f.write(f"REDIS_QUEUE_PASSWORD={tricky}\n")
        os.chmod(self.env_file, 0o600)
        kit = self.start("--only", "queue", "--maxmemory", "64mb", ports=(self.queue_port,))
        self.server_pid(self.queue_port, tricky)
        self.assertFalse(listening(self.cache_port))
        self.assertEqual(call(self.queue_port, tricky, "CONFIG", "GET", "maxmemory"),
                         b"*2\r\n$9\r\nmaxmemory\r\n$8\r\n67108864\r\n")
        with open(self.env_file) as f:
            self.assertNotIn("DUET_", f.read())  # nothing generated
        st = subprocess.run(["bash", START, "status", "--only", "queue"], env=kit.env,
                            capture_output=True, text=True, timeout=30)
        self.assertEqual(st.returncode, 0, st.stdout + st.stderr)
        self.assertEqual(kit.stop(), 0)

    def test_fills_in_a_copied_env_example(self):
        with open(os.path.join(ROOT, ".env.example")) as f:
            example = f.read()
        with open(self.env_file, "w") as f:
            f.write(example)
        kit = self.start()
        with open(self.env_file) as f:
            text = f.read()
        lines = text.splitlines()
        self.assertEqual(len(lines), len(example.splitlines()))  # filled in, not appended
        self.assertEqual(stat.S_IMODE(os.stat(self.env_file).st_mode), 0o600)
        self.assertEqual(sum(l.startswith("DUET_CACHE_PASSWORD=") for l in lines), 1)
        cache_pw, queue_pw = self.passwords()
        self.assertGreaterEqual(len(queue_pw), 32)
        self.assertEqual(call(self.queue_port, queue_pw, "PING"), b"+PONG\r\n")
        self.server_pid(self.cache_port, cache_pw)
        self.server_pid(self.queue_port, queue_pw)
        self.assertEqual(kit.stop(), 0)

    def test_a_server_that_cannot_start_stops_the_other(self):
        # The queue's port is taken: the queue exits, start.sh stops the cache and fails.
        blocker = subprocess.Popen(["python3", "-c", (
            "import socket,time;s=socket.socket();"
            "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
            f"s.bind(('127.0.0.1',{self.queue_port}));s.listen();time.sleep(60)")])
        try:
            self.assertTrue(wait_for(lambda: listening(self.queue_port)))
            kit = Kit(self)
            self.kits.append(kit)
            rc = kit.proc.wait(timeout=30)
            self.assertNotEqual(rc, 0)
            self.assertIn("queue exited", kit.output())
            self.assertFalse(listening(self.cache_port))
        finally:
            blocker.kill()
            blocker.wait()


if __name__ == "__main__":
    unittest.main(verbosity=2)
