#!/usr/bin/env python3
"""Connection management and server-level commands against the real binaries: MONITOR, CLIENT
KILL / PAUSE / LIST, SHUTDOWN, idle timeout, maxclients, protected mode, query-buffer and
bulk-length limits, unix sockets, DEBUG and SLOWLOG. Where the behaviour is observable the
same script runs on redis-server 7.0.15 and on duet and the (normalised) results must match.
"""
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import ConnectionClosed, RawConnection, encode  # noqa: E402
from lib.servers import ServerProcess  # noqa: E402

KINDS = ("redis", "duet")


class Conn(RawConnection):
    """RawConnection with a one-call command helper and an optional unix-socket path."""

    def __init__(self, port=None, path=None, timeout=5.0):
        if path is None:
            super().__init__(port, timeout)
        else:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.settimeout(timeout)
            self.sock.connect(path)
            self.buf = b""

    def cmd(self, *args):
        self.send(encode([a if isinstance(a, bytes) else str(a) for a in args]))
        return self.read_reply()

    def closed_within(self, seconds):
        """True if the server closes the connection within `seconds` (replies are drained)."""
        self.sock.settimeout(seconds)
        deadline = time.time() + seconds
        try:
            while time.time() < deadline:
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        return False

    def no_reply_within(self, seconds):
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(5.0)
        self.buf += data
        return False


def bulk(reply):
    """The payload of a bulk or verbatim string reply."""
    head, _, rest = reply.partition(b"\r\n")
    n = int(head[1:])
    body = rest[:n]
    return body[4:] if reply[:1] == b"=" else body


def client_fields(line):
    return dict(kv.split("=", 1) for kv in line.split(" "))


def wait_for(pred, timeout=5.0, step=0.02):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False


def servers(*extra):
    """Starts redis-server and duet with the same extra arguments; returns {kind: server}."""
    out = {}
    for kind in KINDS:
        out[kind] = ServerProcess(kind, list(extra))
    # ServerProcess probes the port with a connection it closes at once; let both servers
    # reap it so client counts start at zero.
    time.sleep(0.1)
    return out


def stop_all(procs):
    for p in procs.values():
        p.stop()


class SideBySide(unittest.TestCase):
    """Base for scenario tests run on both servers: one redis-server and one duet for the
    class; each(scenario) runs scenario(port) on both (after FLUSHALL) and requires equal
    results."""

    @classmethod
    def setUpClass(cls):
        cls.procs = servers()

    @classmethod
    def tearDownClass(cls):
        stop_all(cls.procs)

    def each(self, scenario):
        results = {}
        for kind in KINDS:
            port = self.procs[kind].port
            Conn(port).cmd("FLUSHALL")
            results[kind] = scenario(port)
        self.assertEqual(results["redis"], results["duet"])
        return results["duet"]


def non_loopback_ipv4():
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout
    except OSError:
        out = ""
    for word in out.split():
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", word) and not word.startswith("127."):
            return word
    try:
        out = subprocess.run(["ip", "-4", "addr"], capture_output=True, text=True).stdout
    except OSError:
        return None
    for m in re.finditer(r"inet (\d+\.\d+\.\d+\.\d+)/", out):
        if not m.group(1).startswith("127."):
            return m.group(1)
    return None


