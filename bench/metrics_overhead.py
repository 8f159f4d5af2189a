#!/usr/bin/env python3
"""Cost of the metrics endpoint: SET/GET throughput of duet-server with metrics-port off vs on
with a scraper fetching /metrics every second (as Prometheus would, at a 1 s interval).

Each round starts a fresh server per mode (modes alternate, order swapped every round), loads
--queues BullMQ-shaped queues (so the scrape has depths to compute and discovery has work),
then runs redis-benchmark `-t set,get -r 100000` pipelined (-P 16) and unpipelined (-P 1).
Reported: the median of --rounds (3) per test and mode, and on/off (1.00 = no cost; a shared
2-core machine drifts a few percent run to run), plus the number of scrapes served. Because
throughput on a loaded machine is noisy, the cost is also measured directly: the server's own
CPU time (/proc/PID/stat utime+stime) over --idle-seconds (10) with the 100,000 keys the
benchmark left, idle but for the scraper, in ms of CPU per second of wall time.

  bench/metrics_overhead.py [--duet-bin build/release/duet-server] [--rounds 3]
                            [--requests-p16 2000000] [--requests-p1 200000] [--quick]
"""

import argparse
import csv
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc):
    deadline = time.time() + 10
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"server did not start on {port}")


class Scraper(threading.Thread):
    def __init__(self, port):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/metrics"
        self.stop = threading.Event()
        self.count = 0
        self.bytes = 0

    def run(self):
        while not self.stop.is_set():
            t = time.monotonic()
            with urllib.request.urlopen(self.url, timeout=5) as r:
                self.bytes = len(r.read())
            self.count += 1
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - t)))


def bench(port, tests, n, pipeline):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", tests, "-n", str(n),
                          "-P", str(pipeline), "-c", "50", "-r", "100000", "--csv"],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return {r[0]: float(r[1]) for r in rows[1:] if len(r) > 1}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_mode(args, metrics, results):
    port = free_port()
    mport = free_port() if metrics else 0
    d = tempfile.mkdtemp(prefix="duet-metrics-bench-")
    proc = subprocess.Popen([args.duet_bin, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", d,
                             "--metrics-port", str(mport)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    scraper = None
    try:
        wait_port(port, proc)
        load = "".join(f"RPUSH bull:q{i}:wait a b c\nZADD bull:q{i}:delayed 1 x\n"
                       for i in range(args.queues))
        subprocess.run(["redis-cli", "-p", str(port)], input=load, capture_output=True,
                       text=True, check=True)
        if metrics:
            scraper = Scraper(mport)
            scraper.start()
            time.sleep(1.2)
        mode = "on" if metrics else "off"
        for pipeline, n in ((16, args.requests_p16), (1, args.requests_p1)):
            for test, rps in bench(port, "set,get", n, pipeline).items():
                results.setdefault((f"{test} P{pipeline}", mode), []).append(rps)
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(args.idle_seconds)
        results.setdefault(("idle CPU ms/s", mode), []).append(
            1000 * (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0))
        if scraper:
            scraper.stop.set()
            scraper.join()
            results.setdefault(("scrapes", "on"), []).append(scraper.count)
            results.setdefault(("scrape bytes", "on"), []).append(scraper.bytes)
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duet-bin", default=os.environ.get(
        "DUET_BIN", os.path.join(ROOT, "build/release/duet-server")))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests-p16", type=int, default=2000000)
    ap.add_argument("--requests-p1", type=int, default=200000)
    ap.add_argument("--queues", type=int, default=20)
    ap.add_argument("--idle-seconds", type=float, default=10)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.requests_p16, args.requests_p1 = 1, 200000, 20000
        args.idle_seconds = 2
    results = {}
    for r in range(args.rounds):
        for metrics in ((False, True) if r % 2 == 0 else (True, False)):
            print(f"round {r + 1}: metrics {'on' if metrics else 'off'}", file=sys.stderr)
            run_mode(args, metrics, results)
    tests = sorted({t for t, m in results if m == "off" and "idle" not in t},
                   key=lambda t: (t[-3:], t)) + ["idle CPU ms/s"]
    print(f"\nmetrics endpoint overhead, median of {args.rounds}\n")
    print("| test (requests/s, or CPU) | metrics off | metrics on + 1 s scrape | on/off |")
    print("|---|---|---|---|")
    for t in tests:
        off = statistics.median(results[(t, "off")])
        on = statistics.median(results[(t, "on")])
        if "idle" in t:
            print(f"| {t} | {off:.2f} | {on:.2f} | +{on - off:.2f} ms/s |")
        else:
            print(f"| {t} | {off:,.0f} | {on:,.0f} | {on / off:.3f} |")
    print(f"\nscrapes served per run: {results[('scrapes', 'on')]}, "
          f"last scrape {results[('scrape bytes', 'on')][-1]} bytes")
    print("raw:", {f"{t}/{m}": v for (t, m), v in results.items()})


if __name__ == "__main__":
    main()
