"""Shared driver of the randomized differential fuzzers (fuzz_*.py): the same commands go to
redis-server 7.0.15 and duet on one connection each, and replies are compared byte for byte
unless a command asks for a looser comparison (order-insensitive, or shape only for replies
that are random by definition).

A fuzzer subclasses DiffFuzzer with round(r) and calls main("name", Class, rounds, reset).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode, parse_tree  # noqa: E402
from lib.servers import ServerProcess  # noqa: E402

I64_MIN, I64_MAX = -2**63, 2**63 - 1
SHOW = 15  # mismatches printed in full; the rest are only counted


def as_bytes(a):
    return a if isinstance(a, bytes) else str(a).encode()


def case_line(args):
    """args as a line of a tests/diff/cases file (!esc form, every byte printable)."""
    def quote(a):
        out = ""
        for b in as_bytes(a):
            out += chr(b) if 32 < b < 127 and chr(b) not in "\\\"'" else "\\\\x%02x" % b
        return '"' + out + '"'
    return "!esc " + " ".join(quote(a) for a in args)


def elements(reply):
    """The elements of an array, set or map reply (a map's keys and values alternate) as
    their payloads; RESP3's nested pairs ([[field, value], ...]) are flattened the same way.
    None for anything that is not an aggregate."""
    t, v = parse_tree(reply)[0]
    if t not in (b"*", b"~", b"%") or v is None:
        return None
    out = []
    for x in v:
        out += [y[1] for y in x[1]] if isinstance(x[1], list) else [x[1]]
    return out


def pairs(reply):
    """A field/value reply (flat array, map, or RESP3 nested pairs) as sorted (field, value)
    pairs."""
    e = elements(reply)
    return None if e is None else sorted(zip(e[0::2], e[1::2]))


def sorted_elements(reply):
    e = elements(reply)
    return None if e is None else sorted(e, key=repr)


class DiffFuzzer:
    def __init__(self, conns, rng):
        self.conns = conns  # [redis, duet]
        self.rng = rng
        self.mismatches = 0
        self.commands = 0
        self.history = []  # commands since the last FLUSHALL (dumped on the first mismatch)

    def send(self, args, conns=None):
        """Sends one command to each connection (both by default); returns the raw replies."""
        payload = encode([as_bytes(a) for a in args])
        if conns is None:
            if as_bytes(args[0]).upper() == b"FLUSHALL":
                self.history = []
            self.history.append(args)
        out = []
        for c in conns or self.conns:
            c.send(payload)
            out.append(c.read_reply())
        return out

    def mismatch(self, args, redis, duet, why=""):
        self.mismatches += 1
        dump = os.environ.get("FUZZ_DUMP")
        if dump and self.mismatches == 1:
            with open(dump, "w") as f:
                f.writelines(case_line(a) + "\n" for a in self.history)
        if self.mismatches <= SHOW:
            print("MISMATCH", why, [as_bytes(a)[:80] for a in args[:24]],
                  "\n  redis:", redis[:300], "\n  duet: ", duet[:300])

    def run(self, args, same=None):
        """Sends args to both servers and compares the replies: byte for byte, or with
        same(redis_reply, duet_reply) when the order (or content) is unspecified. Returns
        redis's reply."""
        redis, duet = self.send(args)
        self.commands += 1
        if redis != duet:
            try:
                ok = same is not None and same(redis, duet)
            except Exception:
                ok = False
            if not ok:
                self.mismatch(args, redis, duet)
        return redis

    def run_random(self, args, population, distinct, withvalues=False):
        """Sends a command whose reply is random by definition (HRANDFIELD, SRANDMEMBER, SPOP)
        and compares it by shape: the same reply type (errors and integers byte for byte), the
        same element count, duet's elements drawn from population (with withvalues a
        field->value dict the pairs must match), no repeats when distinct. Returns whether both
        replies hold the same elements (a SPOP then removed the same members on both)."""
        redis, duet = self.send(args)
        self.commands += 1
        if redis[:1] not in (b"$", b"*", b"~") or redis[:1] != duet[:1]:  # errors: exact
            if redis != duet:
                self.mismatch(args, redis, duet, "reply type")
            return redis == duet
        if redis[:1] == b"$":  # no count: one element, or nil
            r, d = elements(b"*1\r\n" + redis), elements(b"*1\r\n" + duet)
        else:
            r, d = elements(redis), elements(duet)
        picked = d[0::2] if withvalues else d
        ok = len(r) == len(d) and (None in r) == (None in d)
        ok = ok and all(x is None or x in population for x in picked)
        if withvalues:
            ok = ok and all(population[f] == v for f, v in zip(d[0::2], d[1::2]))
        if distinct:
            ok = ok and len(set(picked)) == len(picked)
        if not ok:
            self.mismatch(args, redis, duet, "random reply")
        return sorted(r, key=repr) == sorted(d, key=repr)

    def multi_block(self, max_steps):
        """MULTI, up to max_steps of self.step(in_multi=True) (queued), then EXEC or DISCARD."""
        self.run(["MULTI"])
        for _ in range(self.rng.randint(0, max_steps)):
            self.step(in_multi=True)
        return self.run([self.rng.choice(["EXEC", "EXEC", "DISCARD"])])

    def scan_all(self, cmd, key, extra=()):
        """Iterates SCAN-family cmd over key to the end on each server separately (cursors
        are each server's own); returns the element lists, [redis, duet]."""
        out = []
        for c in self.conns:
            cursor, items = b"0", []
            for _ in range(100000):
                reply = self.send([cmd, key, cursor] + list(extra), [c])[0]
                if reply[:1] != b"*":
                    items = reply
                    break
                t, v = parse_tree(reply)[0]
                cursor = v[0][1]
                items += [x[1] for x in v[1][1]]
                if cursor == b"0":
                    break
            out.append(items)
        self.commands += 1
        return out

    def scan_compare(self, cmd, key, patterns, fold):
        """A full cmd (HSCAN, SSCAN...) iteration with a random COUNT and MATCH on each server,
        compared after fold(elements) (a set, a field->value dict: the order may differ)."""
        extra = []
        if self.rng.random() < 0.5:
            extra += ["COUNT", self.rng.choice([1, 2, 10, 1000])]
        if self.rng.random() < 0.3:
            extra += ["MATCH", self.rng.choice(patterns)]
        redis, duet = self.scan_all(cmd, key, extra)
        if isinstance(redis, bytes) or isinstance(duet, bytes):
            ok = redis == duet  # an error (WRONGTYPE...)
        else:
            ok = fold(redis) == fold(duet)
        if not ok:
            self.mismatch([cmd, key] + extra, repr(redis).encode(), repr(duet).encode())


def main(name, cls, default_rounds, reset=()):
    """Usage: fuzz_<name>.py [seed] [rounds]. Runs cls(...).round(r) for each round against
    fresh servers, then the reset commands (config back to defaults); exits 1 on a mismatch."""
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else default_rounds
    redis = ServerProcess("redis")
    duet = ServerProcess("duet")
    try:
        fuzzer = cls([RawConnection(redis.port), RawConnection(duet.port)], random.Random(seed))
        for r in range(rounds):
            fuzzer.round(r)
        for args in reset:
            fuzzer.run(args)
    finally:
        redis.stop()
        duet.stop()
    print(f"{name} fuzz seed {seed}: {fuzzer.commands} commands, {fuzzer.mismatches} mismatches")
    sys.exit(1 if fuzzer.mismatches else 0)