class MonitorTest(unittest.TestCase):
    SCRIPT = [
        ["SET", "k", b"v\n\x01\"q\\"],
        ["AUTH", "pw"],
        ["AUTH", "user", "pw"],
        ["AUTH", "a", "b", "c"],
        ["HELLO", "2", "AUTH", "default", "secret"],
        ["HELLO", "2", "SETNAME", "n", "AUTH", "u", "p", "EXTRA"],
        ["HELLO", "x", "AUTH", "u", "p"],
        ["HELLO", "2", "AUTH", "default"],
        ["SELECT", "3"],
        ["GET", "k"],
        ["CONFIG", "GET", "port"],   # admin: not shown
        ["CLIENT", "LIST"],          # admin: not shown
        ["CLIENT", "ID"],
        ["SLOWLOG", "LEN"],          # admin: not shown
        ["NOSUCH", "x"],             # rejected: not shown
        ["GET"],                     # rejected: not shown
        ["ECHO", "tab\there"],
        ["SELECT", "0"],
        ["FUNCTION", "LIST"],
        ["TIME"],
    ]

    def monitor_lines(self, kind, proc, source_conn):
        m = Conn(proc.port)
        self.assertEqual(m.cmd("MONITOR"), b"+OK\r\n")
        c = source_conn()
        for args in self.SCRIPT:
            c.cmd(*args)
        # The monitor sees its own commands too; its PING marks the end of the stream.
        m.send(encode(["PING"]))
        lines = []
        deadline = time.time() + 5
        while time.time() < deadline:
            r = m.read_reply()
            if r == b"+PONG\r\n":
                continue
            lines.append(r.decode("latin-1"))
            if r.endswith(b'"PING"\r\n'):
                break
        self.assertEqual(m.cmd("GET", "k"), b"-ERR Replica can't interact with the keyspace\r\n")
        m.close()
        c.close()
        for line in lines:
            self.assertRegex(line, r"^\+\d{10}\.\d{6} \[\d+ [^\]]+\] .*\r\n$")
        return [re.sub(r"^\+\d+\.\d{6} ", "+T ", l) for l in lines]

    def test_tcp_stream_matches_redis(self):
        procs = servers()
        try:
            got = {}
            for kind, p in procs.items():
                lines = self.monitor_lines(kind, p, lambda p=p: Conn(p.port))
                got[kind] = [re.sub(r"127\.0\.0\.1:\d+", "ADDR", l) for l in lines]
            self.assertEqual(got["duet"], got["redis"])
            self.assertIn('+T [0 ADDR] "AUTH" "(redacted)"\r\n', got["duet"])
            self.assertIn('+T [3 ADDR] "SELECT" "3"\r\n', got["duet"])
            self.assertFalse(any('"CONFIG"' in l or '"NOSUCH"' in l for l in got["duet"]))
        finally:
            stop_all(procs)

    def test_unix_socket_source(self):
        d = tempfile.mkdtemp(prefix="duet-mon-")
        got = {}
        for kind in KINDS:
            path = os.path.join(d, kind + ".sock")
            p = ServerProcess(kind, ["--unixsocket", path, "--unixsocketperm", "700"])
            try:
                lines = self.monitor_lines(kind, p, lambda path=path: Conn(path=path))
            finally:
                p.stop()
            # The monitor itself is on TCP: its own PING shows its port.
            got[kind] = [re.sub(r"127\.0\.0\.1:\d+", "ADDR", l.replace(path, "SOCK"))
                         for l in lines]
        self.assertEqual(got["duet"], got["redis"])
        self.assertIn('+T [0 unix:SOCK] "TIME"\r\n', got["duet"])


class ClientKillTest(unittest.TestCase):
    def run_script(self, port):
        out = []
        a = Conn(port)
        a_addr = client_fields(bulk(a.cmd("CLIENT", "INFO")).decode().strip())["addr"]
        others = [Conn(port) for _ in range(3)]
        ids = [int(o.cmd("CLIENT", "ID")[1:]) for o in others]
        addrs = [client_fields(bulk(o.cmd("CLIENT", "INFO")).decode().strip())["addr"]
                 for o in others]
        out.append(a.cmd("CLIENT", "KILL", "ID", ids[0]))
        out.append(others[0].closed_within(2))
        out.append(a.cmd("CLIENT", "KILL", "ADDR", addrs[1]))
        out.append(others[1].closed_within(2))
        out.append(a.cmd("CLIENT", "KILL", addrs[2]))  # old form
        out.append(others[2].closed_within(2))
        out.append(a.cmd("CLIENT", "KILL", addrs[2]))  # gone now
        out.append(a.cmd("CLIENT", "KILL", "ID", ids[0], "SKIPME", "no"))
        # TYPE normal kills every normal client but the caller (SKIPME yes by default).
        more = [Conn(port) for _ in range(2)]
        for m in more:
            m.cmd("PING")
        out.append(a.cmd("CLIENT", "KILL", "TYPE", "normal"))
        out.append([m.closed_within(2) for m in more])
        out.append(a.cmd("PING"))
        out.append(a.cmd("CLIENT", "KILL", "LADDR", "127.0.0.1:%d" % port))
        out.append(a.cmd("CLIENT", "KILL", "USER", "default", "TYPE", "master"))
        # Killing yourself: the reply arrives, then the connection closes.
        out.append(a.cmd("CLIENT", "KILL", "ADDR", a_addr, "SKIPME", "no"))
        out.append(a.closed_within(2))
        b = Conn(port)
        b_addr = client_fields(bulk(b.cmd("CLIENT", "INFO")).decode().strip())["addr"]
        out.append(b.cmd("CLIENT", "KILL", b_addr))
        out.append(b.closed_within(2))
        return out

    def test_kill_filters_match_redis(self):
        procs = servers()
        try:
            got = {k: self.run_script(p.port) for k, p in procs.items()}
            self.assertEqual(got["duet"], got["redis"])
            self.assertEqual(got["duet"][0], b":1\r\n")
            self.assertTrue(got["duet"][1])
            self.assertEqual(got["duet"][4], b"+OK\r\n")
            self.assertEqual(got["duet"][6], b"-ERR No such client\r\n")
            self.assertEqual(got["duet"][8], b":2\r\n")
        finally:
            stop_all(procs)


