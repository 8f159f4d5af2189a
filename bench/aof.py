#!/usr/bin/env python3
"""SET throughput with the AOF on: appendfsync always / everysec and appendonly no, duet vs
redis-server 7.0.15 side by side (issue 13's commit-path targets).

Per round, for each mode (no, everysec, always) and each connection count (-c 50, -c 200):
a fresh server per side with that mode (`--appendonly yes --appendfsync MODE`, or
`--appendonly no`) in a data directory under --data-dir, then duet-loadgen sends
`SET key:__rand_int__ <16 bytes>` at -P 1 (one request in flight per connection). The order
of the two sides flips every round. Reported: medians of the rounds' requests/s, the
duet/redis ratio, and each AOF mode's share of the same server's appendonly-no rate.

Targets (reported, never asserted): always >= 1.3x redis's always and >= 0.85x of duet's own
appendonly no; everysec >= 0.95x of duet's appendonly no.

The data directory must be on the disk being measured (not a tmpfs): its filesystem is
printed in the header.

  bench/aof.py --nice -10            # 3 rounds (about 3-4 min)
  bench/aof.py --rt                  # as root: the servers and duet-loadgen at SCHED_FIFO
  bench/aof.py --quick               # one short round: checks the script, not speed

--rt runs this script, hence both servers (their threads too) and the load generator, at
SCHED_FIFO priority 10, so that other processes on a shared machine do not preempt them: on
this project's VM it turns a load average of 6-9 from other sessions into figures close to a
quiet machine's. The kernel's real-time throttling (sched_rt_runtime_us) is left as it is.

Exit 0 when everything was measured, 1 when a measurement failed.
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duetbench.clients import DATASIZE, KEYSPACE, measure_client  # noqa: E402
from duetbench.procs import BenchError, Server, add_server_args, stop_all  # noqa: E402
from duetbench.stats import median, ratio  # noqa: E402

MODES = ("no", "everysec", "always")
RT_PRIORITY = 10  # SCHED_FIFO priority under --rt


def mode_args(mode):
    if mode == "no":
        return ["--appendonly", "no"]
    return ["--appendonly", "yes", "--appendfsync", mode, "--aof-use-rdb-preamble", "yes"]


def filesystem_of(path):
    try:
        out = subprocess.run(["df", "-T", path], capture_output=True, text=True, timeout=10)
        fields = out.stdout.splitlines()[1].split()
        return f"{fields[1]} on {fields[0]}"
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def one_run(server, args, clients):
    server.start()
    try:
        argv = [args.loadgen_bin, "-h", "127.0.0.1", "-p", str(server.port), "-c", str(clients),
                "-r", str(KEYSPACE), "-n", str(args.requests), "-P", "1", "--csv",
                "--name", "SET", "SET", "key:__rand_int__", "x" * DATASIZE]
        return measure_client(server, f"SET -c {clients}", argv, args.requests, "SET")
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_server_args(ap)
    ap.add_argument("--loadgen-bin", default=None,
                    help="duet-loadgen (default: beside --duet-bin)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", type=int, default=200000, help="SETs per run")
    ap.add_argument("--clients", default="50,200", help="connection counts, comma-separated")
    ap.add_argument("--modes", default=",".join(MODES), help="subset of no,everysec,always")
    ap.add_argument("--data-dir", default=None,
                    help="where the servers' directories go (default: the system temp dir)")
    ap.add_argument("--nice", type=int, default=None, help="run at this niceness, e.g. -10")
    ap.add_argument("--rt", action="store_true",
                    help="as root: run everything at SCHED_FIFO priority 10")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.requests = 1, 3000
    if args.loadgen_bin is None:
        args.loadgen_bin = os.path.join(os.path.dirname(os.path.abspath(args.duet_bin)),
                                        "duet-loadgen")
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    if args.rt:  # inherited by the servers and duet-loadgen
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(RT_PRIORITY))
    modes = [m for m in args.modes.split(",") if m]
    client_counts = [int(c) for c in args.clients.split(",") if c]
    scratch = tempfile.mkdtemp(prefix="aof-bench-", dir=args.data_dir)
    print(f"data dir {scratch} ({filesystem_of(scratch)}); SET -P 1, {args.requests} "
          f"requests per run, duet-loadgen, median of {args.rounds} rounds"
          + (f", niceness {args.nice}" if args.nice is not None else "")
          + (f", SCHED_FIFO {RT_PRIORITY}" if args.rt else ""))
    rps = {}  # (side, mode, clients) -> [rps per round]
    try:
        for r in range(args.rounds):
            for mode in modes:
                for clients in client_counts:
                    sides = [Server("duet", args.duet_bin, scratch, mode_args(mode)),
                             Server("redis", args.redis_bin, scratch, mode_args(mode))]
                    if r % 2:
                        sides.reverse()
                    for s in sides:
                        res = one_run(s, args, clients)
                        rps.setdefault((s.side, mode, clients), []).append(res["rps"])
                        print(f"round {r + 1} {mode:8} -c {clients:3} {s.side:5}: "
                              f"{res['rps']:9.0f} req/s, server CPU {res['server_cpu_pct']:.0f}%",
                              file=sys.stderr)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        stop_all()
        return 1
    med = {k: median(v) for k, v in rps.items()}

    def fmt(x, digits=2):
        return "n/a" if x is None else f"{x:.{digits}f}"

    print("| mode | clients | duet req/s | redis req/s | duet/redis | duet vs duet no-AOF "
          "| redis vs redis no-AOF | targets |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in modes:
        for c in client_counts:
            d, rd = med.get(("duet", mode, c)), med.get(("redis", mode, c))
            d_no, r_no = med.get(("duet", "no", c)), med.get(("redis", "no", c))
            target = {"always": "duet/redis >= 1.3, duet vs no-AOF >= 0.85",
                      "everysec": "duet vs no-AOF >= 0.95"}.get(mode, "")
            print(f"| {mode} | {c} | {fmt(d, 0)} | {fmt(rd, 0)} | {fmt(ratio(d, rd))} | "
                  f"{fmt(ratio(d, d_no))} | {fmt(ratio(rd, r_no))} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
