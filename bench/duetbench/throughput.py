"""`throughput`: SET/GET at pipeline 16 and 1 (redis-benchmark, or duet-loadgen with
`--client loadgen`), plus server CPU per request.

For every round both servers are started fresh; each test (SET P16, GET P16, SET P1, GET P1)
runs on one server and then on the other, the order flipping every round so drift on the
machine hits both sides alike. Server CPU is utime+stime of the server PID across the run.
The benchmark client's own CPU use is recorded too: when the client itself saturates a
core, the throughput ratio is a lower bound on the server difference (CPU/op still holds).
Calibration (requests per run) always uses redis-benchmark, so both clients run equal work.
"""

import os

from .clients import CLIENTS, DATASIZE, KEYSPACE, client_for, client_params, redis_benchmark
from .procs import BenchError, Unavailable
from .report import BenchResult, Row, Target
from .resp import probe
from .stats import median

TESTS = [(16, "set"), (16, "get"), (1, "set"), (1, "get")]
# pipeline -> (throughput ratio >=, cpu/op ratio <=)
TARGETS = {16: (1.3, 0.75), 1: (1.0, 0.9)}
TARGET_SECONDS = 7.0
QUICK_REQUESTS = {16: 200_000, 1: 40_000}


def _label(pipeline, test):
    return f"{test.upper()} P{pipeline}"


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


def add_summary_rows(res, label, tput_target, cpu_target, args, p99=True):
    """Median rows for one test: throughput, (p99,) server CPU per request, client-bound note
    (`args`: the command line, for the client and its threads)."""
    client_threads = args.client_threads if args.client == "redis-benchmark" else 1
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
        res.notes.append(f"{label}: {args.client} used {client:.0f}% of a core during duet "
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
        m = redis_benchmark(server, "calibration", ["-t", "set"], probe_n, pipeline, "SET")
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
        "requests_p16": requests[16], "requests_p1": requests[1], "rounds": ctx.rounds,
        **client_params(args)})
    client = client_for(args)
    tests = [(_label(p, t),
              lambda s, p=p, t=t: client(s, _label(p, t), ["-t", t], requests[p], p, t.upper()))
             for p, t in TESTS]
    side_by_side_rounds(ctx, res, tests,
                        [("SET", "bench:probe", "x"), ("GET", "bench:probe")])
    for pipeline, test in TESTS:
        add_summary_rows(res, _label(pipeline, test), *TARGETS[pipeline], args)
    if ctx.quick:
        res.notes.append("quick mode: runs are too short for meaningful numbers")
    return res
