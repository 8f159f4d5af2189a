#!/usr/bin/env python3
"""Randomized differential test of the bitmap commands against redis-server 7.0.15.

Builds random strings (SET and BITFIELD SET), then sends the same random SETBIT / GETBIT /
BITCOUNT / BITPOS / BITOP / BITFIELD / BITFIELD_RO commands (valid and malformed) to both
servers and compares every reply byte for byte, plus each key's first 48 bytes after every
round. Write offsets stay small so neither server allocates large strings.

Usage: DUET_BIN=build/<dir>/duet-server fuzz_bitmaps.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import I64_MAX, I64_MIN, DiffFuzzer, main



class Fuzzer(DiffFuzzer):
    # Argument generators: mostly valid, some malformed.
    def index(self):
        r = self.rng.random()
        if r < 0.5:
            return self.rng.randint(-20, 20)
        if r < 0.7:
            return self.rng.randint(-400, 400)
        if r < 0.8:
            return self.rng.choice([I64_MAX, I64_MIN, 2**31, 2**32, -2**32, 2**62, 2**64, "a", "",
                                    "1.5", "+1", "01", "-0"])
        return self.rng.randint(I64_MIN, I64_MAX)

    def unit(self):
        return self.rng.choice(["BYTE", "BIT", "bit", "byte", "BITS", "x"])

    def ftype(self):
        if self.rng.random() < 0.97:
            sign = self.rng.choice("iu")
            return sign + str(self.rng.randint(1, 64 if sign == "i" else 63))
        return self.rng.choice(["i0", "u64", "i65", "x8", "I8", "U8", "i", "u", "i08", "i-1", ""])

    def offset(self, write):
        r = self.rng.random()
        if r < 0.7:
            return self.rng.randint(0, 200)
        if r < 0.95:
            return "#" + str(self.rng.randint(0, 20))
        bad = [-1, "#-1", "a", "#", 4294967296, "#2305843009213693952", "1.0"]
        if not write:  # valid but huge: fine to read, too big to write in a test
            bad += [4294967295, "#536870911"]
        return self.rng.choice(bad)

    def value(self):
        r = self.rng.random()
        if r < 0.4:
            return self.rng.randint(-300, 300)
        if r < 0.7:
            return self.rng.choice([I64_MIN + self.rng.randint(0, 2**self.rng.randint(0, 63)),
                                    I64_MAX, I64_MIN, 2**31, -2**31, 2**62, 127, 128, -128, -129,
                                    255, 256, 2**32 - 1, 2**63 - 2])
        if r < 0.98:
            return self.rng.randint(I64_MIN, I64_MAX)
        return self.rng.choice(["a", "", "1e3", 2**64])

    def command(self, keys):
        rng = self.rng
        k = rng.choice(keys)
        op = rng.randint(0, 7)
        if op == 0:
            off = rng.randint(0, 300) if rng.random() < 0.85 else rng.choice(
                [rng.randint(-5, 5), "a", 4294967296, I64_MAX, "#1", I64_MIN])
            return ["SETBIT", k, off, rng.choice([0, 1] * 8 + [2, -1, "a", ""])]
        if op == 1:
            return ["GETBIT", k, rng.choice([rng.randint(0, 300), self.index()])]
        if op == 2:
            n = rng.choice([0, 2, 2, 2, 3, 3, 1, 4])
            return (["BITCOUNT", k] + [self.index() for _ in range(min(n, 2))] +
                    ([self.unit()] if n >= 3 else []) + (["x"] if n == 4 else []))
        if op == 3:
            n = rng.choice([0, 1, 2, 2, 3, 3, 4])
            return (["BITPOS", k, rng.choice([0, 1, 0, 1, 2, "a"])] +
                    [self.index() for _ in range(min(n, 2))] +
                    ([self.unit()] if n >= 3 else []) + (["x"] if n == 4 else []))
        if op == 4:
            return (["BITOP", rng.choice(["AND", "OR", "XOR", "NOT", "not", "nand"]),
                     rng.choice(keys)] +
                    [rng.choice(keys) for _ in range(rng.choice([1, 1, 2, 3, 0]))])
        cmd = [rng.choice(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k]
        for _ in range(rng.randint(0, 5)):
            r = rng.random()
            if r < 0.3:
                cmd += ["GET", self.ftype(), self.offset(False)]
            elif r < 0.55:
                cmd += ["SET", self.ftype(), self.offset(True), self.value()]
            elif r < 0.8:
                cmd += ["INCRBY", self.ftype(), self.offset(True), self.value()]
            elif r < 0.95:
                cmd += ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL", "fail", "sat", "bad"])]
            else:
                cmd += [rng.choice(["GET", "SET", "INCRBY", "OVERFLOW", "foo"])]
        return cmd

    def round(self, tag):
        rng = self.rng
        keys = [f"f{tag}_{i}" for i in range(4)]
        if rng.random() < 0.5:
            size = rng.choice([0, 0, 1, 5, 17, 40])
            self.run(["SET", keys[0], bytes(rng.randint(0, 255) for _ in range(size))])
            self.run(["SET", keys[3], str(rng.randint(-1000, 100000))])
        for k in keys[1:3]:
            n = rng.randint(0, 24)
            if n:
                args = ["BITFIELD", k]
                for i in range(n):
                    args += ["SET", "u8", f"#{i}", rng.choice([0, 255, rng.randint(0, 255)])]
                self.run(args)
        for _ in range(30):
            self.run(self.command(keys))
        for k in keys:
            self.run(["BITFIELD_RO", k] + sum((["GET", "u8", f"#{i}"] for i in range(48)), []))


if __name__ == "__main__":
    main("bitmap", Fuzzer, 200)