class ClientPauseTest(unittest.TestCase):
    def check_pause(self, port):
        a, b = Conn(port), Conn(port)
        b.cmd("SET", "k", "1")
        # WRITE: reads pass, writes wait until CLIENT UNPAUSE.
        self.assertEqual(a.cmd("CLIENT", "PAUSE", "20000", "WRITE"), b"+OK\r\n")
        self.assertEqual(b.cmd("GET", "k"), b"$1\r\n1\r\n")
        b.send(encode(["SET", "k", "2"]))
        self.assertTrue(b.no_reply_within(0.3), "SET ran during CLIENT PAUSE WRITE")
        self.assertEqual(a.cmd("GET", "k"), b"$1\r\n1\r\n")
        self.assertEqual(a.cmd("CLIENT", "UNPAUSE"), b"+OK\r\n")
        self.assertEqual(b.read_reply(), b"+OK\r\n")
        self.assertEqual(a.cmd("GET", "k"), b"$1\r\n2\r\n")
        # WRITE pause that ends on its own (the cron ends it).
        start = time.time()
        self.assertEqual(a.cmd("CLIENT", "PAUSE", "400", "WRITE"), b"+OK\r\n")
        self.assertEqual(b.cmd("INCR", "k"), b":3\r\n")
        self.assertGreaterEqual(time.time() - start, 0.35)
        # ALL: everything waits, the pausing client included.
        start = time.time()
        self.assertEqual(a.cmd("CLIENT", "PAUSE", "500", "ALL"), b"+OK\r\n")
        b.send(encode(["GET", "k"]))
        a.send(encode(["PING"]))
        self.assertTrue(b.no_reply_within(0.25), "GET ran during CLIENT PAUSE ALL")
        self.assertEqual(b.read_reply(), b"$1\r\n3\r\n")
        self.assertEqual(a.read_reply(), b"+PONG\r\n")
        elapsed = time.time() - start
        self.assertGreaterEqual(elapsed, 0.45)
        self.assertLess(elapsed, 3.0)
        # Pipelined commands behind a held one keep their order.
        self.assertEqual(a.cmd("CLIENT", "PAUSE", "300", "WRITE"), b"+OK\r\n")
        b.send(encode(["SET", "k", "9"]) + encode(["GET", "k"]))
        self.assertEqual(b.read_reply(), b"+OK\r\n")
        self.assertEqual(b.read_reply(), b"$1\r\n9\r\n")

    def test_pause_write_and_all(self):
        procs = servers()
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    self.check_pause(p.port)
        finally:
            stop_all(procs)


