#!/usr/bin/env python3
"""SCAN-family guarantee on both servers: every element present for the whole scan is
returned at least once, while the collection grows (past encoding changes and table splits)
and shrinks between calls. Covers SCAN, HSCAN, SSCAN and ZSCAN, small and big encodings."""
import os
import random
import sys
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_clients import KINDS, Conn, SideBySide  # noqa: E402


def parse(reply):
    """Decodes a RESP2 reply into Python values (bytes, int, None, lists)."""
    def one(pos):
        t = reply[pos:pos + 1]
        end = reply.index(b"\r\n", pos)
        head = reply[pos + 1:end]
        if t in (b"+", b"-"):
            return head, end + 2
        if t == b":":
            return int(head), end + 2
        if t == b"$":
            n = int(head)
            if n < 0:
                return None, end + 2
            return reply[end + 2:end + 2 + n], end + 4 + n
        if t == b"*":
            n = int(head)
            out, p = [], end + 2
            for _ in range(max(n, 0)):
                v, p = one(p)
                out.append(v)
            return out, p
        raise ValueError(reply[pos:pos + 20])

    return one(0)[0]


SCANS = {
    # kind: (populate command builder, scan command, element extractor)
    "scan": (lambda key, m: ["SET", m, "v"], lambda key, cur: ["SCAN", cur, "COUNT", "50"],
             lambda items: items),
    "hash": (lambda key, m: ["HSET", key, m, "v"], lambda key, cur: ["HSCAN", key, cur],
             lambda items: items[0::2]),
    "set": (lambda key, m: ["SADD", key, m], lambda key, cur: ["SSCAN", key, cur],
            lambda items: items),
    "zset": (lambda key, m: ["ZADD", key, "1", m], lambda key, cur: ["ZSCAN", key, cur],
             lambda items: items[0::2]),
}


class ScanGuaranteeTest(SideBySide):
    def check(self, kind, initial, seed):
        add, scan, members = SCANS[kind]
        for server in KINDS:
            rnd = random.Random(seed)
            c = Conn(self.procs[server].port)
            c.cmd("FLUSHALL")
            key = "coll"
            stable = [f"stable:{i}" for i in range(initial)]
            for m in stable:
                c.cmd(*add(key, m))
            transient = []
            seen = set()
            cursor = "0"
            steps = 0
            while True:
                reply = parse(c.cmd(*scan(key, cursor)))
                cursor = reply[0].decode()
                seen.update(x.decode() for x in members(reply[1]))
                steps += 1
                # Grow and shrink with elements that are not part of the guarantee.
                for _ in range(rnd.randint(0, 60)):
                    m = f"t:{rnd.randint(0, 10**9)}"
                    transient.append(m)
                    c.cmd(*add(key, m))
                for _ in range(min(len(transient), rnd.randint(0, 40))):
                    m = transient.pop(rnd.randrange(len(transient)))
                    c.cmd({"scan": "DEL", "hash": "HDEL", "set": "SREM", "zset": "ZREM"}[kind],
                          *([] if kind == "scan" else [key]), m)
                if cursor == "0" or steps > 100000:
                    break
            missing = [m for m in stable if m not in seen]
            self.assertEqual(missing, [], f"{server} {kind}: {len(missing)} stable elements missed")

    def test_keyspace_scan(self):
        self.check("scan", 3000, 1)

    def test_hscan_small_and_big(self):
        self.check("hash", 50, 2)
        self.check("hash", 3000, 3)

    def test_sscan_small_and_big(self):
        self.check("set", 50, 4)
        self.check("set", 3000, 5)

    def test_zscan_small_and_big(self):
        self.check("zset", 50, 6)
        self.check("zset", 3000, 7)


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main()
