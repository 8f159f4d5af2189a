#!/usr/bin/env python3
"""The Prometheus /metrics endpoint and the status page against the real binary: off by
default, CONFIG SET turns it on and off, bound to loopback, exact metric lines after known
commands, BullMQ-shaped keys as queue depths, the page in headless Chromium (phone-sized
screenshot saved under the test's temp dir, DOM after the page's script ran)."""
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ServerProcess, duet_binary, free_port  # noqa: E402


def call(conn, *args):
    conn.send(encode([str(a) for a in args]))
    return conn.read_reply()


def http_get(port, path, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path)
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read().decode()
    finally:
        c.close()


def refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def listening_addresses(pid):
    """(address hex, port) of the TCP sockets process `pid` listens on (from /proc)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:  # LISTEN
                    addr, port = cols[1].split(":")
                    out.append((addr, int(port, 16)))
    return out


class MetricsTest(unittest.TestCase):
    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()

    def start(self, *args):
        s = ServerProcess("duet", extra_args=args)
        self.servers.append(s)
        return s

    def test_off_by_default_and_config_set(self):
        s = self.start()
        c = RawConnection(s.port, timeout=10)
        self.assertEqual(call(c, "CONFIG", "GET", "metrics-port"),
                         b"*2\r\n$12\r\nmetrics-port\r\n$1\r\n0\r\n")
        self.assertEqual(call(c, "CONFIG", "GET", "metrics-bind"),
                         b"*2\r\n$12\r\nmetrics-bind\r\n$9\r\n127.0.0.1\r\n")
        # Nothing but the server's own port listens.
        self.assertEqual({p for _, p in listening_addresses(s.proc.pid)}, {s.port})
        mport = free_port()
        self.assertTrue(refused(mport))
        self.assertEqual(call(c, "CONFIG", "SET", "metrics-port", mport), b"+OK\r\n")
        status, _, body = http_get(mport, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("\nduet_up 1\n", body)
        self.assertEqual(call(c, "CONFIG", "SET", "metrics-port", 0), b"+OK\r\n")
        self.assertTrue(refused(mport))
        self.assertEqual(call(c, "CONFIG", "SET", "metrics-bind", "nope"),
                         b"-ERR CONFIG SET failed (possibly related to argument 'metrics-bind') - "
                         b"metrics-bind must be an IPv4 or IPv6 address\r\n")
        c.close()

    def test_port_in_use_fails_startup(self):
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        d = tempfile.mkdtemp(prefix="duet-metrics-")
        try:
            p = subprocess.run([duet_binary(), "--port", str(free_port()), "--save", "",
                                "--dir", d, "--metrics-port", str(port)],
                               capture_output=True, text=True, timeout=20)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(f"Can't listen on 127.0.0.1:{port} for metrics", p.stdout + p.stderr)
        finally:
            busy.close()
            shutil.rmtree(d, ignore_errors=True)

    def test_metrics_lines(self):
        mport = free_port()
        s = self.start("--metrics-port", str(mport))
        # Loopback only.
        self.assertIn(("0100007F", mport), listening_addresses(s.proc.pid))
        c = RawConnection(s.port, timeout=10)
        for k in ("a", "b", "c"):
            self.assertEqual(call(c, "SET", k, "1"), b"+OK\r\n")
        call(c, "GET", "a")
        call(c, "GET", "missing")
        call(c, "SELECT", "2")
        call(c, "SET", "t", "1", "EX", "100")
        call(c, "SELECT", "0")
        # A BullMQ queue "email": lists wait/active, sorted sets delayed/failed/completed.
        call(c, "HSET", "bull:email:meta", "opts.maxLenEvents", "10000")
        call(c, "RPUSH", "bull:email:wait", "3", "4", "5")
        call(c, "RPUSH", "bull:email:active", "2")
        call(c, "ZADD", "bull:email:delayed", "1", "6")
        call(c, "ZADD", "bull:email:failed", "1", "7", "2", "8")
        call(c, "HSET", "bull:email:1", "data", "{}")  # a job hash: not a queue
        call(c, "RPUSH", "bull:reports:wait", "1")
        status, ctype, body = http_get(mport, "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        lines = body.split("\n")
        q = 'db="0",prefix="bull",queue="email"'
        for line in (
            "duet_up 1",
            'duet_keys{db="0"} 10',
            'duet_keys{db="2"} 1',
            'duet_expiring_keys{db="2"} 1',
            "duet_keyspace_hits_total 1",
            "duet_keyspace_misses_total 1",
            "duet_evicted_keys_total 0",
            "duet_connected_clients 1",
            "duet_blocked_clients 0",
            "duet_memory_max_bytes 0",
            "duet_aof_enabled 0",
            "duet_rdb_last_bgsave_ok 1",
            'duet_command_calls_total{cmd="set"} 4',
            'duet_command_calls_total{cmd="get"} 2',
            'duet_command_failed_calls_total{cmd="get"} 0',
            "# TYPE duet_command_latency_usec summary",
            "# TYPE duet_keyspace_hits_total counter",
            f'duet_bullmq_jobs{{{q},state="wait"}} 3',
            f'duet_bullmq_jobs{{{q},state="active"}} 1',
            f'duet_bullmq_jobs{{{q},state="delayed"}} 1',
            f'duet_bullmq_jobs{{{q},state="failed"}} 2',
            f'duet_bullmq_jobs{{{q},state="completed"}} 0',
            'duet_bullmq_jobs{db="0",prefix="bull",queue="reports",state="wait"} 1',
            "duet_bullmq_queues 2",
        ):
            self.assertIn(line, lines, f"{line!r} not in:\n{body}")
        self.assertTrue(any(l.startswith('duet_command_latency_usec{cmd="set",quantile="0.99"} ')
                            for l in lines), body)
        # The endpoint's snapshot follows the data: a second scrape sees the change.
        call(c, "LPOP", "bull:email:wait")
        _, _, body = http_get(mport, "/metrics")
        self.assertIn(f'duet_bullmq_jobs{{{q},state="wait"}} 2', body.split("\n"))
        # Another prefix (CONFIG SET) finds other queues.
        call(c, "RPUSH", "app:mail:wait", "1")
        self.assertEqual(call(c, "CONFIG", "SET", "metrics-bullmq-prefix", "app"), b"+OK\r\n")
        _, _, body = http_get(mport, "/metrics")
        self.assertIn('duet_bullmq_jobs{db="0",prefix="app",queue="mail",state="wait"} 1',
                      body.split("\n"))
        self.assertIn("duet_bullmq_queues 1", body.split("\n"))
        # Other paths and methods.
        self.assertEqual(http_get(mport, "/nope")[0], 404)
        self.assertEqual(http_get(mport, "/metrics", "POST")[0], 405)
        status, ctype, body = http_get(mport, "/")
        self.assertEqual((status, ctype), (200, "text/html; charset=utf-8"))
        self.assertIn("<title>duet status</title>", body)
        self.assertNotIn("http://", body)  # nothing loaded from elsewhere
        self.assertNotIn("https://", body)
        c.close()

    def test_status_page_in_chromium(self):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            chromium = shutil.which("chromium")
        if not chromium:
            print("\n*** SKIPPED: chromium is not installed and apt-get could not install it",
                  file=sys.stderr)
            self.skipTest("chromium unavailable")
        mport = free_port()
        # A limit far above what any build uses (a sanitizer build's used_memory is ~90 MB of
        # the libc heap): the page must read "healthy", not "memory high".
        s = self.start("--metrics-port", str(mport), "--maxmemory", "4gb")
        c = RawConnection(s.port, timeout=10)
        call(c, "RPUSH", "bull:invoices:wait", *[str(i) for i in range(17)])
        call(c, "ZADD", "bull:invoices:failed", "1", "x")
        c.close()
        out = tempfile.mkdtemp(prefix="duet-status-page-")
        shot = os.path.join(out, "status-phone.png")
        base = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--user-data-dir={out}/profile", "--virtual-time-budget=5000",
                "--window-size=390,844"]
        url = f"http://127.0.0.1:{mport}/"
        subprocess.run(base + [f"--screenshot={shot}", url], capture_output=True, timeout=60)
        self.assertTrue(os.path.getsize(shot) > 1000, "no screenshot")
        print(f"\nstatus page screenshot (390x844): {shot}", file=sys.stderr)
        dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True,
                             timeout=60).stdout
        self.assertIn('<td>bull:invoices</td><td data-state="wait">17</td>', dom)
        self.assertIn('<td data-state="failed" class="nonzero-failed">1</td>', dom)
        self.assertIn('id="health" class="badge ok">healthy<', dom)
        self.assertIn(f'<h1 id="title">duet :{s.port}</h1>', dom)
        self.assertIn("of maxmemory 4.0 GB", dom)


if __name__ == "__main__":
    unittest.main()
