#!/usr/bin/env python3
"""Randomized differential test of the HyperLogLog commands against redis-server 7.0.15.

Each round picks an hll-sparse-max-bytes (0, tiny, around the default, large), so sparse
values, their promotion to dense inside PFADD, PFMERGE and PFDEBUG, and dense values all run;
then sends the same random PFADD (none, few or thousands of elements from a pool small
enough to repeat), PFCOUNT of one or several keys (missing ones too), PFMERGE (destination
existing, missing, among its sources), PFDEBUG GETREG/DECODE/ENCODING/TODENSE, string commands
that read or damage the value (GET, STRLEN, GETRANGE, SETRANGE, APPEND, SET), values built by
hand (sparse opcode runs that add up to 16384 registers or not, dense registers with any
6-bit value, stale or valid cached cardinalities, bad magic/encoding/length), wrong types and
arity errors to both servers, in RESP2 or (a third of the rounds) RESP3. Every reply is
compared byte for byte: the HLL commands have no randomness, so the stored strings (GET)
must be identical, including the sparse opcode layout and the cached cardinality.
One PFSELFTEST at the end (both reply +OK or the same error).

Known divergence the generated values avoid: a sparse value that ends in the first byte of an
XZERO. Redis reads the XZERO's second byte past the end of the string (the sds terminator)
and, when PFADD splits that opcode, writes one byte of the new opcodes there, where the next
PFADD reads it again; duet reads a missing byte as 0 and keeps nothing past the end.
Only values written by hand (SET, SETRANGE) can end that way.

Usage: DUET_BIN=build/<dir>/duet-server fuzz_hll.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
import struct

from fuzz_common import DiffFuzzer, main

HKEYS = ["h1", "h2", "h3"]
KEYS = HKEYS + ["str", "int", "list", "nokey"]
REGISTERS = 16384
DENSE_BYTES = REGISTERS * 6 // 8


class Fuzzer(DiffFuzzer):
    pool = 100  # distinct elements of this round: small pools repeat elements

    def key(self):
        return self.rng.choice(KEYS if self.rng.random() < 0.12 else HKEYS)

    def element(self):
        rng = self.rng
        r = rng.random()
        if r < 0.9:
            return "e%d" % rng.randint(0, self.pool)
        return rng.choice(["", b"\x00", b"\xff\r\n", "x" * rng.randint(1, 300),
                           str(rng.randint(-10**18, 10**18))])

    def elements(self):
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            return []
        if r < 0.85:
            return [self.element() for _ in range(rng.randint(1, 10))]
        # Enough new elements to cross the sparse limit (or fill a dense value).
        base = rng.randint(0, 10**6)
        return ["b%d" % (base + i) for i in range(rng.randint(50, 3000))]

    # ---- values built by hand ----

    def header(self, encoding):
        rng = self.rng
        card = rng.choice([0, 1, 1000, rng.randint(0, 2**56), 2**63 - 1])
        cached = struct.pack("<Q", card)
        if rng.random() < 0.6:  # the "cache invalid" bit (MSB of card[7])
            cached = cached[:7] + bytes([cached[7] | 0x80])
        return b"HYLL" + bytes([encoding]) + b"\x00\x00\x00" + cached

    def sparse_body(self):
        """Opcodes that cover exactly 16384 registers (most of the time) or not. Never ends
        in half an XZERO (see the module docstring)."""
        rng = self.rng
        ops, left = [], REGISTERS
        style = rng.random()
        while left > 0:
            r = rng.random()
            if r < 0.3:
                n = min(left, rng.randint(1, 64))
                ops.append(bytes([n - 1]))  # ZERO
            elif r < 0.45 or style < 0.2:
                n = min(left, rng.choice([rng.randint(1, 16384), rng.randint(65, 2000)]))
                ops.append(bytes([0x40 | ((n - 1) >> 8), (n - 1) & 0xFF]))  # XZERO
            else:
                n = min(left, rng.randint(1, 4))
                v = rng.choice([rng.randint(1, 5), rng.randint(1, 32), 32])
                ops.append(bytes([0x80 | ((v - 1) << 2) | (n - 1)]))  # VAL
            left -= n
        d = rng.random()
        if d < 0.08:
            ops.pop()  # too few registers
        elif d < 0.14:
            ops.append(rng.choice([b"\x00", b"\x80", b"\x7f\xff"]))  # too many registers
        elif d < 0.17:
            ops = []
        return b"".join(ops)

    def crafted(self):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            return self.header(1) + self.sparse_body()
        if r < 0.75:
            regs = bytes(rng.choice([0, 0, 0, rng.randint(0, 255)]) for _ in range(DENSE_BYTES))
            if rng.random() < 0.3:
                regs = bytes(rng.randint(0, 255) for _ in range(DENSE_BYTES))
            v = self.header(0) + regs
            if rng.random() < 0.1:
                v = v[:rng.choice([-1, 100])] if rng.random() < 0.5 else v + b"x"
            return v
        return rng.choice([b"HYLL", b"HYLL" + b"\x00" * 11, self.header(2) + b"\x00" * 20,
                           self.header(255), b"HYLX" + self.header(1)[4:] + b"\x7f\xff",
                           b"hyll" + self.header(1)[4:] + b"\x7f\xff", b"12345", b""])

    def strlen(self, key):
        reply = self.send(["STRLEN", key], self.conns[:1])[0]
        return int(reply[1:]) if reply[:1] == b":" else -1

    def value_of(self, key):
        return self.send(["GET", key], self.conns[:1])[0]

    # ---- commands ----

    def damage(self):
        rng = self.rng
        key = self.key()
        r = rng.random()
        if r < 0.45:
            # Header bytes mostly: magic, encoding, the cached cardinality and its flag.
            off = rng.choice([0, 3, 4, 4, 4, 5, 8, 14, 15, 15, rng.randint(16, 40),
                              rng.randint(16, DENSE_BYTES + 20)])
            val = rng.choice([b"\x00", b"\x01", b"\x02", b"\x80", b"\xff", b"\x7f", b"x"])
            if val in (b"\x7f", b"x") and off == self.strlen(key) - 1:
                val = b"\x00"  # not half an XZERO at the end (see the module docstring)
            self.run(["SETRANGE", key, off, val])
        elif r < 0.55:
            self.run(["APPEND", key, rng.choice(["", "x", "\x00\x00"])])
        elif r < 0.9:
            self.run(["SET", key, self.crafted()])
        else:
            # A copy of another HLL written back as a plain SET (same bytes, embstr/raw).
            src = rng.choice(HKEYS)
            v = self.value_of(src)
            if v.startswith(b"$") and not v.startswith(b"$-1"):
                body = v[v.index(b"\r\n") + 2:-2]
                self.run(["SET", key, body])

    def pfdebug(self):
        rng = self.rng
        sub = rng.choice(["GETREG", "DECODE", "ENCODING", "TODENSE", "getreg", "decode",
                          "Encoding", "todense", "foo", ""])
        args = ["PFDEBUG", sub, self.key()]
        if rng.random() < 0.05:
            args = args[:rng.randint(1, 2)] + ([] if rng.random() < 0.5 else ["x", "y"])
        self.run(args)

    def arity(self):
        rng = self.rng
        self.run(rng.choice([["PFADD"], ["PFCOUNT"], ["PFMERGE"], ["PFSELFTEST", "x"],
                             ["PFDEBUG", "ENCODING"], ["PFDEBUG"],
                             ["PFDEBUG", "ENCODING", "h1", "h2"]]))

    def step(self, in_multi=False):
        rng = self.rng
        op = rng.randrange(24)
        if op <= 6:
            args = ["PFADD", self.key()] + self.elements()
        elif op <= 9:
            args = ["PFCOUNT", self.key()]
        elif op == 10:
            args = ["PFCOUNT"] + [self.key() for _ in range(rng.randint(2, 4))]
        elif op <= 12:
            dest = self.key()
            srcs = [self.key() for _ in range(rng.randint(0, 3))]
            if rng.random() < 0.2:
                srcs.insert(rng.randint(0, len(srcs)), dest)
            args = ["PFMERGE", dest] + srcs
        elif op == 13:
            return self.pfdebug()
        elif op == 14:
            args = rng.choice([["GET", self.key()], ["STRLEN", self.key()],
                               ["OBJECT", "ENCODING", self.key()], ["TYPE", self.key()]])
        elif op == 15:
            args = ["GETRANGE", self.key(), rng.randint(-20, 20), rng.choice([-1, 15, 40, 100])]
        elif op == 16:
            args = rng.choice([["COPY", self.key(), self.key()] + ["REPLACE"] * rng.randint(0, 1),
                               ["RENAME", self.key(), self.key()], ["DEL", self.key()],
                               ["EXPIRE", self.key(), 100]])
        elif op == 17:
            args = ["CONFIG", "SET", "hll-sparse-max-bytes",
                    rng.choice([0, 1, 40, 100, 300, 3000, 20000])]
        elif op == 18:
            return self.arity()
        elif in_multi:
            args = ["PFCOUNT", self.key()]
        elif op <= 20:
            return self.damage()
        elif op == 21:
            return self.run(["GET", rng.choice(HKEYS)])
        else:
            return self.multi_block(5)
        self.run(args)

    def round(self, r):
        rng = self.rng
        self.pool = rng.choice([3, 20, 100, 1000, 100000])
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "hll-sparse-max-bytes",
                  rng.choice([0, 1, 20, 60, 100, 300, 3000, 3000, 3000, 20000])])
        self.send(["HELLO", rng.choice([2, 2, 3])])  # the replies name each server
        self.run(["SET", "str", "not an hll"])
        self.run(["SET", "int", "12345"])
        self.run(["RPUSH", "list", "a"])
        for _ in range(rng.randint(30, 150)):
            self.step()
        for k in HKEYS:
            self.run(["GET", k])
            self.run(["PFCOUNT", k])
            self.run(["PFDEBUG", "ENCODING", k])
            self.run(["GET", k])


if __name__ == "__main__":
    main("hll", Fuzzer, 30, [["CONFIG", "SET", "hll-sparse-max-bytes", 3000], ["PFSELFTEST"]])
