#!/usr/bin/env python3
"""Randomized differential test of the geo commands against redis-server 7.0.15.

Each round picks a small zset-max-listpack-entries (so geo sets are listpacks or skiplists and
convert while members are added), places members in a few clusters (near the poles' limits
±85.05112878, the antimeridian ±180, the origin, or anywhere), then sends the same random
GEOADD (NX/XX/CH, coordinates at and past the limits, non-numbers), GEOPOS, GEOHASH, GEODIST
(every unit), GEOSEARCH/GEOSEARCHSTORE (FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, ASC/DESC,
COUNT [ANY], WITHCOORD/WITHDIST/WITHHASH, STOREDIST), GEORADIUS/GEORADIUSBYMEMBER and their _RO
forms (STORE/STOREDIST), ZSCORE/ZRANGE WITHSCORES of geo keys, bad options, wrong types and
arity errors to both servers, in RESP2 or (a third of the rounds) RESP3.
Every reply is compared byte for byte, floats included (distances and coordinates are
printed by both with the same precision, scores are 52-bit geohashes), and so is the order
of unsorted searches (Redis's order of the geohash boxes it scans) and of equally distant
members (a third of the rounds put members on a 0.1 degree grid, so many are).

Usage: DUET_BIN=build/<dir>/duet-server fuzz_geo.py [seed] [rounds]
Exits 1 on any mismatch (the first 15 are printed with their command).
"""
from fuzz_common import DiffFuzzer, main

GKEYS = ["g1", "g2", "g3"]
DESTS = ["d1", "d2"]
KEYS = GKEYS + ["str", "list", "nokey"]
LAT_MAX = 85.05112878
BAD_NUMBERS = ["abc", "", " 1", "1 ", "0x10", "inf", "-inf", "nan", "1e400", "1,5", "--1"]
UNITS = ["m", "km", "mi", "ft", "M", "Km", "FT", "Mi"]
# Places members cluster around: (lon, lat, spread in degrees).
CENTERS = [(0, 0, 1), (13.36, 38.11, 0.5), (179.9, 0, 0.5), (-179.9, 10, 0.5),
           (0, 85.0, 0.1), (-120, -85.0, 0.1), (0, 0, 180)]