class ClientListTest(unittest.TestCase):
    def listing(self, port):
        a, b = Conn(port), Conn(port)
        self.assertEqual(a.cmd("CLIENT", "SETNAME", "alpha"), b"+OK\r\n")
        b.cmd("SELECT", "5")
        b.cmd("GET", "nokey")
        text = bulk(a.cmd("CLIENT", "LIST")).decode()
        self.assertTrue(text.endswith("\n"))
        lines = [client_fields(l) for l in text.strip().split("\n")]
        only_b = bulk(a.cmd("CLIENT", "LIST", "ID", lines[1]["id"], "999999")).decode()
        typed = bulk(a.cmd("CLIENT", "LIST", "TYPE", "NORMAL")).decode()
        return text, lines, only_b, typed, a, b

    def test_fields_with_two_clients(self):
        procs = servers()
        try:
            names = {}
            for kind, p in procs.items():
                text, lines, only_b, typed, a, b = self.listing(p.port)
                self.assertEqual(len(lines), 2, text)
                la, lb = lines
                names[kind] = [kv.split("=", 1)[0] for kv in text.split("\n")[0].split(" ")]
                self.assertLess(int(la["id"]), int(lb["id"]))
                self.assertEqual(la["name"], "alpha")
                self.assertEqual(la["cmd"], "client|list")
                self.assertEqual(lb["cmd"], "get")
                self.assertEqual(lb["db"], "5")
                self.assertEqual(la["laddr"], "127.0.0.1:%d" % p.port)
                self.assertEqual(lb["addr"], "%s:%d" % b.sock.getsockname())
                for f in (la, lb):
                    self.assertEqual((f["flags"], f["user"], f["redir"], f["resp"], f["multi"]),
                                     ("N", "default", "-1", "2", "-1"))
                    self.assertIn(f["age"], ("0", "1"))  # whole seconds: may straddle one
                    self.assertEqual(f["events"], "r")
                    self.assertEqual(f["fd"].isdigit(), True)
                self.assertEqual(la["argv-mem"], "10")  # "client" + "list"
                self.assertEqual(only_b.strip().split(" ")[0], "id=" + lb["id"])
                self.assertEqual(only_b.count("\n"), 1)
                self.assertEqual(typed.count("\n"), 2)
                a.close()
                b.close()
            self.assertEqual(names["duet"], names["redis"])
        finally:
            stop_all(procs)


class ShutdownTest(unittest.TestCase):
    def test_shutdown_exits_zero_without_reply(self):
        for kind in KINDS:
            with self.subTest(server=kind):
                p = ServerProcess(kind)
                try:
                    c = Conn(p.port)
                    self.assertEqual(c.cmd("SHUTDOWN", "ABORT"), b"-ERR No shutdown in progress.\r\n")
                    self.assertEqual(c.cmd("SHUTDOWN", "SAVE", "NOSAVE"), b"-ERR syntax error\r\n")
                    c.send(encode(["SHUTDOWN", "NOSAVE"]) + encode(["PING"]))
                    with self.assertRaises((ConnectionClosed, ConnectionResetError)):
                        c.read_reply()
                    self.assertEqual(p.proc.wait(timeout=10), 0)
                finally:
                    p.stop()


