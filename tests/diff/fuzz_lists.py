#!/usr/bin/env python3
"""Randomized differential test of the list commands against redis-server 7.0.15.

Each round picks a node size (list-max-listpack-size, small counts and byte limits) and a
compression depth, then sends the same random LPUSH/RPUSH/LPOP/RPOP/LINSERT/LSET/LREM/
LTRIM/LPOS/LRANGE/LINDEX/LMOVE/LMPOP commands (valid and malformed) to both servers on a
few keys (one of them a string, for WRONGTYPE), and compares every reply byte for byte,
plus each list's full contents at the end of the round. Small node limits make every
multi-node path (splits, merges, compressed interiors) run with short lists.

Usage: DUET_BIN=build/<dir>/duet-server fuzz_lists.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import I64_MAX, I64_MIN, DiffFuzzer, main

KEYS = ["l1", "l2", "l3", "str"]


class Fuzzer(DiffFuzzer):
    def key(self):
        return self.rng.choice(KEYS)

    def value(self):
        r = self.rng.random()
        if r < 0.4:
            return "v%d" % self.rng.randint(0, 15)
        if r < 0.7:
            return str(self.rng.randint(-300, 300))
        if r < 0.8:
            return self.rng.choice(["", "01", "-0", "1.5", str(I64_MAX), str(I64_MIN), str(2**63)])
        return "x" * self.rng.randint(10, 700)

    def index(self):
        r = self.rng.random()
        if r < 0.85:
            return self.rng.randint(-40, 40)
        return self.rng.choice([I64_MAX, I64_MIN, 2**63, "a", "", "1.5"])

    def count(self):
        r = self.rng.random()
        if r < 0.8:
            return self.rng.randint(0, 12)
        return self.rng.choice([-1, I64_MAX, "a", 2**63])

    def where(self):
        return self.rng.choice(["LEFT", "RIGHT", "left", "right"] * 5 + ["UP"])

    def command(self):
        rng = self.rng
        op = rng.randrange(14)
        if op <= 2:
            cmd = rng.choice(["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
            return [cmd, self.key()] + [self.value() for _ in range(rng.randint(1, 30))]
        if op == 3:
            args = [rng.choice(["LPOP", "RPOP"]), self.key()]
            return args + ([self.count()] if rng.random() < 0.6 else [])
        if op == 4:
            return ["LINSERT", self.key(), rng.choice(["BEFORE", "AFTER", "after", "x"]),
                    self.value(), self.value()]
        if op == 5:
            return ["LSET", self.key(), self.index(), self.value()]
        if op == 6:
            return ["LREM", self.key(), rng.choice([0, 1, 2, -1, -2, 5, -5]), self.value()]
        if op == 7:
            return ["LTRIM", self.key(), self.index(), self.index()]
        if op == 8:
            args = ["LPOS", self.key(), self.value()]
            for _ in range(rng.randint(0, 3)):
                opt = rng.choice(["RANK", "COUNT", "MAXLEN"])
                val = {"RANK": rng.choice([1, 2, -1, -3, 0]), "COUNT": rng.choice([0, 1, 3, -1]),
                       "MAXLEN": rng.choice([0, 5, 20, -1])}[opt]
                args += [opt, val]
            return args
        if op == 9:
            return ["LRANGE", self.key(), self.index(), self.index()]
        if op == 10:
            return ["LINDEX", self.key(), self.index()]
        if op == 11:
            if rng.random() < 0.3:
                return ["RPOPLPUSH", self.key(), self.key()]
            return ["LMOVE", self.key(), self.key(), self.where(), self.where()]
        if op == 12:
            keys = [self.key() for _ in range(rng.randint(1, 3))]
            args = ["LMPOP", len(keys)] + keys + [self.where()]
            return args + (["COUNT", self.count()] if rng.random() < 0.5 else [])
        return ["LLEN", self.key()]

    def round(self, r):
        rng = self.rng
        fill = rng.choice([1, 2, 3, 5, 16, -1, -2])
        depth = rng.choice([0, 0, 1, 2])
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "list-max-listpack-size", fill])
        self.run(["CONFIG", "SET", "list-compress-depth", depth])
        self.run(["SET", "str", "s"])
        for _ in range(rng.randint(50, 300)):
            self.run(self.command())
        for k in KEYS:
            self.run(["LRANGE", k, 0, -1])


if __name__ == "__main__":
    main("list", Fuzzer, 100,
         [["CONFIG", "SET", "list-max-listpack-size", -2],
          ["CONFIG", "SET", "list-compress-depth", 0]])
