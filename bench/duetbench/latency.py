"""`latency-under-load`: PING round trips every millisecond while N keys are bulk loaded.

A Python thread sends PING on its own connection once per millisecond (sending the next
one at once if a reply took longer) and times each round trip, while `redis-cli --pipe`
loads the keys as fast as the server takes them. A whole-table rehash, a big allocation or
any other stall in the event loop shows up as a PING that waits. The client is Python on a
shared 2-core machine, so a few hundred microseconds of scheduling noise are in every
number, on both sides alike; compare ratios and spikes, not absolute microseconds.
"""

import socket
import threading
import time

from .pipeload import check_dbsize, pipe_load
from .procs import BenchError, Unavailable
from .report import BenchResult, Row, Target
from .resp import probe
from .respgen import set_stream
from .stats import median, percentile

DEFAULT_KEYS = 10_000_000
QUICK_KEYS = 500_000
TARGET_MAX_MS = 10.0
_PING = b"*1\r\n$4\r\nPING\r\n"
_PONG = b"+PONG\r\n"


class Pinger(threading.Thread):
    """Times one PING per `interval` seconds until stop(); samples are (start_s, rtt_s)."""

    def __init__(self, port, interval=0.001):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.interval = interval
        self.samples = []
        self.error = None
        self._stop_event = threading.Event()

    def stop(self):
        self._stop_event.set()
        self.join()
        self.sock.close()

    def run(self):
        clock = time.perf_counter
        next_at = clock()
        try:
            while not self._stop_event.is_set():
                t0 = clock()
                self.sock.sendall(_PING)
                got = b""
                while len(got) < len(_PONG):
                    data = self.sock.recv(64)
                    if not data:
                        raise ConnectionError("connection closed")
                    got += data
                rtt = clock() - t0
                if got != _PONG:
                    raise ConnectionError(f"unexpected reply {got!r}")
                self.samples.append((t0, rtt))
                next_at += self.interval
                now = clock()
                if next_at > now:
                    time.sleep(next_at - now)
                else:
                    next_at = now  # late: send now, do not burst to catch up
        except (OSError, ConnectionError) as e:
            self.error = e


def _ping_stats(samples):
    rtts = sorted(rtt * 1000.0 for _, rtt in samples)
    return {"pings": len(rtts), "p50_ms": percentile(rtts, 50), "p99_ms": percentile(rtts, 99),
            "p999_ms": percentile(rtts, 99.9), "max_ms": rtts[-1] if rtts else None}


def _one_round(server, path, keys):
    idle = Pinger(server.port)
    idle.start()
    time.sleep(0.5)
    idle.stop()
    rss0 = server.rss_bytes()
    pinger = Pinger(server.port)
    pinger.start()
    try:
        took = pipe_load(server, path, keys)
    finally:
        pinger.stop()
    if pinger.error:
        raise BenchError(f"{server.side}: PING client failed: {pinger.error}")
    note = check_dbsize(server, keys + 1)
    rss1 = server.rss_bytes()
    stats = _ping_stats(pinger.samples)
    worst_at = max(pinger.samples, key=lambda s: s[1])[0] - pinger.samples[0][0] \
        if pinger.samples else None
    return {"load_s": took, "keys_per_s": keys / took, **stats,
            "max_at_s": worst_at,
            "idle_p999_ms": _ping_stats(idle.samples)["p999_ms"],
            "rss_bytes_per_key": (rss1 - rss0) / keys}, note


def run(ctx):
    keys = ctx.args.keys or (QUICK_KEYS if ctx.quick else DEFAULT_KEYS)
    path = set_stream(ctx.cache_dir, keys, ctx.log)
    res = BenchResult("latency-under-load", {"keys": keys, "ping_interval_ms": 1,
                                             "rounds": ctx.rounds})
    sides = [ctx.duet, ctx.redis]
    usable = {s.side: True for s in sides}
    notes = set()
    for rnd in range(ctx.rounds):
        for s in (sides if rnd % 2 == 0 else sides[::-1]):
            if not usable[s.side]:
                continue
            s.start()
            try:
                probe(s.port, s.side, [("SET", "bench:probe", "x")])
                rec, note = _one_round(s, path, keys)
            except Unavailable as e:
                usable[s.side] = False
                res.unavailable.append(str(e))
                continue
            except BenchError as e:
                usable[s.side] = False
                res.errors.append(f"round {rnd + 1}: {e}")
                continue
            finally:
                s.stop()
            if note:
                notes.add(note)
            res.rounds.append({"round": rnd + 1, "side": s.side, **rec})
            ctx.log(f"  round {rnd + 1} {s.side:5} PING max {rec['max_ms']:.2f} ms "
                    f"(at {rec['max_at_s']:.1f}s), p99.9 {rec['p999_ms']:.3f} ms, "
                    f"{rec['pings']} pings, loaded in {rec['load_s']:.1f}s")

    def med(side, key):
        return median([r[key] for r in res.rounds if r["side"] == side])

    res.rows.append(Row("PING max during load", "ms", med("duet", "max_ms"),
                        med("redis", "max_ms"), 2, Target("duet", "<=", TARGET_MAX_MS),
                        "lower"))
    res.rows.append(Row("PING p99.9 during load", "ms", med("duet", "p999_ms"),
                        med("redis", "p999_ms"), 3, None, "lower"))
    res.rows.append(Row("PING p99 during load", "ms", med("duet", "p99_ms"),
                        med("redis", "p99_ms"), 3, None, "lower"))
    res.rows.append(Row("pipe load rate", "keys/s", med("duet", "keys_per_s"),
                        med("redis", "keys_per_s"), 0, None, "higher"))
    res.rows.append(Row("RSS growth per key at end", "bytes", med("duet", "rss_bytes_per_key"),
                        med("redis", "rss_bytes_per_key"), 1, None, "lower"))
    res.notes.append("PING max is the median over rounds of each round's maximum")
    res.notes.extend(sorted(notes))
    return res