class LimitsTest(unittest.TestCase):
    def test_idle_timeout(self):
        procs = servers()
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    a = Conn(p.port)
                    self.assertEqual(a.cmd("CONFIG", "SET", "timeout", "1"), b"+OK\r\n")
                    idle = Conn(p.port)
                    idle.cmd("PING")
                    start = time.time()
                    closed = False
                    while time.time() - start < 6 and not closed:
                        a.cmd("PING")  # stays active
                        closed = idle.closed_within(0.2)
                    self.assertTrue(closed, "idle client not closed")
                    self.assertGreaterEqual(time.time() - start, 0.9)
                    self.assertEqual(a.cmd("PING"), b"+PONG\r\n")
                    a.cmd("CONFIG", "SET", "timeout", "0")
        finally:
            stop_all(procs)

    def test_maxclients(self):
        procs = servers("--maxclients", "2")
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    a, b = Conn(p.port), Conn(p.port)
                    self.assertEqual(a.cmd("PING"), b"+PONG\r\n")
                    self.assertEqual(b.cmd("PING"), b"+PONG\r\n")
                    c = Conn(p.port)
                    self.assertEqual(c.read_until_close(), b"-ERR max number of clients reached\r\n")
                    b.close()
                    self.assertTrue(wait_for(lambda: self._ping_ok(p.port)), "slot not freed")
                    a.close()
        finally:
            stop_all(procs)

    @staticmethod
    def _ping_ok(port):
        try:
            return Conn(port).cmd("PING") == b"+PONG\r\n"
        except (ConnectionClosed, OSError):
            return False

    def test_query_buffer_limit(self):
        procs = servers("--client-query-buffer-limit", "1mb")
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    c = Conn(p.port)
                    # 2 MB of a bulk argument that never completes: dropped without a reply.
                    try:
                        c.send(b"*1\r\n$4000000\r\n" + b"a" * 2_000_000)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.assertTrue(c.closed_within(5))
                    self.assertEqual(c.buf, b"")
                    # 2 MB without a newline: too big for an inline command.
                    c = Conn(p.port)
                    try:
                        c.send(b"a" * 2_000_000)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    try:
                        r = c.read_reply()
                    except (ConnectionClosed, ConnectionResetError):
                        r = None
                    self.assertIn(r, (b"-ERR Protocol error: too big inline request\r\n", None))
                    self.assertTrue(self._ping_ok(p.port))
        finally:
            stop_all(procs)

    def test_client_eviction(self):
        # maxmemory-clients: a client holding an unfinished 1.5 MB argument is evicted once the
        # clients together hold 1 MB; one with CLIENT NO-EVICT on is not, but its memory counts,
        # so a small client is evicted while it holds that.
        procs = servers("--maxmemory-clients", "1mb")
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    admin = Conn(p.port)
                    self.assertEqual(admin.cmd("CLIENT", "NO-EVICT", "on"), b"+OK\r\n")
                    admin.cmd("CONFIG", "RESETSTAT")
                    big = b"*2\r\n$3\r\nGET\r\n$4000000\r\n" + b"a" * 1_500_000
                    victim = Conn(p.port)
                    victim.send(big)
                    self.assertTrue(victim.closed_within(5))
                    self.assertIn("evicted_clients:1\r\n", admin.cmd("INFO", "stats").decode())
                    keeper = Conn(p.port)
                    self.assertEqual(keeper.cmd("CLIENT", "NO-EVICT", "on"), b"+OK\r\n")
                    keeper.send(big)
                    self.assertFalse(keeper.closed_within(0.5))
                    small = Conn(p.port)
                    small.send(encode(["PING"]))
                    self.assertTrue(small.closed_within(5))
                    self.assertIn("evicted_clients:2\r\n", admin.cmd("INFO", "stats").decode())
        finally:
            stop_all(procs)

    def test_proto_max_bulk_len(self):
        procs = servers("--proto-max-bulk-len", "1mb")
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    c = Conn(p.port)
                    r = c.cmd("ECHO", b"x" * (1 << 20))
                    self.assertEqual(len(r), len(b"$1048576\r\n") + (1 << 20) + 2)
                    c.send(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
                    self.assertEqual(c.read_reply(), b"-ERR Protocol error: invalid bulk length\r\n")
                    self.assertTrue(c.closed_within(2))
        finally:
            stop_all(procs)


class EndOfStreamTest(unittest.TestCase):
    """A client's last bytes and the end of its stream that reach the server together (it was
    busy meanwhile): duet's edge-triggered epoll reports them once, so a read that drains the
    data must not lose the end behind it. The client that closed is freed, and one that only
    shut its writing side gets its reply first, then the close (as redis-server does)."""

    def test_end_behind_data_while_busy(self):
        procs = servers("--enable-debug-command", "yes")
        try:
            for kind, p in procs.items():
                with self.subTest(server=kind):
                    a = Conn(p.port)
                    half, dead = Conn(p.port), Conn(p.port)
                    self.assertEqual(half.cmd("PING"), b"+PONG\r\n")
                    self.assertEqual(dead.cmd("PING"), b"+PONG\r\n")
                    a.send(encode(["DEBUG", "SLEEP", "0.5"]))
                    time.sleep(0.2)  # the server sleeps: what follows arrives all at once
                    half.send(encode(["PING"]))
                    half.sock.shutdown(socket.SHUT_WR)
                    dead.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n")  # a command cut short
                    dead.close()
                    self.assertEqual(a.read_reply(), b"+OK\r\n")
                    self.assertEqual(half.read_until_close(), b"+PONG\r\n")
                    self.assertTrue(
                        wait_for(lambda: b"connected_clients:1\r\n" in a.cmd("INFO", "clients")),
                        "a client whose stream ended is still connected")
        finally:
            stop_all(procs)


class ProtectedModeTest(unittest.TestCase):
    def test_non_loopback_denied(self):
        ip = non_loopback_ipv4()
        if ip is None:
            self.skipTest("no non-loopback IPv4 address on this machine (hostname -I / ip -4 "
                          "addr found none); protected mode needs one to be tested")
        denied = {}
        procs = servers("--bind", "0.0.0.0")
        try:
            for kind, p in procs.items():
                s = socket.create_connection((ip, p.port), timeout=5)
                data = b""
                try:
                    while True:
                        d = s.recv(65536)
                        if not d:
                            break
                        data += d
                except ConnectionResetError:
                    pass
                denied[kind] = data
                # Loopback is still served.
                self.assertEqual(Conn(p.port).cmd("PING"), b"+PONG\r\n")
        finally:
            stop_all(procs)
        self.assertEqual(denied["duet"], denied["redis"])
        self.assertTrue(denied["duet"].startswith(b"-DENIED Redis is running in protected mode"))
        # With protected mode off, or with a password, the outside address is accepted.
        for extra in (["--protected-mode", "no"], ["--requirepass", "pw"]):
            procs = servers("--bind", "0.0.0.0", *extra)
            try:
                for kind, p in procs.items():
                    c = socket.create_connection((ip, p.port), timeout=5)
                    c.sendall(encode(["PING"]))
                    r = c.recv(100)
                    self.assertIn(r, (b"+PONG\r\n", b"-NOAUTH Authentication required.\r\n"), kind)
                    c.close()
            finally:
                stop_all(procs)


class UnixSocketTest(unittest.TestCase):
    def test_socket_permissions_and_client_fields(self):
        d = tempfile.mkdtemp(prefix="duet-unix-")
        for kind in KINDS:
            with self.subTest(server=kind):
                path = os.path.join(d, kind + ".sock")
                p = ServerProcess(kind, ["--unixsocket", path, "--unixsocketperm", "640"])
                try:
                    st = os.stat(path)
                    self.assertTrue(stat.S_ISSOCK(st.st_mode))
                    self.assertEqual(stat.S_IMODE(st.st_mode), 0o640)
                    c = Conn(path=path)
                    f = client_fields(bulk(c.cmd("CLIENT", "INFO")).decode().strip())
                    self.assertEqual((f["addr"], f["laddr"], f["flags"]),
                                     (path + ":0", path + ":0", "U"))
                    self.assertEqual(c.cmd("CLIENT", "KILL", "LADDR", path + ":0"), b":0\r\n")
                    self.assertEqual(c.cmd("SET", "k", "v"), b"+OK\r\n")
                    self.assertEqual(Conn(p.port).cmd("GET", "k"), b"$1\r\nv\r\n")
                finally:
                    p.stop()
                self.assertFalse(os.path.exists(path), "unix socket left behind")


class DebugAndSlowlogTest(unittest.TestCase):
    """DEBUG needs enable-debug-command, so it is compared here instead of in tests/diff."""

    SCRIPT = [
        ["DEBUG", "HELP"], ["DEBUG", "foo"], ["DEBUG", "SLEEP"], ["DEBUG", "SLEEP", "0.01"],
        ["DEBUG", "SLEEP", "junk"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
        ["DEBUG", "SET-ACTIVE-EXPIRE", "1"], ["DEBUG", "LOG", "hello from the test"],
        ["DEBUG", "OBJECT"], ["DEBUG", "OBJECT", "nokey"], ["DEBUG", "ERROR", "MYERR x\ny"],
        ["DEBUG", "ERROR"], ["DEBUG", "PROTOCOL", "nope"],
        ["SET", "s1", "hello"], ["SET", "s2", "12345678901"], ["SET", "s3", "a" * 92],
        ["SET", "s4", "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop"],
        ["SET", "s5", "-129"], ["SET", "s6", "99999"], ["APPEND", "s1", "!"],
        ["DEBUG", "OBJECT", "s1"], ["DEBUG", "OBJECT", "s2"], ["DEBUG", "OBJECT", "s3"],
        ["DEBUG", "OBJECT", "s4"], ["DEBUG", "OBJECT", "s5"], ["DEBUG", "OBJECT", "s6"],
        ["DEBUG", "POPULATE", "-1"], ["DEBUG", "POPULATE", "x"], ["DEBUG", "POPULATE", "5"],
        ["DEBUG", "POPULATE", "2", "pre", "3"], ["DEBUG", "POPULATE", "1", "z", "12"],
        ["DEBUG", "POPULATE", "1", "a", "b", "c", "d"], ["DBSIZE"], ["MGET", "key:4", "pre:1", "z:0"],
        ["OBJECT", "ENCODING", "z:0"], ["DEBUG", "OBJECT", "key:0"],
    ]
    PROTOCOL = ["string", "integer", "double", "bignum", "null", "array", "set", "map",
                "attrib", "push", "verbatim", "true", "false"]

    @staticmethod
    def normalise(r):
        r = re.sub(rb"Value at:0x[0-9a-f]+", b"Value at:X", r)
        return re.sub(rb"lru:\d+ lru_seconds_idle:\d+", b"lru:N lru_seconds_idle:N", r)

    def run_debug(self, port):
        c = Conn(port)
        out = [self.normalise(c.cmd(*a)) for a in self.SCRIPT]
        for proto in (2, 3):
            c.cmd("HELLO", proto)
            for t in self.PROTOCOL:
                c.send(encode(["DEBUG", "PROTOCOL", t]))
                n = 2 if proto == 3 and t in ("attrib", "push") else 1
                out.append(b"".join(c.read_reply() for _ in range(n)))
        return out

    def test_debug_matches_redis(self):
        procs = servers("--enable-debug-command", "yes")
        try:
            got = {k: self.run_debug(p.port) for k, p in procs.items()}
            for i, (r, d) in enumerate(zip(got["redis"], got["duet"])):
                self.assertEqual(d, r, "step %d" % i)
        finally:
            stop_all(procs)

    def test_debug_local_only(self):
        procs = servers("--enable-debug-command", "local")
        try:
            for kind, p in procs.items():
                self.assertEqual(Conn(p.port).cmd("DEBUG", "SLEEP", "0"), b"+OK\r\n", kind)
        finally:
            stop_all(procs)

    def slowlog_entries(self, port):
        c = Conn(port)
        c.cmd("CLIENT", "SETNAME", "logger")
        c.cmd("CONFIG", "SET", "slowlog-log-slower-than", "0")
        c.cmd("SLOWLOG", "RESET")
        c.cmd("SET", "k", "v")
        c.cmd("AUTH", "secret")
        c.cmd("RPUSH")  # arity error: rejected, not logged
        c.cmd("ECHO", "x" * 200)
        c.cmd("DEL", *["k%d" % i for i in range(40)])
        r = c.cmd("SLOWLOG", "GET", "-1")
        addr = "%s:%d" % c.sock.getsockname()
        # Normalise the timestamp, the duration and the client address.
        r = re.sub(rb"\*6\r\n:(\d+)\r\n:\d+\r\n:\d+\r\n", rb"*6\r\n:\1\r\n:T\r\n:D\r\n", r)
        r = r.replace(("$%d\r\n%s" % (len(addr), addr)).encode(), b"$A\r\nADDR")
        length = c.cmd("SLOWLOG", "LEN")
        c.cmd("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        return r, length

    def test_slowlog_entries_match_redis(self):
        procs = servers()
        try:
            got = {k: self.slowlog_entries(p.port) for k, p in procs.items()}
            self.assertEqual(got["duet"], got["redis"])
            self.assertIn(b"$10\r\n(redacted)\r\n", got["duet"][0])
            self.assertIn(b"... (10 more arguments)", got["duet"][0])
            self.assertIn(b"... (72 more bytes)", got["duet"][0])
        finally:
            stop_all(procs)


def setUpModule():
    # Many connections here are closed by the server on purpose; don't report them. (Set here:
    # unittest resets the warning filters before it runs the tests.)
    warnings.simplefilter("ignore", ResourceWarning)


if __name__ == "__main__":
    unittest.main(verbosity=1)
