#!/usr/bin/env python3
"""Side-by-side benchmarks: duet-server vs redis-server on this machine, in one run.

    bench/run.py [--quick] [BENCHMARK ...]      (default: all; see --list)

Prints a Markdown table of medians and duet/redis ratios and saves it, with the raw numbers
of every round, under bench/results/. See bench/README.md for how to read it.

Exit status: 0 all measured; 1 a measurement failed (crash, error replies, wrong DBSIZE);
3 a server lacks a command a benchmark needs (reported as UNAVAILABLE); 2 bad usage.
Targets that are not met never change the exit status.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)

from duetbench import (latency, memory, procs, report, scripting, throughput,  # noqa: E402
                       types_memory, types_throughput)

BENCHMARKS = {
    "throughput": (throughput.run, "SET/GET at -P 16 and -P 1 (see --client): req/s, p99, "
                                   "server CPU per request"),
    "memory": (memory.run, "RSS growth per key after loading 1M keys with redis-cli --pipe"),
    "latency-under-load": (latency.run, "PING every 1 ms while loading 10M keys: max and "
                                        "p99.9 round trip"),
    "types-throughput": (types_throughput.run, "lists, hashes, sets, sorted "
                                               "sets at -P 16: req/s, server CPU per request"),
    "types-memory": (types_memory.run, "RSS growth per element of hashes, sets, sorted sets, "
                                       "lists loaded with redis-cli --pipe"),
    "scripting": (scripting.run, "EVALSHA of a 1-key INCR+HSET script at -P 16 (see "
                                 "--client): calls/s, server CPU per call"),
}


class Context:
    def __init__(self, args, duet, redis, scratch):
        self.args, self.duet, self.redis = args, duet, redis
        self.quick = args.quick
        self.rounds = args.rounds
        self.cache_dir = args.cache_dir
        self.scratch = scratch

    @staticmethod
    def log(msg):
        print(msg, file=sys.stderr, flush=True)


def _default_loadgen_bin(duet_bin):
    beside = os.path.join(os.path.dirname(duet_bin), "duet-loadgen")
    if os.access(beside, os.X_OK):
        return beside
    return os.path.join(REPO, "build", "release", "duet-loadgen")


def _resolve(binary, what):
    path = shutil.which(binary) if os.sep not in binary else binary
    if not path or not os.access(path, os.X_OK):
        sys.exit(f"run.py: {what} binary not found or not executable: {binary} "
                 f"(build it, or pass --{what}-bin / set DUET_BIN)")
    return os.path.abspath(path)


def _git_rev():
    try:
        rev = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        return rev or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Benchmark duet-server against redis-server side by side.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="benchmarks:\n" + "\n".join(f"  {k:20} {v[1]}" for k, v in BENCHMARKS.items()))
    p.add_argument("benchmarks", nargs="*", metavar="BENCHMARK",
                   help="benchmarks to run (default: all)")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("--quick", action="store_true",
                   help="small sizes and short runs: proves the scripts work, numbers are noise")
    p.add_argument("--rounds", type=int, default=3, help="rounds per benchmark (default 3)")
    procs.add_server_args(p)  # --duet-bin (redis-server self-tests the suite), --redis-bin
    p.add_argument("--keys", type=int, default=None,
                   help="keys loaded by latency-under-load (default 10M, 500k with --quick)")
    p.add_argument("--memory-keys", type=int, default=None,
                   help="keys loaded by memory (default 1M, 100k with --quick)")
    p.add_argument("--requests-p16", type=int, default=None,
                   help="requests per throughput run at -P 16 (default: calibrated to ~7s "
                        "on redis)")
    p.add_argument("--requests-p1", type=int, default=None,
                   help="requests per throughput run at -P 1 (default: calibrated)")
    p.add_argument("--client", choices=["redis-benchmark", "loadgen"], default="redis-benchmark",
                   help="load generator for throughput and types-throughput: redis-benchmark "
                        "(default) or duet-loadgen (bench/loadgen/loadgen.cc: same tests, a "
                        "fraction of the client CPU per request, so a fast server is not "
                        "measured at the client's speed)")
    p.add_argument("--loadgen-bin", default=None,
                   help="duet-loadgen binary (default: next to --duet-bin, else "
                        "build/release/duet-loadgen)")
    p.add_argument("--client-threads", type=int, default=1,
                   help="redis-benchmark --threads for throughput and types-throughput "
                        "(default 1). At 1 a fast server can be client-bound (the report says "
                        "so); 2 lets the client use the CPU the server leaves free")
    p.add_argument("--nice", type=int, default=None,
                   help="run the whole suite (servers, clients) at this niceness, e.g. -10 "
                        "(needs root) to shield it from builds on a shared machine")
    p.add_argument("--results-dir", default=os.path.join(BENCH_DIR, "results"),
                   help="where the report is saved (default bench/results)")
    p.add_argument("--cache-dir", default=os.path.join(BENCH_DIR, "results", "cache"),
                   help="where generated RESP load files are kept (default bench/results/cache)")
    args = p.parse_args(argv)
    if args.list:
        for name, (_, desc) in BENCHMARKS.items():
            print(f"{name:20} {desc}")
        sys.exit(0)
    unknown = [b for b in args.benchmarks if b not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)} (choose from "
                f"{', '.join(BENCHMARKS)})")
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    args.benchmarks = args.benchmarks or list(BENCHMARKS)
    return args


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # so `finally` stops the servers on SIGTERM (e.g. timeout(1))


def main(argv=None):
    signal.signal(signal.SIGTERM, _interrupt)
    args = parse_args(argv if argv is not None else sys.argv[1:])
    duet_bin = _resolve(args.duet_bin, "duet")
    redis_bin = _resolve(args.redis_bin, "redis")
    if args.client == "loadgen":
        args.loadgen_bin = _resolve(args.loadgen_bin or _default_loadgen_bin(duet_bin), "loadgen")
    for tool in ("redis-benchmark", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"run.py: {tool} not found in PATH")

    if args.nice is not None:
        try:  # inherited by every server and client started from here
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        except OSError as e:
            sys.exit(f"run.py: cannot set niceness {args.nice}: {e}")
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    header = "\n".join([
        f"## duet vs redis: {', '.join(args.benchmarks)} "
        f"({'quick' if args.quick else 'full'}, {args.rounds} rounds) — {started}",
        "",
        f"- host: {report.host_info()}",
        f"- duet: `{duet_bin}` ({procs.tool_version(duet_bin)}; git {_git_rev()})",
        f"- redis: `{redis_bin}` ({procs.tool_version(redis_bin)})",
        "- both servers: `--bind 127.0.0.1 --save '' --appendonly no`, fresh per round"
        + (f"; suite run at niceness {args.nice}" if args.nice is not None else ""),
        f"- throughput client: "
        + (f"duet-loadgen (`{args.loadgen_bin}`)" if args.client == "loadgen" else
           "redis-benchmark" + (f" --threads {args.client_threads}"
                                if args.client_threads > 1 else "")),
    ])
    print(header + "\n", file=sys.stderr, flush=True)

    results = []
    scratch = tempfile.mkdtemp(prefix="duet-bench-")
    try:
        ctx = Context(args, procs.Server("duet", duet_bin, scratch),
                      procs.Server("redis", redis_bin, scratch), scratch)
        for name in args.benchmarks:
            ctx.log(f"# {name}")
            t0, load0 = time.monotonic(), os.getloadavg()[0]
            try:
                res = BENCHMARKS[name][0](ctx)
            except procs.BenchError as e:
                res = report.BenchResult(name)
                res.errors.append(str(e))
            res.params["elapsed_s"] = round(time.monotonic() - t0, 1)
            load1 = os.getloadavg()[0]
            res.params["load_avg"] = f"{load0:.1f}->{load1:.1f}"
            if max(load0, load1) > (os.cpu_count() or 1) * 0.75 + 1:
                res.notes.append(f"machine busy (1-min load average {load0:.1f} -> "
                                 f"{load1:.1f} on {os.cpu_count()} CPUs): numbers are unreliable")
            results.append(res)
    except KeyboardInterrupt:
        print("\ninterrupted; stopping servers", file=sys.stderr)
        procs.stop_all()
        shutil.rmtree(scratch, ignore_errors=True)
        return 130
    finally:
        procs.stop_all()
        shutil.rmtree(scratch, ignore_errors=True)

    path = report.save(args.results_dir, header, results)
    print(header + "\n\n" + report.summary_table(results))
    print(f"\nsaved: {os.path.relpath(path, os.getcwd())} (+ .json with every round)")
    if any(r.errors for r in results):
        return 1
    if any(r.unavailable for r in results):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