class Fuzzer(DiffFuzzer):
    center = CENTERS[0]
    pool = 20
    added = []  # members GEOADD was given (FROMMEMBER and GEODIST pick these mostly)
    grid = False  # positions rounded to 0.1 degree: many members equally distant (ties)
    bad_rate = 0.0  # chance of a coordinate pair at or past the limits in this GEOADD

    def key(self):
        r = self.rng.random()
        if r < 0.1:
            return self.rng.choice(KEYS)
        return "g1" if r < 0.6 else self.rng.choice(GKEYS)

    def member(self):
        rng = self.rng
        r = rng.random()
        if r < 0.6 and self.added:
            return rng.choice(self.added)
        if r < 0.97:
            return "m%d" % rng.randint(0, self.pool)
        return rng.choice(["", b"\x00", "nosuch", "x" * 100])

    def num(self, x):
        """A coordinate as a string with 0 to 17 digits, sometimes in exponent form."""
        rng = self.rng
        r = rng.random()
        if r < 0.1:
            return repr(x)
        if r < 0.15:
            return "%e" % x
        return "%.*f" % (rng.randint(0, 10), x)

    def lonlat(self):
        rng = self.rng
        r = rng.random()
        if r < self.bad_rate:
            # The limits, just past them, and things that are not numbers.
            lon = rng.choice(["180", "-180", "180.0000001", "-180.0000001", "179.99999999",
                              "0", "-0", "200"] + BAD_NUMBERS[:4])
            lat = rng.choice([str(LAT_MAX), str(-LAT_MAX), "85.05112879", "-85.05112879",
                              "85.051128779", "85.0511287798", "90", "0"] + BAD_NUMBERS[:4])
            return lon, lat
        if r < 0.1:
            return rng.choice(["180", "-180"]), self.num(rng.uniform(-LAT_MAX, LAT_MAX))
        if r < 0.16:
            return self.num(rng.uniform(-180, 180)), rng.choice([str(LAT_MAX), str(-LAT_MAX)])
        lon0, lat0, spread = self.center
        lon = max(-180, min(180, rng.uniform(lon0 - spread, lon0 + spread)))
        lat = max(-LAT_MAX, min(LAT_MAX, rng.uniform(lat0 - spread, lat0 + spread)))
        if self.grid:
            lon, lat = round(lon, 1), round(lat, 1)
        return self.num(lon), self.num(lat)

    def unit(self):
        rng = self.rng
        return rng.choice(UNITS if rng.random() < 0.97 else ["meters", "", "kM "])

    TO_METERS = {"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}

    def radius(self, unit="m"):
        """A radius (or box side) in unit: mostly between 300 m and 10000 km."""
        rng = self.rng
        r = rng.random()
        if r < 0.03:
            return rng.choice(["-1", "abc", "", "inf", "nan", "1e400"])
        if r < 0.1:
            return rng.choice(["0", "0.0", "1e-9", "20037726", "40000000"])
        meters = 10 ** rng.uniform(2.5, 7)
        return self.num(meters / self.TO_METERS.get(unit.lower(), 1))

    def count(self):
        """COUNT n [ANY] options (or none)."""
        rng = self.rng
        if rng.random() < 0.6:
            return []
        out = ["COUNT", rng.choice([1, 2, 3, 5, 10, 100, 0, -1, "x"])]
        if rng.random() < 0.3:
            out.append("ANY")
        return out

    def with_opts(self):
        rng = self.rng
        opts = [o for o in ["WITHCOORD", "WITHDIST", "WITHHASH"] if rng.random() < 0.35]
        if rng.random() < 0.5:
            opts.append(rng.choice(["ASC", "DESC"]))
        opts += self.count()
        if rng.random() < 0.02:
            opts.append(rng.choice(["ANY", "BYRADIUS", "foo", "STORE"]))
        rng.shuffle(opts) if rng.random() < 0.2 else None
        return opts

    # ---- commands ----

    def geoadd(self):
        rng = self.rng
        args = ["GEOADD", self.key()]
        if rng.random() < 0.3:
            args += rng.sample(["NX", "XX", "CH"], rng.randint(1, 2))
        n = rng.choice([1, 1, 2, 3, 5, 10, 40, 40 if self.pool < 1000 else 400])
        self.bad_rate = 0.3 / n if rng.random() < 0.15 else 0
        members = []
        for _ in range(n):
            members.append("m%d" % rng.randint(0, self.pool) if rng.random() < 0.8
                           else self.member())
            args += list(self.lonlat()) + [members[-1]]
        self.bad_rate = 0.0
        if rng.random() < 0.02:
            args = args[:-1]  # odd arity
        if self.run(args)[:1] == b":":
            self.added += members

    def from_by(self, store=False):
        rng = self.rng
        args = []
        if rng.random() < 0.5:
            args += ["FROMMEMBER", self.member()]
        else:
            args += ["FROMLONLAT"] + list(self.lonlat())
        unit = self.unit()
        if rng.random() < 0.5:
            args += ["BYRADIUS", self.radius(unit), unit]
        else:
            args += ["BYBOX", self.radius(unit), self.radius(unit), unit]
        if rng.random() < 0.03:
            args = args[:rng.randint(0, len(args))]  # missing parts
        if rng.random() < 0.02:
            args += ["FROMMEMBER", self.member()]  # given twice
        return args

    def geosearch(self):
        rng = self.rng
        if rng.random() < 0.7:
            args = ["GEOSEARCH", self.key()] + self.from_by() + self.with_opts()
        else:
            args = ["GEOSEARCHSTORE", rng.choice(DESTS + GKEYS + ["str"]), self.key()]
            args += self.from_by()
            opts = [o for o in self.with_opts() if rng.random() < 0.2 or
                    o not in ("WITHCOORD", "WITHDIST", "WITHHASH")]
            if rng.random() < 0.5:
                opts.append("STOREDIST")
            args += opts
        self.run(args)
        if args[0] == "GEOSEARCHSTORE":
            self.run(["ZRANGE", args[1], 0, -1, "WITHSCORES"])

    def georadius(self):
        rng = self.rng
        cmd = rng.choice(["GEORADIUS", "GEORADIUSBYMEMBER", "GEORADIUS_RO",
                          "GEORADIUSBYMEMBER_RO"])
        args = [cmd, self.key()]
        args += [self.member()] if "MEMBER" in cmd else list(self.lonlat())
        unit = self.unit()
        args += [self.radius(unit), unit] + self.with_opts()
        store = None
        if rng.random() < 0.3:
            store = rng.choice(DESTS + GKEYS + ["str"])
            args += [rng.choice(["STORE", "STOREDIST", "STORE", "STOREDIST", "store"]), store]
            if rng.random() < 0.3:
                args += [rng.choice(["STORE", "STOREDIST"]), rng.choice(DESTS)]
        self.run(args)
        if store:
            self.run(["ZRANGE", store, 0, -1, "WITHSCORES"])

    def arity(self):
        rng = self.rng
        self.run(rng.choice([["GEOADD"], ["GEOADD", "g1"], ["GEOADD", "g1", 1, 2],
                             ["GEODIST", "g1", "m1"], ["GEOHASH"], ["GEOPOS"],
                             ["GEOSEARCH", "g1"], ["GEOSEARCHSTORE", "d1", "g1"],
                             ["GEORADIUS", "g1", 1, 2, 3], ["GEORADIUSBYMEMBER", "g1", "m1", 3],
                             ["GEORADIUS_RO", "g1", 1, 2], ["GEORADIUSBYMEMBER_RO", "g1", "m1"],
                             ["GEODIST", "g1", "m1", "m2", "km", "x"]]))

    def step(self, in_multi=False):
        rng = self.rng
        op = rng.randrange(22)
        if op <= 4:
            return self.geoadd()
        if op == 5:
            args = ["GEOPOS", self.key()] + [self.member() for _ in range(rng.randint(0, 5))]
        elif op == 6:
            args = ["GEOHASH", self.key()] + [self.member() for _ in range(rng.randint(0, 5))]
        elif op <= 8:
            args = ["GEODIST", self.key(), self.member(), self.member()]
            if rng.random() < 0.8:
                args.append(self.unit())
        elif op <= 11:
            return self.geosearch()
        elif op <= 13:
            return self.georadius()
        elif op == 14:
            args = rng.choice([["ZSCORE", self.key(), self.member()],
                               ["ZRANGE", self.key(), 0, -1, "WITHSCORES"],
                               ["ZREM", self.key(), self.member()],
                               ["ZCARD", self.key()], ["OBJECT", "ENCODING", self.key()]])
        elif op == 15:
            args = ["ZADD", self.key(), rng.choice([0, -1, 1e15, 4503599627370495,
                                                    4503599627370496, 2**53, "inf", 3.5,
                                                    "-inf"]), self.member()]
        elif op == 16 and rng.random() < 0.5:
            args = rng.choice([["COPY", self.key(), self.key()] + ["REPLACE"] * rng.randint(0, 1),
                               ["RENAME", self.key(), self.key()], ["DEL", self.key()],
                               ["EXPIRE", self.key(), 100]])
        elif op <= 17:
            args = ["CONFIG", "SET", "zset-max-listpack-entries", rng.choice([0, 1, 4, 16, 128])]
        elif op == 18:
            if rng.random() < 0.3:
                return self.arity()
            return self.geosearch()
        elif op == 19:
            self.center = rng.choice(CENTERS)
            return
        elif in_multi:
            args = ["GEOPOS", self.key(), self.member()]
        else:
            return self.multi_block(5)
        self.run(args)

    def round(self, r):
        rng = self.rng
        self.pool = rng.choice([5, 20, 100, 300, 300, 3000])
        self.center = rng.choice(CENTERS)
        self.grid = rng.random() < 0.3
        self.added = []
        self.run(["FLUSHALL"])
        self.run(["CONFIG", "SET", "zset-max-listpack-entries",
                  rng.choice([0, 1, 4, 16, 128, 128])])
        self.send(["HELLO", rng.choice([2, 2, 3])])  # the replies name each server
        self.run(["SET", "str", "s"])
        self.run(["RPUSH", "list", "a"])
        for k in GKEYS:  # a populated start, so searches find something
            args = ["GEOADD", k]
            for i in range(rng.randint(1, min(self.pool, 60))):
                args += list(self.lonlat()) + ["m%d" % rng.randint(0, self.pool)]
            if self.run(args)[:1] == b":":
                self.added += args[4::3]
        for _ in range(rng.randint(30, 150)):
            self.step()
        for k in GKEYS:
            self.run(["ZRANGE", k, 0, -1, "WITHSCORES"])
            self.run(["OBJECT", "ENCODING", k])


if __name__ == "__main__":
    main("geo", Fuzzer, 30, [["CONFIG", "SET", "zset-max-listpack-entries", 128]])
