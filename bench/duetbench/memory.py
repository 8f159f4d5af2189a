"""`memory`: RSS growth per key after loading N `key:%08d` -> 16-byte value strings.

Each round starts each server fresh, reads VmRSS once it has settled, loads the keys with
`redis-cli --pipe`, waits for RSS to settle again and divides the growth by the key count.
Only one server runs at a time. INFO used_memory growth is recorded too when the server
reports it (allocator view, without fragmentation or page overhead).
"""

from .pipeload import check_dbsize, pipe_load
from .procs import BenchError, Unavailable
from .report import BenchResult, Row, Target
from .resp import info_field, probe
from .respgen import set_stream
from .stats import median

DEFAULT_KEYS = 1_000_000
QUICK_KEYS = 100_000
TARGET_BYTES_PER_KEY = 50


def _used_memory(server):
    v = info_field(server.port, "memory", "used_memory")
    return int(v) if v and v.isdigit() else None


def measure_load_rounds(ctx, res, path, replies, dbsize, count, unit="key", case=None,
                        rounds=None, settle=1.0, probe_cmds=(("SET", "bench:probe", "x"),)):
    """Loads `path` (`replies` commands) into each server, fresh per round, and appends one
    record per round and side to res.rounds: RSS growth per `unit` (growth / count), the
    same for INFO used_memory, and the load rate. Only one server runs at a time; the side
    order flips every round. `probe_cmds` must leave exactly one key (bench:probe); DBSIZE
    must be `dbsize` + 1 afterwards."""
    sides = [ctx.duet, ctx.redis]
    usable = {s.side: True for s in sides}
    notes = set()
    for rnd in range(ctx.rounds if rounds is None else rounds):
        for s in (sides if rnd % 2 == 0 else sides[::-1]):
            if not usable[s.side]:
                continue
            s.start()
            try:
                probe(s.port, s.side, probe_cmds)
                rss0 = s.settled_rss(min_wait=0.3)
                used0 = _used_memory(s)
                took = pipe_load(s, path, replies)
                rss1 = s.settled_rss(min_wait=settle)
                note = check_dbsize(s, dbsize + 1)  # + the probe key
                if note:
                    notes.add(note)
                used1 = _used_memory(s)
            except Unavailable as e:
                usable[s.side] = False
                res.unavailable.append(str(e))
                continue
            except BenchError as e:
                usable[s.side] = False
                res.errors.append(f"{case + ': ' if case else ''}round {rnd + 1}: {e}")
                continue
            finally:
                s.stop()
            rec = {"round": rnd + 1, "side": s.side}
            if case:
                rec["case"] = case
            rec.update({"rss_before_mb": rss0 / 2**20, "rss_after_mb": rss1 / 2**20,
                        f"rss_bytes_per_{unit}": (rss1 - rss0) / count,
                        f"used_memory_bytes_per_{unit}":
                            (used1 - used0) / count if used0 is not None and used1 else None,
                        "load_s": took, f"{unit}s_per_s": count / took})
            res.rounds.append(rec)
            ctx.log(f"  round {rnd + 1} {s.side:5} {case + ' ' if case else ''}"
                    f"{rec[f'rss_bytes_per_{unit}']:.1f} RSS bytes/{unit}, loaded in {took:.2f}s")
    res.notes.extend(sorted(notes - set(res.notes)))


def run(ctx):
    keys = ctx.args.memory_keys or (QUICK_KEYS if ctx.quick else DEFAULT_KEYS)
    path = set_stream(ctx.cache_dir, keys, ctx.log)
    res = BenchResult("memory", {"keys": keys, "value_bytes": 16, "rounds": ctx.rounds})
    measure_load_rounds(ctx, res, path, keys, keys, keys)

    def med(side, key):
        return median([r[key] for r in res.rounds if r["side"] == side])

    res.rows.append(Row("RSS growth per key", "bytes", med("duet", "rss_bytes_per_key"),
                        med("redis", "rss_bytes_per_key"), 1,
                        Target("duet", "<=", TARGET_BYTES_PER_KEY), "lower"))
    used_d, used_r = med("duet", "used_memory_bytes_per_key"), med("redis",
                                                                   "used_memory_bytes_per_key")
    if used_d is not None or used_r is not None:
        res.rows.append(Row("used_memory growth per key", "bytes", used_d, used_r, 1, None,
                            "lower"))
    res.rows.append(Row("pipe load rate", "keys/s", med("duet", "keys_per_s"),
                        med("redis", "keys_per_s"), 0, None, "higher"))
    return res
