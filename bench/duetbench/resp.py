"""A minimal blocking RESP2 client for probes, DBSIZE/INFO, PING round trips and pipelined
batches (send() a batch of encoded commands, then replies(n))."""

import socket


def encode(*args):
    """One command as RESP bytes."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ErrorReply(str):
    """An error reply ("-ERR ..."); returned, not raised, so callers can report it."""


class Conn:
    def __init__(self, port, timeout=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self._reply()

    def send(self, raw):
        """Sends already-encoded commands (see encode) without reading their replies."""
        self.sock.sendall(raw)

    def replies(self, n):
        """Reads the next n replies (of commands sent with send)."""
        return [self._reply() for _ in range(n)]

    def info_field(self, section, field):
        """An INFO field as a string, or None if INFO or the field is missing."""
        r = self.call("INFO", section)
        if not isinstance(r, bytes):
            return None
        for line in r.decode("utf-8", "replace").splitlines():
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
        return None

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            self._fill()

    def _bulk(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n + 2]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return ErrorReply(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._bulk(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ConnectionError(f"unexpected reply line {line[:60]!r}")


def probe(port, side, commands):
    """Runs each command (a tuple of args); raises Unavailable on the first error reply."""
    from .procs import Unavailable
    with Conn(port, timeout=10) as c:
        for cmd in commands:
            r = c.call(*cmd)
            if isinstance(r, ErrorReply):
                raise Unavailable(f"{side}: {cmd[0]} not available ({r.strip()})")


def info_field(port, section, field):
    """An INFO field as a string, or None if INFO or the field is missing."""
    try:
        with Conn(port, timeout=10) as c:
            return c.info_field(section, field)
    except (OSError, ConnectionError):
        return None
