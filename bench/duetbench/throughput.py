"""`throughput`: redis-benchmark SET/GET at pipeline 16 and 1, plus server CPU per request.

For every round both servers are started fresh; each test (SET P16, GET P16, SET P1, GET P1)
runs on one server and then on the other, the order flipping every round so drift on the
machine hits both sides alike. Server CPU is utime+stime of the server PID across the run.
The benchmark client's own CPU use is recorded too: when redis-benchmark itself saturates a
core, the throughput ratio is a lower bound on the server difference (CPU/op still holds).
"""

import csv
import os
import resource
import subprocess
import time

from .procs import BenchError, Unavailable
from .report import BenchResult, Row, Target
from .resp import probe
from .stats import median

CLIENTS, DATASIZE, KEYSPACE = 50, 16, 100_000
TESTS = [(16, "set"), (16, "get"), (1, "set"), (1, "get")]
# pipeline -> (throughput ratio >=, cpu/op ratio <=)
TARGETS = {16: (1.3, 0.75), 1: (1.0, 0.9)}
TARGET_SECONDS = 7.0
QUICK_REQUESTS = {16: 200_000, 1: 40_000}


def _label(pipeline, test):
    return f"{test.upper()} P{pipeline}"


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
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = server.cpu_seconds()
    t0 = time.monotonic()
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{server.side}: redis-benchmark {label} timed out after {timeout}s")
    wall = time.monotonic() - t0
    server.check_alive()
    cpu = server.cpu_seconds() - cpu0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)

    text = proc.stdout + proc.stderr
    errors = [l.strip() for l in text.splitlines() if "error" in l.lower()]
    if proc.returncode != 0 or errors:
        detail = errors[0] if errors else f"exit status {proc.returncode}: {text.strip()[:300]}"
        raise BenchError(f"{server.side}: redis-benchmark {label}: {detail}")
    rows = [r for r in csv.DictReader(l for l in proc.stdout.splitlines() if l.startswith('"'))
            if r.get("test") == row_name]
    if not rows:
        raise BenchError(f"{server.side}: no CSV result for {row_name} in "
                         f"redis-benchmark output: {text.strip()[:300]}")
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


def run_benchmark(server, test, requests, pipeline, timeout=600, threads=1):
    """A built-in redis-benchmark test (`-t test`) at `pipeline`."""
    return redis_benchmark(server, _label(pipeline, test), ["-t", test], requests, pipeline,
                           test.upper(), timeout, threads)


def side_by_side_rounds(ctx, res, tests, probe_cmds, prepare=None):
    """Runs every test on both servers for ctx.rounds rounds, appending to res.rounds.

    `tests` is a list of (label, fn(server) -> measurement dict). Per round both servers are
    started fresh, probed with `probe_cmds` (a missing command marks the side UNAVAILABLE),
    passed to `prepare(server)` (e.g. a preload; not measured), then each test runs on one
    server and then on the other, the order flipping every round so machine drift hits both
    sides alike. A side whose run fails is dropped for the rest of the benchmark."""
    sides = [ctx.duet, ctx.redis]
    usable = {s.side: True for s in sides}
    warnings = set()
    for rnd in range(ctx.rounds):
        order = sides if rnd % 2 == 0 else sides[::-1]
        live = []
        try:
            for s in order:
                if not usable[s.side]:
                    continue
                s.start()
                try:
                    probe(s.port, s.side, probe_cmds)
                    if prepare:
                        prepare(s)
                except Unavailable as e:
                    usable[s.side] = False
                    res.unavailable.append(str(e))
                    s.stop()
                    continue
                except BenchError as e:
                    usable[s.side] = False
                    res.errors.append(f"round {rnd + 1}: {e}")
                    s.stop()
                    continue
                live.append(s)
            for label, fn in tests:
                for s in live:
                    if not usable[s.side]:
                        continue
                    try:
                        m = fn(s)
                    except BenchError as e:
                        usable[s.side] = False
                        res.errors.append(f"round {rnd + 1}: {e}")
                        continue
                    warnings.update(f"{s.side}: {w}" for w in m.pop("warnings", []))
                    ctx.log(f"  round {rnd + 1} {s.side:5} {label:13} "
                            f"{m['rps']:>12,.0f} req/s  p99 {m['p99_ms']:.3f} ms  "
                            f"{m['cpu_us_per_op']:.3f} us/op")
                    res.rounds.append({"round": rnd + 1, "side": s.side, "test": label, **m})
        finally:
            for s in live:
                s.stop()
    res.notes.extend(sorted(warnings))


