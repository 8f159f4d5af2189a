"""A minimal RESP client that returns each reply's exact bytes (for byte-for-byte diffs)."""
import socket


class ConnectionClosed(Exception):
    pass


class RawConnection:
    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed()
        self.buf += chunk

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill()

    def _parse(self, pos):
        """Returns the end offset of the reply starting at pos, reading more as needed."""
        while len(self.buf) <= pos:
            self._fill()
        t = self.buf[pos:pos + 1]
        eol = self._line(pos)
        head = self.buf[pos + 1:eol]
        if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return eol + 2
        if t in (b"$", b"=", b"!"):
            n = int(head)
            if n < 0:
                return eol + 2
            end = eol + 2 + n + 2
            while len(self.buf) < end:
                self._fill()
            return end
        if t in (b"*", b"%", b"~", b">", b"|"):
            n = int(head)
            if n < 0:
                return eol + 2
            if t in (b"%", b"|"):
                n *= 2
            p = eol + 2
            for _ in range(n):
                p = self._parse(p)
            return p
        raise ValueError(f"bad reply type {t!r} in {self.buf[pos:pos+80]!r}")

    def read_reply(self) -> bytes:
        end = self._parse(0)
        out, self.buf = self.buf[:end], self.buf[end:]
        return out

    def read_until_close(self) -> bytes:
        try:
            while True:
                self._fill()
        except (ConnectionClosed, ConnectionResetError):
            pass
        except socket.timeout:
            return self.buf + b"<timeout: connection still open>"
        out, self.buf = self.buf, b""
        return out


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def parse_tree(data, pos=0):
    """Parses one reply into (type byte, payload), payload a list for aggregates; returns
    (tree, end offset)."""
    eol = data.index(b"\r\n", pos)
    t, head = data[pos:pos + 1], data[pos + 1:eol]
    if t in (b"$", b"=", b"!"):
        n = int(head)
        if n < 0:
            return (t, None), eol + 2
        return (t, data[eol + 2:eol + 2 + n]), eol + 2 + n + 2
    if t in (b"*", b"%", b"~", b">", b"|"):
        n = int(head)
        if n < 0:
            return (t, None), eol + 2
        if t in (b"%", b"|"):
            n *= 2
        items, p = [], eol + 2
        for _ in range(n):
            item, p = parse_tree(data, p)
            items.append(item)
        return (t, items), p
    return (t, head), eol + 2
