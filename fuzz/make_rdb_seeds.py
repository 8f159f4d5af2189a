#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_rdb_load (fuzz/rdb_load_fuzz.cc) from a live duet-server:
the DUMP payload of one key of every type and encoding (streams with tombstones, several
nodes and consumer groups among them), each prefixed with mode byte 0, and the dump.rdb of
the whole dataset, prefixed with mode byte 1.

Usage: make_rdb_seeds.py OUT_DIR   (the server binary: $DUET_BIN or build/release/duet-server)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tests.lib.resp import RawConnection, encode, parse_tree  # noqa: E402
from tests.lib.servers import ServerProcess  # noqa: E402


def populate(cmd):
    cmd("SET", "str", "hello")
    cmd("SET", "int", "12345")
    cmd("SET", "lzf", "a" * 200)
    cmd("RPUSH", "list", "a", "1", "b", "-300", "c" * 40)
    cmd("RPUSH", "biglist", *[f"item-{i}" for i in range(300)])
    cmd("HSET", "hash", "f1", "v1", "f2", "22")
    cmd("HSET", "bighash", *[x for i in range(200) for x in (f"field{i}", str(i))])
    cmd("SADD", "iset", "1", "2", "300", "-70000", "5000000000")
    cmd("SADD", "sset", "a", "b", "c")
    cmd("ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c")
    cmd("ZADD", "bigzset", *[x for i in range(200) for x in (str(i * 0.5), f"m{i}")])
    cmd("XADD", "stream", "1-1", "a", "1", "b", "2")
    cmd("XADD", "stream", "1-2", "a", "3", "b", "4")
    cmd("XADD", "stream", "2-0", "other", "x")
    cmd("XDEL", "stream", "1-2")
    cmd("XGROUP", "CREATE", "stream", "g1", "0")
    cmd("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "stream", ">")
    cmd("XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "stream", ">")
    cmd("XGROUP", "CREATECONSUMER", "stream", "g1", "carol")
    for i in range(1, 260):
        cmd("XADD", "bigstream", f"{i}-{i % 3}", "field", f"value-{i}")
    cmd("XTRIM", "bigstream", "MAXLEN", "200")
    cmd("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM")
    cmd("SET", "ttl", "v", "EX", "1000")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    server = ServerProcess("duet")
    try:
        conn = RawConnection(server.port)

        def cmd(*args):
            conn.send(encode([a.encode() if isinstance(a, str) else a for a in args]))
            tree, _ = parse_tree(conn.read_reply())
            return tree

        populate(cmd)
        keys = [k.decode() for _, k in cmd("KEYS", "*")[1]]
        for k in sorted(keys):
            t, payload = cmd("DUMP", k)
            with open(os.path.join(out, f"payload-{k}"), "wb") as f:
                f.write(b"\x00" + payload)
        cmd("SAVE")
        with open(os.path.join(server.dir, "dump.rdb"), "rb") as f:
            image = f.read()
        with open(os.path.join(out, "file-all"), "wb") as f:
            f.write(b"\x01" + image)
    finally:
        server.stop()
    print(f"{len(keys) + 1} seeds in {out}")


if __name__ == "__main__":
    main()
