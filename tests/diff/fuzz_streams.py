#!/usr/bin/env python3
"""Randomized differential test of the stream commands against redis-server 7.0.15.

Each round picks small stream-node-max-entries / -bytes limits (so trims, deletes and seeks
cross node boundaries with short streams) and RESP2 or (a third of the rounds) RESP3, then
sends the same random XADD (explicit, "ms-*" and "*" IDs, NOMKSTREAM, MAXLEN/MINID with = or
~ and LIMIT), XDEL, XTRIM, XRANGE/XREVRANGE (exclusive and incomplete bounds, COUNT), XLEN,
XREAD, XGROUP (CREATE [MKSTREAM] [ENTRIESREAD], SETID, DESTROY, CREATECONSUMER,
DELCONSUMER), XREADGROUP (non-blocking, NOACK, ">" and history), XACK, XPENDING (summary and
extended, IDLE), XCLAIM, XAUTOCLAIM, XINFO STREAM [FULL]/GROUPS/CONSUMERS, XSETID and MULTI
blocks (where BLOCK does not block) to both servers, malformed arguments mixed in, and
compares every reply byte for byte.

Wall time never decides a reply: explicit IDs sit near BASE_MS, far in the future, so "*"
continues from the last ID on both servers ("*" is only sent once the stream's last ID is
known to be at or above BASE_MS); XCLAIM/XAUTOCLAIM/XPENDING use min-idle times of 0 or of
years; idle, seen and delivery times in XPENDING and XINFO replies are masked before the
comparison (XCLAIM's IDLE/TIME options still run, their effect only shows in those times).

Usage: DUET_BIN=build/<dir>/duet-server fuzz_streams.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import I64_MAX, DiffFuzzer, main
from lib.resp import parse_tree

BASE_MS = 9000000000000  # year 2255: "*" never takes the wall clock's ms
KEYS = ["s1", "s2", "s3", "str"]
GROUPS = ["g1", "g2", "g3"]
CONSUMERS = ["c1", "c2", "c3"]
TIME_FIELDS = {b"idle", b"seen-time", b"active-time", b"inactive", b"delivery-time"}
YEARS_MS = 100 * 365 * 86400 * 1000


def mask(tree, cmd):
    """tree (from parse_tree) with wall-time-dependent integers replaced by 0."""
    t, v = tree
    if not isinstance(v, list):
        return tree
    out = [mask(x, cmd) for x in v]
    # field/value lists (RESP2 arrays, RESP3 maps): the value after a time field name
    for i in range(len(out) - 1):
        if out[i][0] in (b"$", b"+") and out[i][1] in TIME_FIELDS and out[i + 1][0] == b":":
            out[i + 1] = (b":", b"0")
    # PEL entries: [id, consumer, time, count] (XPENDING extended, XINFO FULL group PEL)
    # and [id, time, count] (XINFO FULL consumer PEL)
    kinds = [x[0] for x in out]
    if cmd in (b"XPENDING", b"XINFO", b"EXEC") and kinds == [b"$", b"$", b":", b":"] \
            and b"-" in (out[0][1] or b""):
        out[2] = (b":", b"0")
    if cmd in (b"XINFO", b"EXEC") and kinds == [b"$", b":", b":"] and b"-" in (out[0][1] or b""):
        out[1] = (b":", b"0")
    return (t, out)


def same_masked(cmd):
    def same(redis, duet):
        return mask(parse_tree(redis)[0], cmd) == mask(parse_tree(duet)[0], cmd)
    return same


class Fuzzer(DiffFuzzer):
    def run(self, args, same=None):
        cmd = str(args[0]).upper().encode()
        if same is None and cmd in (b"XPENDING", b"XINFO", b"EXEC"):
            same = same_masked(cmd)
        return super().run(args, same)

    def key(self):
        r = self.rng.random()
        if r < 0.05:
            return self.rng.choice(["str", "nokey"])
        return self.rng.choice(KEYS[:3])

    def ms(self):
        """Mostly near the IDs added lately (self.t creeps up), so explicit IDs are often
        new and ranges and trims hit entries."""
        if self.rng.random() < 0.3:
            self.t += 1
        return BASE_MS + max(0, self.t + self.rng.randint(-6, 2))

    def full_id(self):
        rng = self.rng
        r = rng.random()
        if r < 0.75:
            return "%d-%d" % (self.ms(), rng.randint(0, 4))
        if r < 0.85:
            return str(self.ms())
        return rng.choice(["0-0", "0", "0-1", "-", "+", "$", ">", "1-", "-1", "a-b", "1-a",
                           "18446744073709551615-18446744073709551615",
                           "18446744073709551616", "%d-18446744073709551616" % BASE_MS,
                           "%d.5" % BASE_MS, "", " 1-1", "1 -1"])

    def add_id(self, key):
        rng = self.rng
        r = rng.random()
        if r < 0.35 and self.star_safe(key):
            return "*"
        if r < 0.7:
            return "%d-*" % self.ms()
        if r < 0.93:
            return self.full_id()
        if rng.random() < 0.1:  # the stream's last possible IDs: XADD fails from then on
            return rng.choice(["18446744073709551615-*", "18446744073709551615-18446744073709551615"])
        return rng.choice(["*-1", "1-*-", "*", "%d-*" % (BASE_MS - 5), "0-0", "0-*", "%d-*" % BASE_MS])

    def star_safe(self, key):
        """Whether "*" on key continues from its last ID (at or above BASE_MS) on redis;
        asks redis and duet both (and compares) with XINFO STREAM."""
        reply = self.run(["XINFO", "STREAM", key], same_masked(b"XINFO"))
        if reply[:1] not in (b"*", b"%"):
            return False
        e = parse_tree(reply)[0][1]
        for i in range(0, len(e) - 1, 2):
            if e[i][1] == b"last-generated-id":
                return int(e[i + 1][1].split(b"-")[0]) >= BASE_MS
        return False

    def bound(self, low):
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return "-" if low else "+"
        if r < 0.3:
            return rng.choice(["-", "+"])
        b = self.full_id() if rng.random() < 0.9 else rng.choice(["(-", "(+", "(", "((1"])
        if rng.random() < 0.25:
            b = "(" + b
        return b

    def count(self):
        r = self.rng.random()
        if r < 0.8:
            return self.rng.randint(0, 8)
        return self.rng.choice([-1, I64_MAX, "a", 2**63, "1.5"])

    def value(self):
        r = self.rng.random()
        if r < 0.6:
            return "v%d" % self.rng.randint(0, 9)
        if r < 0.85:
            return str(self.rng.randint(-1000, 100000))
        return "x" * self.rng.randint(10, 300)

    def fields(self):
        rng = self.rng
        if rng.random() < 0.7:
            names = ["f1", "f2", "f3"][:rng.randint(1, 3)]
        else:
            names = [rng.choice(["f1", "f2", "a", "b", "123"]) for _ in range(rng.randint(1, 4))]
        out = []
        for n in names:
            out += [n, self.value()]
        if rng.random() < 0.03:
            out = out[:-1]  # odd count: an error
        return out

    def trim_spec(self):
        rng = self.rng
        out = [rng.choice(["MAXLEN", "MAXLEN", "MINID", "maxlen", "MINLEN"])]
        if rng.random() < 0.6:
            out.append(rng.choice(["=", "~", "~"]))
        if out[0].upper() == "MINID":
            out.append(self.full_id())
        else:
            out.append(rng.choice([0, 1, 2, 3, 5, 10, 20, -1, "x"]))
        if rng.random() < 0.25:
            out += ["LIMIT", rng.choice([0, 1, 2, 10, 100, -1, "x"])]
        return out

    def group(self):
        return self.rng.choice(GROUPS if self.rng.random() < 0.95 else GROUPS + ["nogroup"])

    def consumer(self):
        return self.rng.choice(CONSUMERS)

    def min_idle(self):
        return self.rng.choice([0, 0, 0, YEARS_MS, -1, "x"])

    def command(self):
        rng = self.rng
        op = rng.randrange(22)
        key = self.key()
        if op <= 4:
            args = ["XADD", key]
            if rng.random() < 0.1:
                args.append("NOMKSTREAM")
            if rng.random() < 0.25:
                args += self.trim_spec()
            return args + [self.add_id(key)] + self.fields()
        if op == 5:
            return ["XDEL", key] + [self.full_id() for _ in range(rng.randint(1, 4))]
        if op == 6:
            return ["XTRIM", key] + self.trim_spec()
        if op in (7, 8):
            cmd = rng.choice(["XRANGE", "XREVRANGE"])
            lo, hi = self.bound(True), self.bound(False)
            args = [cmd, key] + ([lo, hi] if cmd == "XRANGE" else [hi, lo])
            if rng.random() < 0.5:
                args += ["COUNT", self.count()]
            return args
        if op == 9:
            return ["XLEN", key]
        if op == 10:
            keys = [self.key() for _ in range(rng.randint(1, 2))]
            args = ["XREAD"]
            if rng.random() < 0.5:
                args += ["COUNT", self.count()]
            ids = [self.full_id() for _ in keys]
            if rng.random() < 0.05:
                ids = ids[:-1]
            return args + ["STREAMS"] + keys + ids
        if op == 11:
            sub = rng.choice(["CREATE", "CREATE", "SETID", "DESTROY", "CREATECONSUMER",
                              "DELCONSUMER", "create", "BAD"])
            args = ["XGROUP", sub, key, self.group()]
            if sub.upper() in ("CREATE", "SETID"):
                args.append(rng.choice(["$", "0", "0-0"] + [self.full_id()] * 3))
                if sub.upper() == "CREATE" and rng.random() < 0.4:
                    args.append("MKSTREAM")
                if rng.random() < 0.3:
                    args += ["ENTRIESREAD", rng.choice([0, 1, 3, 10, -1, -2, "x"])]
            elif sub.upper() in ("CREATECONSUMER", "DELCONSUMER"):
                args.append(self.consumer())
            return args
        if op in (12, 13, 14):
            keys = [self.key() for _ in range(rng.randint(1, 2))]
            args = ["XREADGROUP", "GROUP", self.group(), self.consumer()]
            if rng.random() < 0.6:
                args += ["COUNT", self.count()]
            if rng.random() < 0.2:
                args.append("NOACK")
            ids = [">" if rng.random() < 0.7 else rng.choice(["0", self.full_id()]) for _ in keys]
            return args + ["STREAMS"] + keys + ids
        if op == 15:
            return ["XACK", key, self.group()] + [self.full_id() for _ in range(rng.randint(1, 4))]
        if op == 16:
            args = ["XPENDING", key, self.group()]
            if rng.random() < 0.6:
                if rng.random() < 0.3:
                    args += ["IDLE", self.min_idle()]
                args += [self.bound(True), self.bound(False), self.count()]
                if rng.random() < 0.5:
                    args.append(self.consumer())
            return args
        if op == 17:
            args = ["XCLAIM", key, self.group(), self.consumer(), self.min_idle()]
            args += [self.full_id() for _ in range(rng.randint(1, 4))]
            for _ in range(rng.randint(0, 3)):
                opt = rng.choice(["IDLE", "TIME", "RETRYCOUNT", "FORCE", "JUSTID", "LASTID"])
                args.append(opt)
                if opt in ("IDLE", "RETRYCOUNT"):
                    args.append(rng.choice([0, 5, 1000, -1, "x"]))
                elif opt == "TIME":
                    args.append(rng.choice([0, 1000, BASE_MS, -1]))
                elif opt == "LASTID":
                    args.append(self.full_id())
            return args
        if op == 18:
            args = ["XAUTOCLAIM", key, self.group(), self.consumer(), self.min_idle(),
                    self.bound(True)]
            if rng.random() < 0.5:
                args += ["COUNT", rng.choice([1, 2, 5, 100, 0, -1, "x"])]
            if rng.random() < 0.3:
                args.append("JUSTID")
            return args
        if op == 19:
            sub = rng.choice(["STREAM", "STREAM", "GROUPS", "CONSUMERS", "BAD"])
            args = ["XINFO", sub, key]
            if sub == "CONSUMERS":
                args.append(self.group())
            if sub == "STREAM" and rng.random() < 0.5:
                args.append("FULL")
                if rng.random() < 0.5:
                    args += ["COUNT", rng.choice([0, 1, 2, 5, -1, "x"])]
            return args
        if op == 20:
            args = ["XSETID", key, self.full_id()]
            if rng.random() < 0.4:
                args += ["ENTRIESADDED", rng.choice([0, 1, 5, 50, 1000, -1, "x"])]
            if rng.random() < 0.4:
                args += ["MAXDELETEDID", self.full_id()]
            return args
        return ["MULTI"]

    def step(self, in_multi=False):
        args = self.command()
        if args[0] == "MULTI":
            if not in_multi:
                self.multi_block(5)
            return
        if in_multi and args[0] == "XREAD" and self.rng.random() < 0.5:
            args[1:1] = ["BLOCK", 0]  # never blocks inside MULTI
        self.run(args)

    def round(self, r):
        rng = self.rng
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "stream-node-max-entries", rng.choice([1, 2, 3, 5, 100])])
        self.run(["CONFIG", "SET", "stream-node-max-bytes", rng.choice([0, 30, 100, 4096])])
        self.send(["HELLO", rng.choice([2, 2, 3])])  # the replies name each server
        self.run(["SET", "str", "s"])
        self.t = 0
        for k in KEYS[:2]:
            for g in GROUPS[:rng.randint(0, 2)]:
                self.run(["XGROUP", "CREATE", k, g, rng.choice(["0", "$"]), "MKSTREAM"])
        for _ in range(rng.randint(50, 300)):
            self.step()
        for k in KEYS:
            self.run(["XRANGE", k, "-", "+"])
            self.run(["XINFO", "STREAM", k, "FULL"], same_masked(b"XINFO"))


if __name__ == "__main__":
    main("stream", Fuzzer, 60,
         [["CONFIG", "SET", "stream-node-max-entries", 100],
          ["CONFIG", "SET", "stream-node-max-bytes", 4096]])