def add_summary_rows(res, label, tput_target, cpu_target, p99=True, client_threads=1):
    """Median rows for one test: throughput, (p99,) server CPU per request, client-bound note."""
    def med(side, key):
        return median([r[key] for r in res.rounds if r["side"] == side and r["test"] == label])

    res.rows.append(Row(f"{label} throughput", "req/s", med("duet", "rps"), med("redis", "rps"),
                        0, Target("ratio", ">=", tput_target), "higher"))
    if p99:
        res.rows.append(Row(f"{label} p99 latency", "ms", med("duet", "p99_ms"),
                            med("redis", "p99_ms"), 3, None, "lower"))
    res.rows.append(Row(f"{label} server CPU per request", "µs", med("duet", "cpu_us_per_op"),
                        med("redis", "cpu_us_per_op"), 3, Target("ratio", "<=", cpu_target),
                        "lower"))
    client = med("duet", "client_cpu_pct")
    if client is not None and client >= 90 * client_threads:
        res.notes.append(f"{label}: redis-benchmark used {client:.0f}% of a core during duet "
                         f"runs (client-bound): the throughput ratio is a lower bound")
    server = med("duet", "server_cpu_pct")
    if client_threads > 1 and client is not None and server is not None and \
            client + server >= 95 * (os.cpu_count() or 1):
        res.notes.append(f"{label}: client and duet together used {client + server:.0f}% of "
                         f"{os.cpu_count()} cores during duet runs (machine-bound)")


def _calibrate(ctx, server):
    """Requests per pipeline so one run lasts about TARGET_SECONDS on `server`."""
    n = {}
    for pipeline, probe_n in ((16, 300_000), (1, 40_000)):
        m = run_benchmark(server, "set", probe_n, pipeline)
        n[pipeline] = max(20_000, int(round(m["rps"] * TARGET_SECONDS, -4)))
        ctx.log(f"  calibration on {server.side}: SET P{pipeline} {m['rps']:,.0f} req/s "
                f"-> {n[pipeline]:,} requests per run")
    return n


def run(ctx):
    args = ctx.args
    requests = {16: args.requests_p16, 1: args.requests_p1}
    if ctx.quick:
        requests = {p: requests[p] or QUICK_REQUESTS[p] for p in requests}
    elif not all(requests.values()):
        ctx.redis.start()
        try:
            cal = _calibrate(ctx, ctx.redis)
        finally:
            ctx.redis.stop()
        requests = {p: requests[p] or cal[p] for p in requests}

    res = BenchResult("throughput", {
        "clients": CLIENTS, "datasize": DATASIZE, "keyspace": KEYSPACE,
        "requests_p16": requests[16], "requests_p1": requests[1], "rounds": ctx.rounds})
    threads = ctx.args.client_threads
    tests = [(_label(p, t),
              lambda s, p=p, t=t: run_benchmark(s, t, requests[p], p, threads=threads))
             for p, t in TESTS]
    side_by_side_rounds(ctx, res, tests,
                        [("SET", "bench:probe", "x"), ("GET", "bench:probe")])
    for pipeline, test in TESTS:
        add_summary_rows(res, _label(pipeline, test), *TARGETS[pipeline],
                         client_threads=ctx.args.client_threads)
    if ctx.quick:
        res.notes.append("quick mode: runs are too short for meaningful numbers")
    return res
