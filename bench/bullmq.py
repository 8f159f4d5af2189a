#!/usr/bin/env python3
"""BullMQ end to end: jobs added and processed per second, server CPU per job and RSS per
waiting job, duet vs redis-server 7.0.15 (issue 11's and issue 14's BullMQ targets).

Per round and side (the order flips every round): a fresh server; `bench/bullmq/client.mjs
add` adds --jobs jobs with `Queue.add` (50 awaiting at once, 16-byte payload); then
`client.mjs process` starts --workers Workers of --concurrency each with a no-op processor
and times them until every job completed. The client reads the server's utime+stime from
/proc at the start and end of each phase, so CPU per job covers exactly the phase. Then,
on another fresh server, --memory-jobs jobs with a --memory-size-byte payload are added and
the growth of the server's settled RSS is divided by the job count (waiting jobs: a hash
per job, its id in the wait list, the queue's meta/id/events keys).

The clients are Node.js processes (bullmq from tests/node's node_modules: run `npm ci` in
tests/node first). One Node process drives the 4 workers, and on 2 cores it needs more CPU
per job than either server, so jobs/s is usually client-bound (the table says so when the
client used >= 90% of a core); server CPU per job is the figure that does not depend on the
client. A second table gives the client's own CPU per job (utime+stime of the Node process,
process.cpuUsage()) next to the server's, its share of the pair's CPU, and the jobs/s one
core would allow it (1 s / its CPU per job): how client-bound jobs/s is.

  bench/bullmq.py                        # 3 rounds, medians (~2 min)
  bench/bullmq.py --aof everysec         # both servers with appendonly yes, appendfsync everysec
  bench/bullmq.py --quick                # a short run that checks the scripts
  bench/bullmq.py --profile              # + where the process phase's server CPU goes
  bench/bullmq.py --nice -10             # servers and clients at niceness -10 (root)

--profile runs `perf record -g` on duet during every process phase and buckets the samples
(bench/duetbench/cpu_profile.py: Lua interpreter, Lua GC, Lua libraries, the redis.call
bridge, command execution, dispatch, request parsing/replies, kernel, allocator), then
prints each bucket's share and its µs per job (share x the median server CPU per job).
perf's sampling adds a few percent to duet's CPU in those rounds. Debian's redis-server is
stripped and built without frame pointers (most of its samples have no symbol), so it is
not profiled.

Prints a table; exit 0 (targets are reported, never asserted), 1 on a failed measurement.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.stats import median  # noqa: E402
from duetbench import cpu_profile  # noqa: E402

CLIENT = os.path.join(BENCH_DIR, "bullmq", "client.mjs")
NODE_MODULES = os.path.join(os.path.dirname(BENCH_DIR), "tests", "node", "node_modules")
# metric -> (higher is better, issue 11's target, issue 14's target)
TARGETS = {"jobs/s": (1.3, 1.5), "cpu_us_per_job": (0.7, 0.6), "rss_per_job": (None, 0.7)}


def client(server, args, phase, *extra, timeout=600):
    argv = [args.node, CLIENT, phase, "--port", str(server.port), "--server-pid",
            str(server.pid), *extra]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{server.side}: bullmq {phase} timed out after {timeout}s")
    server.check_alive()
    if proc.returncode != 0:
        raise BenchError(f"{server.side}: bullmq {phase}: {(proc.stderr or proc.stdout)[-600:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def throughput_run(server, args, profile_counts=None):
    server.start()
    profiler = None
    try:
        add = client(server, args, "add", "--jobs", str(args.jobs))
        if profile_counts is not None:
            data = os.path.join(server.dir, "perf.data")
            profiler = cpu_profile.Profiler(server.pid, data)
            profiler.start()
        proc = client(server, args, "process", "--jobs", str(args.jobs), "--workers",
                      str(args.workers), "--concurrency", str(args.concurrency))
        if profiler is not None:
            profiler.stop()
            profile_counts.update(cpu_profile.buckets(data))
    finally:
        if profiler is not None:
            profiler.stop()
        server.stop()
    n = args.jobs
    out = {}
    for name, r in (("add", add), ("process", proc)):
        out[f"{name} jobs/s"] = n / r["seconds"]
        out[f"{name} cpu_us_per_job"] = r["server_cpu_s"] * 1e6 / n
        out[f"{name} client_cpu_pct"] = 100 * r["client_cpu_s"] / r["seconds"]
        out[f"{name} client_cpu_us_per_job"] = r["client_cpu_s"] * 1e6 / n
    out["end-to-end jobs/s"] = n / (add["seconds"] + proc["seconds"])
    out["end-to-end cpu_us_per_job"] = (add["server_cpu_s"] + proc["server_cpu_s"]) * 1e6 / n
    out["end-to-end client_cpu_us_per_job"] = (add["client_cpu_s"] + proc["client_cpu_s"]) * 1e6 / n
    return out


def memory_run(server, args):
    server.start()
    try:
        before = server.settled_rss()
        client(server, args, "add", "--jobs", str(args.memory_jobs), "--size",
               str(args.memory_size))
        after = server.settled_rss()
    finally:
        server.stop()
    return {"rss_per_job": (after - before) / args.memory_jobs}


def print_profile(profiles, med):
    counts = profiles["duet"]
    total = sum(counts.values()) or 1
    cpu = med["duet"]["process cpu_us_per_job"]
    print(f"\nWhere duet's server CPU goes in the process phase (perf samples of all rounds, "
          f"{total}; µs per job = share x the median {cpu:.1f} µs):")
    print("| bucket | share | µs per job |")
    print("|---|---|---|")
    for name in cpu_profile.ordered_names():
        share = counts[name] / total
        print(f"| {name} | {100 * share:.1f}% | {share * cpu:.1f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=20000, help="jobs added, then processed")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--memory-jobs", type=int, default=100000)
    ap.add_argument("--memory-size", type=int, default=1024, help="payload bytes per job")
    ap.add_argument("--aof", choices=["no", "everysec", "always"], default="no",
                    help="appendonly yes with this appendfsync on both servers (default: off)")
    ap.add_argument("--node", default="node")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--nice", type=int, default=None, help="run at this niceness, e.g. -10")
    ap.add_argument("--profile", action="store_true",
                    help="perf record the process phase; print where the server CPU goes")
    args = ap.parse_args()
    if args.profile and not shutil.which("perf"):
        sys.exit("bullmq.py: --profile needs perf")
    if args.quick:
        args.rounds, args.jobs, args.memory_jobs = 1, 2000, 5000
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    if not os.path.isdir(os.path.join(NODE_MODULES, "bullmq")):
        sys.exit(f"bullmq.py: no bullmq in {NODE_MODULES}: run `npm ci` in tests/node")
    if not shutil.which(args.node):
        sys.exit(f"bullmq.py: {args.node} not found")
    extra = [] if args.aof == "no" else ["--appendonly", "yes", "--appendfsync", args.aof]
    scratch = tempfile.mkdtemp(prefix="bullmq-bench-")
    sides = [Server("duet", args.duet_bin, scratch, extra),
             Server("redis", args.redis_bin, scratch, extra)]
    results = {s.side: [] for s in sides}
    profiles = {s.side: cpu_profile.Counter() for s in sides}
    try:
        for r in range(args.rounds):
            for s in (sides if r % 2 == 0 else sides[::-1]):
                counts = profiles[s.side] if args.profile and s.side == "duet" else None
                res = {**throughput_run(s, args, counts), **memory_run(s, args)}
                results[s.side].append(res)
                print(f"round {r + 1} {s.side}: add {res['add jobs/s']:,.0f} jobs/s "
                      f"{res['add cpu_us_per_job']:.1f} us/job, process "
                      f"{res['process jobs/s']:,.0f} jobs/s {res['process cpu_us_per_job']:.1f} "
                      f"us/job, {res['rss_per_job']:,.0f} B RSS/job", file=sys.stderr)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        stop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    med = {side: {k: median([x[k] for x in rs]) for k in rs[0]} for side, rs in results.items()}
    d, rd = med["duet"], med["redis"]
    print(f"BullMQ: {args.jobs} jobs added then processed by {args.workers} workers x "
          f"{args.concurrency} (no-op); RSS of {args.memory_jobs} waiting jobs of "
          f"{args.memory_size} B; appendonly {'no' if args.aof == 'no' else args.aof}; "
          f"median of {args.rounds}"
          + (f"; niceness {args.nice}" if args.nice is not None else ""))
    print("| metric | duet | redis | duet/redis | issue 11 target | issue 14 target |")
    print("|---|---|---|---|---|---|")
    for phase in ("add", "process", "end-to-end"):
        for key, label, fmt in (("jobs/s", "jobs/s", "{:,.0f}"),
                                ("cpu_us_per_job", "server CPU µs per job", "{:.1f}")):
            hi, t11, t14 = (">=",) + TARGETS[key][:2] if key == "jobs/s" else ("<=",) + \
                TARGETS[key][:2]
            a, b = d[f"{phase} {key}"], rd[f"{phase} {key}"]
            print(f"| {phase} {label} | {fmt.format(a)} | {fmt.format(b)} | {a / b:.2f}x | "
                  f"{hi} {t11}x | {hi} {t14}x |")
    a, b = d["rss_per_job"], rd["rss_per_job"]
    print(f"| RSS per waiting job | {a:,.0f} B | {b:,.0f} B | {a / b:.2f}x | | <= 0.7x |")
    # The Node side: one process (the producer, or all the workers), its utime+stime per job.
    print("\nThe client (one Node process per phase), against each server:")
    print("| phase | client CPU µs per job, duet / redis | server CPU µs per job, duet / redis "
          "| client share of the pair's CPU, duet / redis | jobs/s if the client had a core "
          "to itself (1 s / its CPU per job), duet / redis | measured jobs/s, duet / redis |")
    print("|---|---|---|---|---|---|")
    for phase in ("add", "process", "end-to-end"):
        c = [x[f"{phase} client_cpu_us_per_job"] for x in (d, rd)]
        sv = [x[f"{phase} cpu_us_per_job"] for x in (d, rd)]
        share = [100 * c[i] / (c[i] + sv[i]) for i in range(2)]
        ceil = [1e6 / x for x in c]
        js = [x[f"{phase} jobs/s"] for x in (d, rd)]
        print(f"| {phase} | {c[0]:.1f} / {c[1]:.1f} | {sv[0]:.1f} / {sv[1]:.1f} | "
              f"{share[0]:.0f}% / {share[1]:.0f}% | {ceil[0]:,.0f} / {ceil[1]:,.0f} | "
              f"{js[0]:,.0f} / {js[1]:,.0f} |")
    if args.profile:
        print_profile(profiles, med)
    for phase in ("add", "process"):
        c = d[f"{phase} client_cpu_pct"]
        if c >= 90:
            print(f"\n- {phase}: the Node client used {c:.0f}% of a core during duet's runs "
                  "(client-bound): the jobs/s ratio is a lower bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
