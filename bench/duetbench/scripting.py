"""`scripting`: EVALSHA of a 1-key script (INCR + HSET) at -P 16 -c 50 (issue 11).

The script is loaded with SCRIPT LOAD on each fresh server (not measured), then the client
(redis-benchmark, or duet-loadgen with `--client loadgen`) sends
`EVALSHA <sha> 1 key:__rand_int__ <16 x>` with __rand_int__ below KEYSPACE, so the script
INCRs a string key and writes two fields into a hash beside it (`key:<n>:h`). It runs
through the same side_by_side_rounds machinery as `throughput`: fresh servers per round,
order flipping every round, server CPU per call from /proc/<pid>/stat.
"""

import hashlib

from .clients import CLIENTS, DATASIZE, KEYSPACE, client_for, client_params
from .procs import BenchError
from .report import BenchResult
from .resp import Conn, ErrorReply
from .throughput import add_summary_rows, side_by_side_rounds

PIPELINE = 16
TPUT_TARGET, CPU_TARGET = 1.3, 0.7
FULL_REQUESTS, QUICK_REQUESTS = 1_000_000, 20_000
SCRIPT = ("local n = redis.call('INCR', KEYS[1])\n"
          "redis.call('HSET', KEYS[1] .. ':h', 'n', n, 'v', ARGV[1])\n"
          "return n\n")
SHA = hashlib.sha1(SCRIPT.encode()).hexdigest()
LABEL = "EVALSHA INCR+HSET"


def _load_script(server):
    with Conn(server.port, timeout=10) as c:
        r = c.call("SCRIPT", "LOAD", SCRIPT)
    if isinstance(r, ErrorReply) or r != SHA.encode():
        raise BenchError(f"{server.side}: SCRIPT LOAD answered {r!r}, expected {SHA}")


def run(ctx):
    n = ctx.args.requests_p16 or (QUICK_REQUESTS if ctx.quick else FULL_REQUESTS)
    res = BenchResult("scripting", {"pipeline": PIPELINE, "clients": CLIENTS, "requests": n,
                                    "keyspace": KEYSPACE, "rounds": ctx.rounds,
                                    **client_params(ctx.args)})
    client = client_for(ctx.args)
    command = ["EVALSHA", SHA, "1", "key:__rand_int__", "x" * DATASIZE]
    test = (LABEL, lambda s: client(s, LABEL, command, n, PIPELINE, " ".join(command)))
    side_by_side_rounds(ctx, res, [test], [("EVAL", "return 1", "0")], prepare=_load_script)
    add_summary_rows(res, LABEL, TPUT_TARGET, CPU_TARGET, ctx.args, p99=False)
    if ctx.quick:
        res.notes.append("quick mode: runs are too short for meaningful numbers")
    return res
