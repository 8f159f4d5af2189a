"""`types-throughput`: lists, hashes, sets and sorted sets at -P 16.

Ten tests (issue 3's throughput targets), each `redis-benchmark -c 50 -P 16 -r 100000 -d 16`
(or the same test from duet-loadgen with `--client loadgen`, see clients.py) against both servers with throughput.side_by_side_rounds: built-in tests (`-t lpush`, ...)
where redis-benchmark has one, a command line with __rand_int__ otherwise. Before the tests
each fresh server gets a preload (not measured) so reads find data and pops never run dry:

- myhash / myset: every `element:<12 digits>` that __rand_int__ can produce (KEYSPACE of
  them) -> HGET and SISMEMBER always hit (HSET and SADD then update / re-add them);
- mylist: N items -> LPOP (N requests after LPUSH's N) never sees an empty list, and
  `LRANGE mylist 0 99` (what -t lrange_100 sends, without its unmeasured LPUSH prefill
  inside the same run) always returns 100 items;
- myzset: N members with scores spread over [0, KEYSPACE) -> `ZRANGEBYSCORE myzset
  __rand_int__ +inf LIMIT 0 10` returns 10 members and ZPOPMIN (N requests) never empties it.
"""

from .pipeload import pipe_load
from .report import BenchResult
from .respgen import batched, command_stream
from .clients import KEYSPACE, client_for, client_params
from .throughput import add_summary_rows, side_by_side_rounds

PIPELINE = 16
TPUT_TARGET, CPU_TARGET = 1.2, 0.8
FULL_REQUESTS, QUICK_REQUESTS = 1_000_000, 20_000
LRANGE_DIVISOR = 10  # LRANGE 0 99 moves 100 items per request: a tenth of the requests

# label, redis-benchmark test args, CSV row (None: the command line), requests divisor
TESTS = [
    ("LPUSH", ["-t", "lpush"], "LPUSH", 1),
    ("LRANGE 0 99", ["LRANGE", "mylist", "0", "99"], None, LRANGE_DIVISOR),
    ("LPOP", ["-t", "lpop"], "LPOP", 1),
    ("HSET", ["-t", "hset"], "HSET", 1),
    ("HGET", ["HGET", "myhash", "element:__rand_int__"], None, 1),
    ("SADD", ["-t", "sadd"], "SADD", 1),
    ("SISMEMBER", ["SISMEMBER", "myset", "element:__rand_int__"], None, 1),
    ("ZADD", ["-t", "zadd"], "ZADD", 1),
    ("ZRANGEBYSCORE", ["ZRANGEBYSCORE", "myzset", "__rand_int__", "+inf", "LIMIT", "0", "10"],
     None, 1),
    ("ZPOPMIN", ["-t", "zpopmin"], "ZPOPMIN", 1),
]
PROBE = [("LPUSH", "bench:probe:l", "x"), ("LPOP", "bench:probe:l"),
         ("LRANGE", "bench:probe:l", "0", "1"), ("HSET", "bench:probe:h", "f", "v"),
         ("HGET", "bench:probe:h", "f"), ("SADD", "bench:probe:s", "m"),
         ("SISMEMBER", "bench:probe:s", "m"), ("ZADD", "bench:probe:z", "1", "m"),
         ("ZRANGEBYSCORE", "bench:probe:z", "0", "+inf", "LIMIT", "0", "10"),
         ("ZPOPMIN", "bench:probe:z")]


def _preload_commands(n):
    def gen():
        value = "v" * 15
        yield from batched("HSET", "myhash", KEYSPACE, lambda i: [f"element:{i:012d}", value])
        yield from batched("SADD", "myset", KEYSPACE, lambda i: [f"element:{i:012d}"])
        yield from batched("RPUSH", "mylist", n, lambda i: [f"{i:016d}"])
        yield from batched("ZADD", "myzset", n,
                           lambda i: [i * KEYSPACE // n, f"pre:{i:012d}"])
    return gen


def run(ctx):
    n = ctx.args.requests_p16 or (QUICK_REQUESTS if ctx.quick else FULL_REQUESTS)
    path, replies = command_stream(ctx.cache_dir, f"types-preload-{KEYSPACE}-{n}",
                                   _preload_commands(n), ctx.log)
    res = BenchResult("types-throughput", {"pipeline": PIPELINE, "requests": n,
                                           "lrange_requests": n // LRANGE_DIVISOR,
                                           "keyspace": KEYSPACE, "rounds": ctx.rounds,
                                           **client_params(ctx.args)})
    client = client_for(ctx.args)

    def test(label, args, row, div):
        return label, lambda s: client(s, label, args, n // div, PIPELINE,
                                       row or " ".join(args))

    side_by_side_rounds(ctx, res, [test(*t) for t in TESTS], PROBE,
                        prepare=lambda s: pipe_load(s, path, replies))
    for label, *_ in TESTS:
        add_summary_rows(res, label, TPUT_TARGET, CPU_TARGET, ctx.args, p99=False)
    if ctx.quick:
        res.notes.append("quick mode: runs are too short for meaningful numbers")
    return res
