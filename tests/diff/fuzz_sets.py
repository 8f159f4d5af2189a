#!/usr/bin/env python3
"""Randomized differential test of the set commands against redis-server 7.0.15.

Each round picks a small set-max-intset-entries (7.0 has no set-max-listpack-*), so intsets,
their width upgrades (16/32/64-bit members) and the conversion to a hashtable all run, then
sends the same random SADD/SREM/SISMEMBER/SMISMEMBER/SCARD/SMEMBERS/SPOP/SRANDMEMBER/SMOVE/
SINTER/SINTERCARD/SINTERSTORE/SUNION/SUNIONSTORE/SDIFF/SDIFFSTORE/SSCAN commands, key commands
and MULTI/EXEC blocks to both servers, on a few keys (one a string, one a hash, for WRONGTYPE),
in RESP2 or (a third of the rounds) RESP3.
Members lean on integer-looking strings and INT64 edges. Replies are compared byte for byte
where Redis's order is deterministic (SMEMBERS of an intset: sorted), as multisets where it is
not (hashtable SMEMBERS, SINTER/SUNION/SDIFF), and by shape only for SRANDMEMBER and SPOP;
after a SPOP that popped different members, both servers' copies of the key are rebuilt from
Redis's. Each key's contents and encoding are compared after every round.

Usage: DUET_BIN=build/<dir>/duet-server fuzz_sets.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import I64_MAX, I64_MIN, DiffFuzzer, elements, main, sorted_elements

SKEYS = ["s1", "s2", "s3"]
KEYS = SKEYS + ["str", "hash", "nokey"]
INTISH = ["0", "-1", "1", "12345678901234567890", "007", " 1", "1e3", "-0", "+1", "1.5",
          str(I64_MAX), str(I64_MIN), str(I64_MAX + 1), str(I64_MIN - 1), "32767", "32768",
          "-32768", "-32769", "2147483647", "2147483648", "-2147483648", "-2147483649",
          "9" * 19, "1" * 30, "0x10", "1 "]


def same_sorted(redis, duet):
    return sorted_elements(redis) == sorted_elements(duet)


class Fuzzer(DiffFuzzer):
    def key(self):
        return self.rng.choice(KEYS if self.rng.random() < 0.12 else SKEYS)

    int_rate = 0.0  # rounds of integers only keep sets intsets for longer

    def member(self):
        rng = self.rng
        if rng.random() < self.int_rate:
            return rng.choice([str(rng.randint(-30, 30)), str(rng.randint(-30, 30)),
                               rng.choice(INTISH[:2] + INTISH[10:22]),
                               str(rng.randint(I64_MIN, I64_MAX))])
        r = rng.random()
        if r < 0.5:
            return str(rng.randint(-30, 30))
        if r < 0.65:
            return rng.choice(INTISH)
        if r < 0.7:
            return str(rng.randint(I64_MIN, I64_MAX))
        if r < 0.9:
            return "m%d" % rng.randint(0, 20)
        return rng.choice(["", b"\x00", b"\xff\r\n", "x" * rng.randint(1, 100)])

    def keys(self, n_max=3):
        return [self.key() for _ in range(self.rng.randint(1, n_max))]

    def members_of(self, key):
        reply = self.send(["SMEMBERS", key], self.conns[:1])[0]
        return set(elements(reply) or [])

    def random_reply(self, args):
        """SRANDMEMBER/SPOP by shape; True when both servers picked the same members."""
        distinct = args[0] == "SPOP" or (len(args) > 2 and isinstance(args[2], int) and args[2] > 0)
        return self.run_random(args, self.members_of(args[1]), distinct)

    def rebuild(self, key):
        """After SPOPs that removed different members: both servers get Redis's contents."""
        members = sorted(self.members_of(key))
        self.send(["DEL", key])
        if members:
            self.send(["SADD", key] + members)

    def spop(self):
        key = self.key()
        args = ["SPOP", key]
        if self.rng.random() < 0.7:
            args.append(self.rng.choice([0, 1, 2, 3, 5, 10, 100, -1, "x"]))
        if not self.random_reply(args):
            self.rebuild(key)
        self.run(["OBJECT", "ENCODING", key])

    def srandmember(self):
        args = ["SRANDMEMBER", self.key()]
        if self.rng.random() < 0.8:
            args.append(self.rng.choice([0, 1, 2, 3, 5, 10, 100, -1, -2, -5, -30, "x",
                                         I64_MIN, -I64_MAX]))
        if args[-1] == -I64_MAX and self.members_of(args[1]):
            args[-1] = -3  # a nonempty set would reply with 2^63 members
        self.random_reply(args)

    def smembers(self, key):
        """Sorted for an intset (exact), a multiset for a hashtable."""
        def unordered(redis, duet):
            enc = self.send(["OBJECT", "ENCODING", key], self.conns[:1])[0]
            return enc == b"$9\r\nhashtable\r\n" and same_sorted(redis, duet)
        self.run(["SMEMBERS", key], unordered)

    def scan(self):
        self.scan_compare("SSCAN", self.key(), ["1*", "*", "m*", "-*", "[0-9]"], set)

    def algebra(self):
        rng = self.rng
        cmd = rng.choice(["SINTER", "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE",
                          "SDIFFSTORE", "SINTERCARD"])
        keys = self.keys()
        if cmd == "SINTERCARD":
            args = [cmd, rng.choice([len(keys)] * 8 + [0, len(keys) + 1, "x"])] + keys
            if rng.random() < 0.4:
                args += ["LIMIT", rng.choice([0, 1, 2, 5, -1, "x"])]
            return self.run(args)
        if cmd.endswith("STORE"):
            dest = self.key()
            self.run([cmd, dest] + keys)
            return self.smembers(dest)
        self.run([cmd] + keys, same_sorted)

    def step(self, in_multi=False):
        rng = self.rng
        op = rng.randrange(22)
        if op <= 5:
            args = ["SADD", self.key()] + [self.member() for _ in range(rng.randint(1, 10))]
        elif op <= 7:
            args = ["SREM", self.key()] + [self.member() for _ in range(rng.randint(1, 4))]
        elif op == 8:
            args = ["SISMEMBER", self.key(), self.member()]
        elif op == 9:
            args = ["SMISMEMBER", self.key()] + [self.member() for _ in range(rng.randint(1, 5))]
        elif op == 10:
            args = [rng.choice(["SCARD", "TYPE", "EXISTS"]), self.key()]
        elif op == 11:
            args = ["SMOVE", self.key(), self.key(), self.member()]
        elif op == 12:
            args = ["OBJECT", "ENCODING", self.key()]
        elif op == 13:
            args = rng.choice([["COPY", self.key(), self.key()] + ["REPLACE"] * rng.randint(0, 1),
                               [rng.choice(["RENAME", "RENAMENX"]), self.key(), self.key()],
                               ["EXPIRE", self.key(), rng.choice([100, 0])],
                               ["PERSIST", self.key()], ["DEL", self.key()]])
        elif op == 14:
            args = ["CONFIG", "SET", "set-max-intset-entries", rng.choice([1, 4, 512])]
        elif in_multi:
            args = ["SCARD", self.key()]
        elif op == 15:
            return self.smembers(self.key())
        elif op == 16:
            return self.spop()
        elif op == 17:
            return self.srandmember()
        elif op == 18:
            return self.scan()
        elif op <= 20:
            return self.algebra()
        else:
            return self.multi_block(6)
        self.run(args)

    def round(self, r):
        rng = self.rng
        self.int_rate = rng.choice([0, 0.9, 0.99])
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "set-max-intset-entries",
                  rng.choice([0, 1, 2, 4, 8, 16, 512, 512])])
        self.send(["HELLO", rng.choice([2, 2, 3])])  # the replies name each server
        self.run(["SET", "str", "s"])
        self.run(["HSET", "hash", "a", "1"])
        for _ in range(rng.randint(50, 300)):
            self.step()
        for k in SKEYS:
            self.smembers(k)
            self.run(["OBJECT", "ENCODING", k])


if __name__ == "__main__":
    main("set", Fuzzer, 40, [["CONFIG", "SET", "set-max-intset-entries", 512]])
