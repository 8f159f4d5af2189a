"""`types-memory`: RSS growth per element of hashes, sets, sorted sets and lists.

Six cases (issue 3's memory targets), each loaded with `redis-cli --pipe` from a generated,
cached RESP file into a fresh server per round (memory.measure_load_rounds), reporting RSS
growth divided by the element count (fields, members or list items). The shapes are chosen
so redis-server 7.0.15 lands near the issue's reference figures; see bench/README.md.
"""

from .memory import measure_load_rounds
from .report import BenchResult, Row, Target
from .respgen import batched, command_stream
from .stats import median

BATCH = 1000  # elements per HSET/ZADD/SADD/RPUSH command for the big collections
BULL_EPOCH_MS = 1_700_000_000_000


def _score(i):
    """A BullMQ-like score: millisecond timestamps ~1.7e12, every 4th with a fraction."""
    ms = BULL_EPOCH_MS + i * 3
    frac = ("", "", "", ".5", "", "", "", ".125")[i % 8]
    return f"{ms}{frac}"


def _big_hashes(keys, fields):
    def gen():
        for k in range(keys):
            cmd = ["HSET", f"hash:{k:04d}"]
            for f in range(fields):
                cmd += [f"f{f:03d}", f"v{k * fields + f:07d}"]
            yield cmd
    return gen


def _batched(cmd, key, n, elements):
    return lambda: batched(cmd, key, n, elements, BATCH)


def _big_zset(n):
    return _batched("ZADD", "zset:big", n, lambda i: [_score(i), str(1_000_000 + i)])


def _big_set(n):
    # 15 hex digits that look random: multiplying by an odd constant is a bijection mod 2^60.
    return _batched("SADD", "set:big", n, lambda i: [f"{(i * 2654435761) % 16**15:015x}"])


def _big_list(n):
    return _batched("RPUSH", "list:big", n, lambda i: [f"item:{i:08d}"])


def _small_hashes(keys):
    def gen():
        for k in range(keys):
            cmd = ["HSET", f"user:{k:06d}"]
            for f in range(10):
                cmd += [f"fld{f}", f"v{k * 10 + f:09d}"]
            yield cmd
    return gen


def _small_zsets(keys):
    def gen():
        for k in range(keys):
            cmd = ["ZADD", f"zset:{k:06d}"]
            for m in range(5):
                cmd += [m + 1, f"member{m}"]
            yield cmd
    return gen


# name, keys, elements per key, generator(keys, per_key), target ratio, redis reference B/elem,
# probe command, element noun. Quick sizes keep each collection past the packed-encoding
# thresholds (1,000 fields > 512; 20,000 members > 128) so the same encodings are measured.
def _cases(quick):
    big = 20_000 if quick else 1_000_000
    return [
        ("1,000 hashes × 1,000 fields", 20 if quick else 1000, 1000,
         _big_hashes(20 if quick else 1000, 1000), 0.7, 63, "HSET", "field"),
        ("one 1M-member sorted set", 1, big, _big_zset(big), 0.7, 114, "ZADD", "member"),
        ("one 1M-member set of 15-byte strings", 1, big, _big_set(big), 0.7, 80, "SADD",
         "member"),
        ("100,000 hashes × 10 small fields", 2_000 if quick else 100_000, 10,
         _small_hashes(2_000 if quick else 100_000), 0.85, 26, "HSET", "field"),
        ("200,000 sorted sets × 5 members", 4_000 if quick else 200_000, 5,
         _small_zsets(4_000 if quick else 200_000), 0.85, 29, "ZADD", "member"),
        ("one 1M-element list of 13-byte items", 1, big, _big_list(big), 1.0, 15, "RPUSH",
         "element"),
    ]


_PROBE_ARGS = {"HSET": ("bench:probe:h", "f", "v"), "ZADD": ("bench:probe:z", "1", "m"),
               "SADD": ("bench:probe:s", "m"), "RPUSH": ("bench:probe:l", "x")}


def run(ctx):
    quick = ctx.quick
    rounds = 1 if quick else ctx.rounds
    res = BenchResult("types-memory", {"rounds": rounds, "batch": BATCH})
    for name, keys, per_key, gen, target, ref, command, noun in _cases(quick):
        tag = "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()
        path, replies = command_stream(ctx.cache_dir, f"types-{tag}-{keys}x{per_key}", gen,
                                       ctx.log)
        # The probe checks the command exists, then leaves only the SET key behind.
        probe_cmds = [(command, *_PROBE_ARGS[command]), ("DEL", _PROBE_ARGS[command][0]),
                      ("SET", "bench:probe", "x")]
        ctx.log(f"  case {name}")
        measure_load_rounds(ctx, res, path, replies, keys, keys * per_key, unit="element",
                            case=name, rounds=rounds, settle=0.3 if quick else 1.0,
                            probe_cmds=probe_cmds)

        def med(side, key):
            return median([r[key] for r in res.rounds
                           if r["side"] == side and r.get("case") == name])

        res.rows.append(Row(f"{name}: RSS per {noun} (redis ref. ~{ref})", "bytes",
                            med("duet", "rss_bytes_per_element"),
                            med("redis", "rss_bytes_per_element"), 1,
                            Target("ratio", "<=", target), "lower"))
        res.rows.append(Row(f"{name}: used_memory per {noun}", "bytes",
                            med("duet", "used_memory_bytes_per_element"),
                            med("redis", "used_memory_bytes_per_element"), 1, None, "lower"))
    if quick:
        res.notes.append("quick mode: 1 round, collections 1/50 of full size (still in the big "
                         "encodings); numbers are indicative only")
    return res
