"""Starting, measuring and stopping the servers under test.

A Server is one side of the comparison ("duet" or "redis"). Each start() launches a fresh
process on a free loopback port with the same flags for both binaries, in its own scratch
directory; stop() signals that PID only (SIGTERM, then SIGKILL after a grace period).
CPU time and RSS come from /proc/<pid>, so they include every thread of the server.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")

# Every started server, so run.py can stop leftovers if a benchmark raises.
_LIVE = []


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def share_niceness(pid):
    """Gives the session of `pid` (a server started in its own session) the niceness this
    process runs at, when that is below 0 (--nice -10).

    With Linux's autogroups (sched_autogroup_enabled, on by default) a process's niceness
    only ranks it among the processes of its own session: against other sessions (a build in
    another shell) each session competes as one group at the group's niceness, 0 unless
    set. Without this, --nice did not shield a server started in its own session from other
    sessions' builds: a woken thread of it often waited milliseconds for a CPU. No-op where
    autogroups are off or absent, or when not allowed."""
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    if nice >= 0:
        return
    try:
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        pass


def default_duet_bin():
    """$DUET_BIN, else the release build's duet-server."""
    return os.environ.get("DUET_BIN") or os.path.join(REPO, "build", "release", "duet-server")


def add_server_args(parser):
    """--duet-bin and --redis-bin, as every bench script takes them."""
    parser.add_argument("--duet-bin", default=default_duet_bin(),
                        help="duet server binary (default $DUET_BIN or "
                             "build/release/duet-server)")
    parser.add_argument("--redis-bin", default="redis-server", help="reference server binary")


class BenchError(Exception):
    """A measurement could not be taken (crash, error replies, wrong key count...)."""


class Unavailable(BenchError):
    """The server does not implement a command the benchmark needs."""


def free_port():
    """Returns a loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_all():
    """Stops every server still running (used on exceptions and at exit)."""
    for server in list(_LIVE):
        server.stop()


class Server:
    """One side of the comparison. start()/stop() may be called repeatedly."""

    def __init__(self, side, binary, scratch_dir, extra_args=()):
        self.side = side  # "duet" or "redis": the column it is reported in
        self.binary = binary
        self.scratch_dir = scratch_dir
        self.extra_args = list(extra_args)  # directives after the defaults (they override)
        self.proc = None
        self.port = None
        self.dir = None
        self.started_at = None  # time.monotonic() just before the exec of the last start()

    @property
    def pid(self):
        return self.proc.pid

    def start(self, timeout=20.0, setup=None, wait=True):
        """Starts the server and waits for its first PONG (unless not `wait`). `setup(dir)`, if
        given, runs on the fresh directory before the exec (e.g. to put files there for the
        server to load)."""
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=self.side + "-", dir=self.scratch_dir)
        if setup is not None:
            setup(self.dir)
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", self.dir,
        ] + self.extra_args
        log = open(os.path.join(self.dir, "server.log"), "wb")
        self.started_at = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        finally:
            log.close()
        share_niceness(self.proc.pid)
        _LIVE.append(self)
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                tail, status = self.log_tail(), self.proc.returncode
                self._cleanup()
                raise BenchError(f"{self.side}: {self.binary} exited at startup "
                                 f"(status {status}):\n{tail}")
            if _ping_ok(self.port):
                return
            if time.monotonic() > deadline:
                self.stop()
                raise BenchError(f"{self.side}: no PONG within {timeout:.0f}s")
            time.sleep(0.02)

    def stop(self, grace=15.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._cleanup()

    def _cleanup(self):
        if self in _LIVE:
            _LIVE.remove(self)
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.proc = None
        self.dir = None

    def check_alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise BenchError(f"{self.side}: server died:\n{self.log_tail()}")

    def log_tail(self, lines=15):
        try:
            with open(os.path.join(self.dir, "server.log"), "rb") as f:
                data = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(data[-lines:])
        except (OSError, TypeError):
            return "(no log)"

    def cpu_seconds(self):
        """utime + stime of the whole process (all threads), in seconds."""
        with open(f"/proc/{self.pid}/stat", "rb") as f:
            data = f.read()
        # The command name may contain spaces or parentheses: split after the last ')'.
        fields = data[data.rindex(b")") + 2:].split()
        utime, stime = int(fields[11]), int(fields[12])  # stat fields 14 and 15
        return (utime + stime) / CLK_TCK

    def rss_bytes(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise BenchError(f"{self.side}: no VmRSS in /proc/{self.pid}/status")

    def settled_rss(self, min_wait=1.0, max_wait=6.0):
        """RSS once it stops moving (background frees/purges finish), in bytes."""
        time.sleep(min_wait)
        deadline = time.monotonic() + max_wait
        last = self.rss_bytes()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.rss_bytes()
            if abs(now - last) <= max(64 * 1024, last // 1000):
                return now
            last = now
        return last


def _ping_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def tool_version(binary):
    """First line of `<binary> --version`, or the error."""
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return f"(version unknown: {e})"
