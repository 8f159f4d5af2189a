"""The benchmark clients: redis-benchmark, and duet-loadgen (bench/loadgen/loadgen.cc).

Both run the same tests: -c CLIENTS connections, -P requests in flight per connection,
`__rand_int__` replaced by a random 12-digit number below KEYSPACE, values of DATASIZE bytes.
redis-benchmark's built-in tests (`-t lpush`, ...) are given to duet-loadgen as the command
lines redis-benchmark 7.0 sends for them (BUILTIN). `--client` picks one for the throughput
benchmarks; both print redis-benchmark's CSV, so measure_client reads either.

Why two: one redis-benchmark thread costs about 0.6 µs of CPU per small request at -P 16
(mostly kernel time: five epoll_ctl calls per batch besides send and recv), so a server
that needs less than that is measured at the client's speed ("client-bound"); duet-loadgen
sends each batch directly and only walks reply framing, so the server stays the bottleneck
on a 2-core machine.
"""

import csv
import os
import resource
import subprocess
import time

from .procs import BenchError

CLIENTS, DATASIZE, KEYSPACE = 50, 16, 100_000
_DATA = "x" * DATASIZE  # redis-benchmark fills -d bytes with 'x'

# redis-benchmark 7.0's built-in tests (with -r, so keys and ZADD's score are randomized).
BUILTIN = {
    "set": ["SET", "key:__rand_int__", _DATA],
    "get": ["GET", "key:__rand_int__"],
    "lpush": ["LPUSH", "mylist", _DATA],
    "lpop": ["LPOP", "mylist"],
    "hset": ["HSET", "myhash", "element:__rand_int__", _DATA],
    "sadd": ["SADD", "myset", "element:__rand_int__"],
    "zadd": ["ZADD", "myzset", "__rand_int__", "element:__rand_int__"],
    "zpopmin": ["ZPOPMIN", "myzset"],
}


def redis_benchmark(server, label, test_args, requests, pipeline, row_name, timeout=600,
                    threads=1):
    """One redis-benchmark run against `server`; returns a dict of measurements.

    `test_args` select the test: ["-t", name] for a built-in one, or a command line
    (redis-benchmark substitutes __rand_int__); `row_name` is that test's CSV row ("SET", or
    the command line joined by spaces for a custom command). `threads` > 1 runs
    redis-benchmark with --threads."""
    args = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            "-c", str(CLIENTS), "-d", str(DATASIZE), "-r", str(KEYSPACE),
            "-n", str(requests), "-P", str(pipeline), "--csv"] + list(test_args)
    if threads > 1:
        args[1:1] = ["--threads", str(threads)]
    return measure_client(server, label, args, requests, row_name, timeout)


def measure_client(server, label, argv, requests, row_name, timeout=600):
    """Runs a benchmark client `argv` (redis-benchmark, or duet-loadgen: both print
    redis-benchmark's CSV) against `server`; returns the CSV row `row_name`'s rates and
    latencies, the server's CPU per request (utime+stime of its PID across the run) and the
    client's CPU use. Any error line in the client's output, or a non-zero exit, is a
    BenchError."""
    tool = os.path.basename(argv[0])
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = server.cpu_seconds()
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{server.side}: {tool} {label} timed out after {timeout}s")
    wall = time.monotonic() - t0
    server.check_alive()
    cpu = server.cpu_seconds() - cpu0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)

    text = proc.stdout + proc.stderr
    errors = [l.strip() for l in text.splitlines() if "error" in l.lower()]
    if proc.returncode != 0 or errors:
        detail = errors[0] if errors else f"exit status {proc.returncode}: {text.strip()[:300]}"
        raise BenchError(f"{server.side}: {tool} {label}: {detail}")
    rows = [r for r in csv.DictReader(l for l in proc.stdout.splitlines() if l.startswith('"'))
            if r.get("test") == row_name]
    if not rows:
        raise BenchError(f"{server.side}: no CSV result for {row_name} in "
                         f"{tool} output: {text.strip()[:300]}")
    row = rows[0]
    return {
        "rps": float(row["rps"]),
        "p50_ms": float(row["p50_latency_ms"]),
        "p99_ms": float(row["p99_latency_ms"]),
        "max_ms": float(row["max_latency_ms"]),
        "cpu_us_per_op": cpu * 1e6 / requests,
        "server_cpu_pct": 100.0 * cpu / wall,
        "client_cpu_pct": 100.0 * client_cpu / wall,
        "wall_s": wall,
        "warnings": [l.strip() for l in text.splitlines() if l.startswith("WARNING")],
    }


def duet_loadgen(server, binary, label, test_args, requests, pipeline, timeout=600):
    """One duet-loadgen run of the same test redis_benchmark would run for `test_args`."""
    command = BUILTIN[test_args[1]] if test_args[0] == "-t" else list(test_args)
    argv = [binary, "-h", "127.0.0.1", "-p", str(server.port), "-c", str(CLIENTS),
            "-r", str(KEYSPACE), "-n", str(requests), "-P", str(pipeline), "--csv",
            "--name", label] + command
    return measure_client(server, label, argv, requests, label, timeout)


def client_params(args):
    """The client settings a report records."""
    if args.client == "loadgen":
        return {"client": "duet-loadgen"}
    return {"client": "redis-benchmark", "client_threads": args.client_threads}


def client_for(args):
    """The client the command line chose (--client, --client-threads, --loadgen-bin), as
    fn(server, label, test_args, requests, pipeline, row_name) -> measurements."""
    if args.client == "loadgen":
        return lambda s, label, test_args, n, p, row: duet_loadgen(
            s, args.loadgen_bin, label, test_args, n, p)
    return lambda s, label, test_args, n, p, row: redis_benchmark(
        s, label, test_args, n, p, row, threads=args.client_threads)
