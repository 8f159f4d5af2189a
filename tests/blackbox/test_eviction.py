#!/usr/bin/env python3
"""maxmemory against the real binary: fill past the limit under each policy and check which
keys survive; noeviction's -OOM and recovery after DEL; the deploy/cache.conf instance; and
INFO memory/stats and MEMORY STATS field names against redis-server 7.0.15."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import RawConnection, encode  # noqa: E402
from lib.servers import ROOT, ServerProcess, duet_binary, free_port  # noqa: E402

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
VALUE = "x" * 100


class Client:
    """Pipelined commands over RawConnection; replies as bytes."""

    def __init__(self, port, password=None):
        self.c = RawConnection(port, timeout=20)
        if password:
            assert self.call("AUTH", password) == b"+OK\r\n"

    def call(self, *args):
        self.c.send(encode([str(a) for a in args]))
        return self.c.read_reply()

    def pipeline(self, commands, batch=500):
        out = []
        for i in range(0, len(commands), batch):
            chunk = commands[i:i + batch]
            self.c.send(b"".join(encode([str(a) for a in cmd]) for cmd in chunk))
            out += [self.c.read_reply() for _ in chunk]
        return out

    def int(self, *args):
        r = self.call(*args)
        assert r[:1] == b":", r
        return int(r[1:-2])

    def info(self, section):
        r = self.call("INFO", section)
        text = r[r.index(b"\r\n") + 2:].decode()
        fields = {}
        for line in text.split("\r\n"):
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                fields[k] = v
        return fields

    def close(self):
        self.c.close()


def bulk_names(reply):
    """Top-level names of a RESP2 MEMORY STATS reply (nested db.N arrays skipped)."""
    lines = reply.split(b"\r\n")
    names, i, expect_name = [], 1, True
    while i < len(lines) - 1:
        t = lines[i][:1]
        if t == b"$":
            if expect_name:
                names.append(lines[i + 1].decode())
            i += 2
            expect_name = not expect_name
        elif t == b"*":  # a db.N value: 3 pairs of name + integer
            i += 1 + int(lines[i][1:]) * 1 + int(lines[i][1:]) // 2 * 1
            expect_name = True
        else:
            i += 1
            expect_name = not expect_name
    return names


class EvictionTest(unittest.TestCase):
    def start(self, policy, headroom_mb=3):
        server = ServerProcess(os.environ.get("EVICTION_SERVER", "duet"), ["--maxmemory-policy", policy])
        self.addCleanup(server.stop)
        c = Client(server.port)
        self.addCleanup(c.close)
        mem = c.info("memory")
        if not mem["mem_allocator"].startswith("jemalloc"):
            # Sanitizer builds: used_memory is the RSS, refreshed by the cron; too coarse for
            # these assertions.
            self.skipTest("needs jemalloc's memory accounting")
        used = int(mem["used_memory"])
        self.limit = used + headroom_mb * 1024 * 1024
        self.assertEqual(c.call("CONFIG", "SET", "maxmemory", self.limit), b"+OK\r\n")
        return c

    def fill(self, c, prefix, n, ttl=None, start=0):
        cmds = []
        for i in range(start, start + n):
            cmd = ["SET", f"{prefix}{i}", VALUE]
            if ttl is not None:
                cmd += ["EX", ttl(i) if callable(ttl) else ttl]
            cmds.append(cmd)
        return c.pipeline(cmds)

    def check_under_limit(self, c):
        c.call("PING")  # eviction runs before each command
        used = int(c.info("memory")["used_memory"])
        # At most one command's growth above the limit.
        self.assertLessEqual(used, self.limit + 64 * 1024)
        self.assertGreater(int(c.info("stats")["evicted_keys"]), 0)

    def test_allkeys_lru_keeps_the_hot_keys(self):
        c = self.start("allkeys-lru")
        hot = [f"hot{i}" for i in range(500)]
        self.fill(c, "hot", 500)
        for round_ in range(40):
            self.fill(c, "cold", 2000, start=round_ * 2000)
            c.pipeline([["GET", k] for k in hot])
        self.check_under_limit(c)
        alive = c.int("EXISTS", *hot)
        # Eviction samples segments, so a just-read key is evicted only rarely (not never):
        # 495+ is typical, 478 was seen once in CI; redis-server keeps ~59 of the 500.
        self.assertGreaterEqual(alive, 450)
        self.assertLess(c.int("DBSIZE"), 80500)

    def test_allkeys_lfu_keeps_the_frequent_keys(self):
        c = self.start("allkeys-lfu")
        hot = [f"hot{i}" for i in range(200)]
        self.fill(c, "hot", 200)
        for _ in range(20):
            c.pipeline([["GET", k] for k in hot])
        for round_ in range(40):
            self.fill(c, "cold", 2000, start=round_ * 2000)
            c.pipeline([["GET", k] for k in hot])
        self.check_under_limit(c)
        self.assertGreaterEqual(c.int("EXISTS", *hot), 195)

    def test_allkeys_random_stays_under_the_limit(self):
        c = self.start("allkeys-random")
        self.fill(c, "k", 80000)
        self.check_under_limit(c)
        self.assertLess(c.int("DBSIZE"), 80000)

    def volatile_case(self, policy):
        c = self.start(policy)
        self.fill(c, "p", 5000)  # ~1 MB without TTL: must all survive
        self.fill(c, "v", 60000, ttl=1000)
        self.check_under_limit(c)
        persistent = [f"p{i}" for i in range(5000)]
        self.assertEqual(c.int("EXISTS", *persistent), 5000)
        return c

    def test_volatile_lru_never_evicts_keys_without_ttl(self):
        self.volatile_case("volatile-lru")

    def test_volatile_lfu_never_evicts_keys_without_ttl(self):
        self.volatile_case("volatile-lfu")

    def test_volatile_random_never_evicts_keys_without_ttl(self):
        self.volatile_case("volatile-random")

    def test_volatile_ttl_evicts_the_shortest_ttl_first(self):
        c = self.start("volatile-ttl")
        self.fill(c, "p", 5000)
        # TTL grows with the index: the survivors must be the long-lived ones.
        self.fill(c, "v", 60000, ttl=lambda i: 10000 + i)
        self.check_under_limit(c)
        self.assertEqual(c.int("EXISTS", *[f"p{i}" for i in range(5000)]), 5000)
        early = c.int("EXISTS", *[f"v{i}" for i in range(0, 10000)])
        late = c.int("EXISTS", *[f"v{i}" for i in range(50000, 60000)])
        self.assertLess(early, 500)
        self.assertGreater(late, 9000)

    def test_volatile_with_only_persistent_keys_refuses_writes(self):
        c = self.start("volatile-lru", headroom_mb=1)
        replies = self.fill(c, "p", 20000)
        self.assertIn(OOM, replies)
        self.assertEqual(int(c.info("stats")["evicted_keys"]), 0)

    def test_noeviction_refuses_writes_and_resumes_after_del(self):
        c = self.start("noeviction", headroom_mb=1)
        replies = self.fill(c, "k", 20000)
        self.assertIn(OOM, replies)
        first_oom = replies.index(OOM)
        self.assertEqual(c.call("SET", "another", "v"), OOM)
        self.assertEqual(c.call("GET", "k0"), b"$100\r\n" + VALUE.encode() + b"\r\n")
        self.assertEqual(c.int("EXPIRE", "k1", 100), 1)
        deleted = c.int("DEL", *[f"k{i}" for i in range(first_oom // 2)])
        self.assertEqual(deleted, first_oom // 2)
        self.assertEqual(c.call("SET", "another", "v"), b"+OK\r\n")
        self.assertEqual(int(c.info("stats")["evicted_keys"]), 0)
        self.assertGreater(int(c.info("errorstats")["errorstat_OOM"].split("=")[1]), 0)

    def test_lowering_maxmemory_evicts_down_without_a_long_pause(self):
        c = self.start("allkeys-lru", headroom_mb=20)
        self.fill(c, "k", 150000)
        used = int(c.info("memory")["used_memory"])
        target = used - 10 * 1024 * 1024
        self.assertEqual(c.call("CONFIG", "SET", "maxmemory", target), b"+OK\r\n")
        worst = 0.0
        deadline = time.time() + 10
        while time.time() < deadline:
            t0 = time.perf_counter()
            c.call("PING")
            worst = max(worst, time.perf_counter() - t0)
            if int(c.info("memory")["used_memory"]) <= target:
                break
        self.assertLessEqual(int(c.info("memory")["used_memory"]), target + 64 * 1024)
        # Rounds are 0.5 ms; the bound is loose because shared CI machines stall processes.
        self.assertLess(worst, 0.5)


class CacheConfTest(unittest.TestCase):
    def test_starts_from_deploy_cache_conf_with_password_on_stdin(self):
        port = free_port()
        password = "pw-from-env-" + str(os.getpid())
        d = tempfile.mkdtemp(prefix="duet-cache-")
        log = open(os.path.join(d, "log"), "w+")
        proc = subprocess.Popen(
            [duet_binary(), os.path.join(ROOT, "deploy", "cache.conf"), "--port", str(port),
             "--dir", d, "-"],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        proc.stdin.write(f'requirepass "{password}"\n'.encode())
        proc.stdin.close()
        try:
            deadline = time.time() + 10
            while True:
                try:
                    c = RawConnection(port)
                    break
                except OSError:
                    self.assertIsNone(proc.poll(), "duet exited")
                    self.assertLess(time.time(), deadline)
                    time.sleep(0.05)
            c.send(encode(["PING"]))
            self.assertTrue(c.read_reply().startswith(b"-NOAUTH"))
            c.close()
            cl = Client(port, password)
            cfg = {}
            for name in ["maxmemory", "maxmemory-policy", "save", "appendonly", "port",
                         "lazyfree-lazy-eviction"]:
                r = cl.call("CONFIG", "GET", name).split(b"\r\n")
                cfg[name] = r[4].decode()
            self.assertEqual(cfg["maxmemory"], str(256 * 1024 * 1024))
            self.assertEqual(cfg["maxmemory-policy"], "allkeys-lru")
            self.assertEqual(cfg["save"], "")
            self.assertEqual(cfg["appendonly"], "no")
            self.assertEqual(cfg["port"], str(port))
            self.assertEqual(cfg["lazyfree-lazy-eviction"], "yes")
            self.assertEqual(cl.info("memory")["maxmemory_policy"], "allkeys-lru")
            cl.close()
            with open(f"/proc/{proc.pid}/cmdline", "rb") as f:
                self.assertNotIn(password.encode(), f.read())
            log.seek(0)
            self.assertNotIn(password, log.read())
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


class UsedMemoryTest(unittest.TestCase):
    """used_memory follows what the data holds: it is what maxmemory compares against, so an
    overstated figure evicts a cache empty or refuses a queue's writes."""

    def test_list_growth_at_both_ends_costs_what_redis_pays(self):
        # 20,000 16-byte elements make ~45 listpack nodes. A head push that sized its new node's
        # reservation from a descriptor not yet written once malloc'd 2 GB (never touched, so
        # RSS stayed small) and used_memory read ~110 GB after 1M LPUSHes.
        for command in ["LPUSH", "RPUSH"]:
            growth = {}
            for side in ["redis", "duet"]:
                server = ServerProcess(side)
                self.addCleanup(server.stop)
                c = Client(server.port)
                self.addCleanup(c.close)
                mem = c.info("memory")
                if side == "duet" and not mem["mem_allocator"].startswith("jemalloc"):
                    self.skipTest("needs jemalloc's memory accounting")
                before = int(mem["used_memory"])
                replies = c.pipeline([[command, "list", "x" * 16] for _ in range(20000)])
                self.assertEqual(replies[-1], b":20000\r\n")
                growth[side] = int(c.info("memory")["used_memory"]) - before
            self.assertLess(growth["duet"], growth["redis"] * 3 // 2 + 256 * 1024,
                            f"{command}: {growth}")


class FieldNamesTest(unittest.TestCase):
    """INFO memory/stats and MEMORY STATS carry Redis 7.0's field names in its order."""

    def test_same_fields_as_redis(self):
        servers = [ServerProcess("redis"), ServerProcess("duet")]
        for s in servers:
            self.addCleanup(s.stop)
        clients = [Client(s.port) for s in servers]
        for c in clients:
            c.call("SET", "k", "v")
            self.addCleanup(c.close)
        for section in ["memory", "stats"]:
            names = [list(c.info(section).keys()) for c in clients]
            self.assertEqual(names[0], names[1], section)
        stats = [bulk_names(c.call("MEMORY", "STATS")) for c in clients]
        self.assertEqual(stats[0], stats[1])
        self.assertIn("db.0", stats[1])


if __name__ == "__main__":
    unittest.main()
