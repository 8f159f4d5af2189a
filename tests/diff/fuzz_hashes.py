#!/usr/bin/env python3
"""Randomized differential test of the hash commands against redis-server 7.0.15.

Each round picks small hash-max-listpack-entries/-value limits (so small packed hashes, big
hashtable ones and the conversion between them all run), then sends the same random HSET/
HSETNX/HMSET/HGET/HMGET/HDEL/HEXISTS/HLEN/HSTRLEN/HKEYS/HVALS/HGETALL/HINCRBY/HINCRBYFLOAT/
HRANDFIELD/HSCAN commands, key commands (COPY/RENAME/MOVE/EXPIRE/PERSIST/TYPE/DEL), SORT with
->field patterns and MULTI/EXEC blocks to both servers, on a few keys (one a string, for
WRONGTYPE), in RESP2 or (a third of the rounds) RESP3. Fields and values lean on
integer-looking strings, INT64 edges, empty and binary strings and lengths around the -value
limit and the packed encoding's length headers. Replies are compared byte for byte, except:
HKEYS/HVALS/HGETALL of a hashtable-encoded hash (Redis's order is unspecified: multisets),
HSCAN (a full iteration on each server, compared as sets) and HRANDFIELD (random: count,
distinctness and membership only). Each key's contents and encoding are compared after
every round.

Usage: DUET_BIN=build/<dir>/duet-server fuzz_hashes.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import I64_MAX, I64_MIN, DiffFuzzer, as_bytes, main, pairs, sorted_elements

HKEYS = ["h1", "h2", "h3"]
KEYS = HKEYS + ["str"]
INTISH = ["0", "-1", "1", "12345678901234567890", "007", " 1", "1e3", "-0", "+1", "1.5",
          str(I64_MAX), str(I64_MIN), str(I64_MAX + 1), str(I64_MIN - 1), "127", "128", "-128",
          "-129", "32767", "32768", "-32769", "2147483647", "2147483648", "-2147483649",
          "9" * 19, "1" * 30, "4611686018427387904", "0x10", "1 "]


class Fuzzer(DiffFuzzer):
    value_limit = 64

    def key(self):
        return self.rng.choice(KEYS if self.rng.random() < 0.1 else HKEYS)

    def string(self):
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            return "f%d" % rng.randint(0, 30)
        if r < 0.65:
            return str(rng.randint(-40, 40))
        if r < 0.8:
            return rng.choice(INTISH)
        if r < 0.85:
            return rng.choice(["", b"\x00", b"\xff\x00\r\n", b"a\x00b"])
        if r < 0.95:  # around the value limit, or the packed encoding's length headers
            n = self.value_limit + rng.randint(-1, 1)
            if self.value_limit > 64 and rng.random() < 0.7:
                n = rng.choice([191, 192, 193, 255, 256, 65535, 65536])
            return "x" * max(0, n)
        return "y" * rng.randint(1, 300)

    def field(self):
        return self.string()

    def value(self):
        return self.string()

    def incr(self):
        r = self.rng.random()
        if r < 0.7:
            return str(self.rng.randint(-100, 100))
        return self.rng.choice([str(I64_MAX), str(I64_MIN), "1", "-1", str(I64_MAX + 1), "a", "",
                                "1.5", " 1", "007"])

    def fincr(self):
        r = self.rng.random()
        if r < 0.6:
            return repr(round(self.rng.uniform(-100, 100), self.rng.randint(0, 5)))
        return self.rng.choice(["1", "-0", "0", "1e3", "5.0e3", "1e308", "-1e308", "inf", "nan",
                                "abc", "", " 1", "1.7976931348623157e308", "3.0000000000000004",
                                "0.1", "1e-20", str(I64_MAX)])

    def hset_args(self, cmd):
        args = [cmd, self.key()]
        for _ in range(self.rng.randint(1, 10)):
            args += [self.field(), self.value()]
        if self.rng.random() < 0.03:
            args.append(self.field())  # odd argument count
        return args

    def random_cmd(self, key):
        """HRANDFIELD: random output, so only count, distinctness and membership count."""
        rng = self.rng
        args = ["HRANDFIELD", key]
        withvalues = False
        if rng.random() < 0.8:
            count = rng.choice([0, 1, 2, 3, 5, 10, 100, -1, -2, -5, -30, "x", I64_MIN])
            args.append(count)
            if rng.random() < 0.5:
                withvalues = True
                args.append(rng.choice(["WITHVALUES", "withvalues"]))
            elif rng.random() < 0.1:
                args += [rng.choice(["WITHVALUES", "WITHVALUE"]), "x"]
        elif rng.random() < 0.05:
            args += [-4611686018427387904, "WITHVALUES"]  # out of range with values
        content = self.send(["HGETALL", key], self.conns[:1])[0]
        field_map = dict(pairs(content) or [])
        distinct = len(args) > 2 and isinstance(args[2], int) and args[2] > 0
        self.run_random(args, field_map, distinct, withvalues)

    def read_all(self, cmd, key):
        """HGETALL/HKEYS/HVALS: exact order for a packed hash (insertion order, as Redis's
        listpack), multisets for a hashtable one."""
        def unordered(redis, duet):
            enc = self.send(["OBJECT", "ENCODING", key], self.conns[:1])[0]
            if enc != b"$9\r\nhashtable\r\n":
                return False
            fn = pairs if cmd == "HGETALL" else sorted_elements
            return fn(redis) == fn(duet)
        self.run([cmd, key], unordered)

    def scan(self, key):
        self.scan_compare("HSCAN", key, ["f1*", "*", "x*", "[0-9]*", "-*"],
                          lambda e: dict(zip(e[0::2], e[1::2])))

    def sort(self):
        rng = self.rng
        # l1 holds suffixes of the hash keys: SORT BY/GET h*->field reads them.
        by = [b"h*->" + as_bytes(self.field()), "h*->f1", "nosort", "h1->f2"]
        args = ["SORT", "l1", "BY", rng.choice(by)]
        for _ in range(rng.randint(0, 3)):
            get = ["#", b"h*->" + as_bytes(self.field()), "h*->f3", "h*->", "*->f1"]
            args += ["GET", rng.choice(get)]
        if rng.random() < 0.4:
            args.append("ALPHA")
        if rng.random() < 0.3:
            args.append("DESC")
        if rng.random() < 0.2:
            args += ["STORE", "sorted"]
        return args

    def command(self):
        rng = self.rng
        op = rng.randrange(26)
        if op <= 4:
            return self.hset_args(rng.choice(["HSET", "HSET", "HMSET"]))
        if op == 5:
            return ["HSETNX", self.key(), self.field(), self.value()]
        if op == 6:
            return ["HGET", self.key(), self.field()]
        if op == 7:
            return ["HMGET", self.key()] + [self.field() for _ in range(rng.randint(1, 5))]
        if op == 8:
            return ["HDEL", self.key()] + [self.field() for _ in range(rng.randint(1, 4))]
        if op == 9:
            return [rng.choice(["HEXISTS", "HSTRLEN"]), self.key(), self.field()]
        if op == 10:
            return [rng.choice(["HLEN", "TYPE", "OBJECT"]), self.key()]
        if op == 11:
            return ["HINCRBY", self.key(), self.field(), self.incr()]
        if op == 12:
            return ["HINCRBYFLOAT", self.key(), self.field(), self.fincr()]
        if op == 13:
            return [rng.choice(["HGETALL", "HKEYS", "HVALS"]), self.key()]
        if op == 14:
            return ["HRANDFIELD", self.key()]
        if op == 15:
            return ["HSCAN", self.key()]
        if op == 16:
            return ["OBJECT", "ENCODING", self.key()]
        if op == 17:
            args = ["COPY", self.key(), self.key()]
            if rng.random() < 0.5:
                args.append("REPLACE")
            if rng.random() < 0.2:
                args += ["DB", 1]
            return args
        if op == 18:
            return [rng.choice(["RENAME", "RENAMENX"]), self.key(), self.key()]
        if op == 19:
            return ["MOVE", self.key(), 1]
        if op == 20:
            return rng.choice([["EXPIRE", self.key(), rng.choice([100, 0, -1])],
                               ["PERSIST", self.key()], ["TTL", self.key()]])
        if op == 21:
            return ["DEL", self.key()] if rng.random() < 0.3 else ["HLEN", self.key()]
        if op == 22:
            return self.sort()
        if op == 23:
            return ["MULTI"]
        if op == 24:
            return ["CONFIG", "SET", "hash-max-listpack-entries", rng.choice([0, 1, 4, 128])]
        return ["HMGET", self.key(), "x" * self.value_limit, str(I64_MAX), "0"]

    def step(self, in_multi=False):
        args = self.command()
        if args[0] in ("HGETALL", "HKEYS", "HVALS") and not in_multi:
            return self.read_all(args[0], args[1])
        if args[0] == "HRANDFIELD":
            return None if in_multi else self.random_cmd(args[1])
        if args[0] == "HSCAN":
            return None if in_multi else self.scan(args[1])
        if args[0] == "OBJECT" and len(args) == 2:
            args = ["OBJECT", "ENCODING", args[1]]
        if args[0] == "MOVE":  # moved keys come back from db 1 (both ways exercised)
            self.run(args)
            self.run(["SELECT", 1])
            self.run(["MOVE", args[1], 0])
            self.run(["SELECT", 0])
            return None
        if args[0] == "MULTI":
            if in_multi:
                return None
            self.multi_block(6)
            return None
        if args[0] in ("HGETALL", "HKEYS", "HVALS"):  # in MULTI: order of a hashtable hash
            args = ["HLEN", args[1]]
        self.run(args)
        return None

    def round(self, r):
        rng = self.rng
        entries = rng.choice([0, 1, 2, 3, 8, 16, 128, 128, 128])
        self.value_limit = rng.choice([0, 1, 4, 8, 16, 64, 64, 64, 300, 70000])
        self.run(["FLUSHALL"])
        name = rng.choice(["hash-max-listpack", "hash-max-ziplist"])
        self.run(["CONFIG", "SET", name + "-entries", entries])
        self.run(["CONFIG", "SET", name + "-value", self.value_limit])
        self.send(["HELLO", rng.choice([2, 2, 3])])  # the replies name each server
        self.run(["SET", "str", "s"])
        self.run(["RPUSH", "l1", "1", "2", "3", "x"])
        for _ in range(rng.randint(50, 300)):
            self.step()
        for k in HKEYS:
            self.read_all("HGETALL", k)
            self.run(["OBJECT", "ENCODING", k])
            self.run(["TTL", k])


if __name__ == "__main__":
    main("hash", Fuzzer, 40,
         [["CONFIG", "SET", "hash-max-listpack-entries", 128],
          ["CONFIG", "SET", "hash-max-listpack-value", 64]])
