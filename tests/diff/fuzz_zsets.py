#!/usr/bin/env python3
"""Randomized differential test of the sorted-set commands against redis-server 7.0.15.

Each round picks listpack limits (zset-max-listpack-entries/value, small values so both
encodings and the conversions between them run), in some rounds preloads z1 with 300 or 3000
members (a deep order tree; ranks and members then reach into it), then sends the same
random ZADD (with NX/XX/GT/LT/CH/INCR), ZINCRBY, ZREM, ZRANGE (all forms and options),
ZCOUNT, ZRANK, ZSCORE, ZMSCORE, ZPOPMIN/ZPOPMAX, ZMPOP, ZREMRANGEBY*, ZRANGESTORE,
ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE, ZUNION/ZINTER/ZDIFF, ZINTERCARD commands (valid and
malformed), and now and then COPY/RENAME/MOVE/EXPIRE/PERSIST/DEL, ZRANDMEMBER (compared by
shape), ZSCAN (a full iteration, as a map), MULTI blocks or a limit change, to both servers
on a few keys (one a string, one a set), and compares every reply byte for byte, plus each
key's contents and encoding at the end of the round. Lex commands only touch the key "lx",
whose members all score 0 (Redis leaves lex ranges over mixed scores unspecified).

Usage: DUET_BIN=build/<dir>/duet-server fuzz_zsets.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import DiffFuzzer, main, pairs

KEYS = ["z1", "z2", "z3", "str", "set"]
ZKEYS = ["z1", "z2", "z3"]


class Fuzzer(DiffFuzzer):
    def key(self):
        return self.rng.choice(KEYS if self.rng.random() < 0.15 else ZKEYS)

    def member(self):
        if self.big and self.rng.random() < 0.3:
            return "p%d" % self.rng.randint(0, self.big)
        r = self.rng.random()
        if r < 0.6:
            return "m%d" % self.rng.randint(0, 40)
        if r < 0.8:
            return str(self.rng.randint(-50, 50))
        if r < 0.9:
            return self.rng.choice(["", "a", "b", "-0", "1.5", "9223372036854775807"])
        return "x" * self.rng.randint(1, 100)

    def score(self):
        r = self.rng.random()
        if r < 0.4:
            return str(self.rng.randint(-20, 20))
        if r < 0.6:
            return str(1700000000000 + self.rng.randint(0, 10**6))
        if r < 0.75:
            return repr(self.rng.uniform(-100, 100))
        if r < 0.95:
            return self.rng.choice(["inf", "-inf", "+inf", "0", "-0", "0.1", "1e15", "1e17",
                                    "4611686018427387904", "1e-5", "2.5", "1e300"])
        return self.rng.choice(["nan", "abc", "1e400", "", " 1", "1x"])

    def bound(self):
        r = self.rng.random()
        if r < 0.7:
            b = self.score()
            return ("(" + b) if self.rng.random() < 0.3 else b
        return self.rng.choice(["-inf", "+inf", "(5", "((1", "(", "nan", "x"])

    def lex(self):
        r = self.rng.random()
        if r < 0.8:
            return self.rng.choice(["[", "("]) + self.member()
        return self.rng.choice(["-", "+", "a", "", "+x"])

    big = 0  # members preloaded into z1 this round (deep order trees)

    def rank(self):
        if self.rng.random() < 0.9:
            return self.rng.randint(-15, 15)
        if self.big and self.rng.random() < 0.8:
            return self.rng.randint(-self.big - 5, self.big + 5)
        return self.rng.choice([2**63 - 1, -2**63, "a", "1.5"])

    def limit(self):
        if self.rng.random() < 0.5:
            return []
        return ["LIMIT", self.rng.choice([0, 1, 2, 5, -1, 30, "x"]),
                self.rng.choice([0, 1, 3, -1, -5, 100, "y"])]

    def command(self):
        rng = self.rng
        op = rng.randrange(20)
        if op <= 3:
            flags = [f for f in ["NX", "XX", "GT", "LT", "CH", "INCR"] if rng.random() < 0.12]
            n = 1 if "INCR" in flags and rng.random() < 0.9 else rng.randint(1, 12)
            args = ["ZADD", self.key()] + flags
            for _ in range(n):
                args += [self.score(), self.member()]
            return args
        if op == 4:
            return ["ZINCRBY", self.key(), self.score(), self.member()]
        if op == 5:
            return ["ZREM", self.key()] + [self.member() for _ in range(rng.randint(1, 4))]
        if op == 6:
            args = ["ZRANGE", self.key()]
            kind = rng.choice(["rank", "score", "lex"])
            if kind == "rank":
                args += [self.rank(), self.rank()]
            elif kind == "score":
                args += [self.bound(), self.bound(), "BYSCORE"]
            else:
                args = ["ZRANGE", "lx", self.lex(), self.lex(), "BYLEX"]
            if rng.random() < 0.4:
                args.append("REV")
            if rng.random() < 0.4:
                args.append("WITHSCORES")
            return args + self.limit()
        if op == 7:
            cmd = rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])
            args = [cmd, self.key(), self.bound(), self.bound()]
            if rng.random() < 0.5:
                args.append("WITHSCORES")
            return args + self.limit()
        if op == 8:
            cmd = rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT"])
            args = [cmd, "lx", self.lex(), self.lex()]
            return args + (self.limit() if cmd != "ZLEXCOUNT" else [])
        if op == 9:
            return [rng.choice(["ZREVRANGE", "ZRANGE"]), self.key(), self.rank(), self.rank(),
                    "WITHSCORES"]
        if op == 10:
            return ["ZCOUNT", self.key(), self.bound(), self.bound()]
        if op == 11:
            return [rng.choice(["ZRANK", "ZREVRANK", "ZSCORE"]), self.key(), self.member()]
        if op == 12:
            return ["ZMSCORE", self.key()] + [self.member() for _ in range(rng.randint(1, 4))]
        if op == 13:
            args = [rng.choice(["ZPOPMIN", "ZPOPMAX"]), self.key()]
            return args + ([rng.choice([0, 1, 2, 5, 200, -1, "x"])] if rng.random() < 0.6 else [])
        if op == 14:
            keys = [self.key() for _ in range(rng.randint(1, 3))]
            args = ["ZMPOP", len(keys)] + keys + [rng.choice(["MIN", "MAX", "max"])]
            return args + (["COUNT", rng.choice([1, 3, 50, 0])] if rng.random() < 0.5 else [])
        if op == 15:
            kind = rng.choice(["ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX"])
            if kind == "ZREMRANGEBYRANK":
                return [kind, self.key(), self.rank(), self.rank()]
            if kind == "ZREMRANGEBYSCORE":
                return [kind, self.key(), self.bound(), self.bound()]
            return [kind, "lx", self.lex(), self.lex()]
        if op == 16:
            args = ["ZRANGESTORE", self.key(), self.key(), self.rank(), self.rank()]
            if rng.random() < 0.3:
                args = ["ZRANGESTORE", self.key(), self.key(), self.bound(), self.bound(),
                        "BYSCORE"] + self.limit()
            return args
        if op in (17, 18):
            cmd = rng.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZUNION", "ZINTER",
                              "ZDIFF", "ZINTERCARD"])
            keys = [self.key() for _ in range(rng.randint(1, 3))]
            args = [cmd] + ([self.key()] if cmd.endswith("STORE") else []) + [len(keys)] + keys
            if cmd not in ("ZDIFF", "ZDIFFSTORE", "ZINTERCARD"):
                if rng.random() < 0.4:
                    args += ["WEIGHTS"] + [rng.choice(["1", "2", "-1", "0.5", "0", "inf"])
                                           for _ in keys]
                if rng.random() < 0.4:
                    args += ["AGGREGATE", rng.choice(["SUM", "MIN", "MAX"])]
            if cmd in ("ZUNION", "ZINTER", "ZDIFF") and rng.random() < 0.6:
                args.append("WITHSCORES")
            if cmd == "ZINTERCARD" and rng.random() < 0.5:
                args += ["LIMIT", rng.choice([0, 1, 2])]
            return args
        if op == 19:
            return ["ZADD", "lx", "0", self.member(), "0", self.member()]
        return ["ZCARD", self.key()]

    def extra(self):
        """Key commands on the (packed or big) sets, ZRANDMEMBER, ZSCAN, MULTI blocks and a
        mid-round limit change."""
        rng = self.rng
        op = rng.randrange(8)
        key, other = self.key(), self.key()
        if op == 0:
            return self.run(["COPY", key, other] + ["REPLACE"] * rng.randint(0, 1))
        if op == 1:
            return self.run([rng.choice(["RENAME", "RENAMENX"]), key, other])
        if op == 2:
            for args in (["MOVE", key, 1], ["SELECT", 1], ["MOVE", key, 0], ["SELECT", 0]):
                self.run(args)
            return None
        if op == 3:
            self.run(rng.choice([["EXPIRE", key, 100], ["PERSIST", key], ["DEL", key],
                                 ["TYPE", key]]))
            self.run(["TTL", key])
            return self.run(["OBJECT", "ENCODING", key])
        if op == 4:
            args = ["ZRANDMEMBER", key]
            if rng.random() < 0.8:
                args.append(rng.choice([0, 1, 2, 5, 50, -1, -3, -20, "x"]))
                if rng.random() < 0.5:
                    args.append("WITHSCORES")
            content = self.send(["ZRANGE", key, 0, -1, "WITHSCORES"], self.conns[:1])[0]
            population = dict(pairs(content) or [])
            distinct = len(args) > 2 and isinstance(args[2], int) and args[2] > 0
            return self.run_random(args, population, distinct, "WITHSCORES" in args)
        if op == 5:
            return self.scan_compare("ZSCAN", key, ["m1*", "*", "-*", "[0-9]*"],
                                     lambda e: dict(zip(e[0::2], e[1::2])))
        if op == 6:
            self.run(["MULTI"])
            for _ in range(rng.randint(0, 5)):
                self.run(self.command())
            return self.run([rng.choice(["EXEC", "EXEC", "DISCARD"])])
        return self.run(["CONFIG", "SET", "zset-max-listpack-entries", rng.choice([0, 2, 128])])

    def round(self, r):
        rng = self.rng
        entries = rng.choice([0, 1, 3, 8, 128])
        value = rng.choice([2, 10, 64])
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "zset-max-listpack-entries", entries])
        self.run(["CONFIG", "SET", "zset-max-listpack-value", value])
        self.run(["SET", "str", "s"])
        self.run(["SADD", "set", "m1", "m2", "3", "a"])
        self.big = rng.choice([0, 0, 0, 300, 3000])
        if self.big:  # equal scores (order by member) and distinct ones, interleaved
            args = ["ZADD", "z1"]
            for i in range(self.big):
                args += [rng.choice([str(i % 7), str(rng.randint(-10**6, 10**6))]), "p%d" % i]
            self.run(args)
        for _ in range(rng.randint(50, 300)):
            if rng.random() < 0.12:
                self.extra()
            else:
                self.run(self.command())
        for k in ZKEYS + ["lx"]:
            self.run(["ZRANGE", k, 0, -1, "WITHSCORES"])
            self.run(["OBJECT", "ENCODING", k])


if __name__ == "__main__":
    main("zset", Fuzzer, 100,
         [["CONFIG", "SET", "zset-max-listpack-entries", 128],
          ["CONFIG", "SET", "zset-max-listpack-value", 64]])
