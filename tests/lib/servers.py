"""Start/stop duet-server and redis-server on free loopback ports for black-box tests."""
import os
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


_handed_out = set()  # ports given to servers that may not be listening yet


def free_port():
    """A free loopback port: from DUET_TEST_PORTS ("first-last") when set, so the servers one
    developer starts stay inside that developer's range; else one the kernel picks."""
    spec = os.environ.get("DUET_TEST_PORTS")
    if not spec:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    first, last = map(int, spec.split("-"))
    for port in range(first, last + 1):
        if port in _handed_out:
            continue
        with socket.socket() as s:
            # As the servers bind (SO_REUSEADDR): a port whose old connections linger in
            # TIME_WAIT is free for them, and a range is not used up by its own restarts.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in DUET_TEST_PORTS={spec}")


def _read_line(sock):
    line = b""
    while not line.endswith(b"\r\n"):
        chunk = sock.recv(256)
        if not chunk:
            raise OSError("connection closed")
        line += chunk
    return line


def serving(port, timeout=0.5):
    """Whether the server on 127.0.0.1:`port` serves its data: it accepts a connection and
    answers PING with anything but -LOADING (-NOAUTH included). redis-server and duet listen
    while they load their data and answer the commands without the loading flag -LOADING
    until the load is done (and DEBUG, INFO... meanwhile)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return not _read_line(sock).startswith(b"-LOADING")
    except OSError:
        return False


def duet_binary():
    return os.environ.get("DUET_BIN", os.path.join(ROOT, "build", "release", "duet-server"))


class ServerProcess:
    """A server process on 127.0.0.1:<port>; stopped by PID, never by name."""

    def __init__(self, kind, extra_args=(), config_text=None, wait_loaded=True):
        """Starts the server and waits until it serves its data (`wait_loaded`), or only until
        it listens (it may still be loading)."""
        self.kind = kind
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix=f"{kind}-")
        binary = duet_binary() if kind == "duet" else "redis-server"
        args = [binary]
        if config_text is not None:
            path = os.path.join(self.dir, "server.conf")
            with open(path, "w") as f:
                f.write(config_text)
            args.append(path)
        args += ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", self.dir]
        args += list(extra_args)
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready(wait_loaded)

    def _wait_ready(self, wait_loaded=True):
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: " + open(self.log_path).read())
            if wait_loaded:
                if serving(self.port, timeout=0.2):
                    return
            else:  # listening is enough (it may still be loading)
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        raise RuntimeError(f"{self.kind} did not start on {self.port}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        _handed_out.discard(self.port)  # the next server may have it (fuzz_minimize.py's trials)
