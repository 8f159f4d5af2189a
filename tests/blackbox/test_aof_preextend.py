#!/usr/bin/env python3
"""appendfsync always writes over filler the incremental file was extended with ahead of time
(persistence/aof_filler.h): against the real binaries,
- after a kill -9 the files (commands, then '#' filler lines) pass redis-check-aof and load in
  redis-server 7.0.15 and in duet with the same DEBUG DIGEST; duet's restart cuts the filler;
- a clean SHUTDOWN leaves the files byte-identical to those of a server that appends
  (DUET_AOF_PREEXTEND=0); INFO aof_current_size counts the data, not the filler;
- BGREWRITEAOF, CONFIG SET appendfsync and DEBUG LOADAOF with the filler in place;
- a write torn by a crash (a partial command followed by filler), cut at a sample of
  offsets: duet loads it as a truncated file (aof-load-truncated yes: the complete commands;
  no: refused with Redis's unexpected-end message); redis-check-aof reports it and --fix
  cuts it at the same offset; redis-server 7.0.15 is run on the same files and its outcome
  checked against what its loader does with them (a bad format, or the torn, never
  acknowledged command applied with its last argument read into the filler)."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from tests.lib.servers import ServerProcess, duet_binary, free_port  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_aof import AofFixture, Conn, check_aof, digest  # noqa: E402

LINE = 64


def filler(start, end):
    """The filler's bytes for file offsets [start, end), as persistence/aof_filler.cc."""
    out = bytearray(b"#" * (end - start))
    nl = start - start % LINE + LINE - 1
    if nl == start:
        nl += LINE
    while nl < end:
        out[nl - start] = ord("\n")
        nl += LINE
    return bytes(out)


def command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def incr_path(d, n=1):
    return os.path.join(d, "appendonlydir", f"appendonly.aof.{n}.incr.aof")


class PreextendTest(AofFixture):
    def kill9(self, s):
        s.proc.send_signal(signal.SIGKILL)
        s.proc.wait()
        self.stop(s)

    def writes(self, c, n=300):
        for i in range(n):
            c.cmd("SET", f"k{i}", "v" * (i % 97))
        c.cmd("RPUSH", "l", *[str(i) for i in range(200)])
        c.cmd("EVAL", "redis.call('incr','e') return redis.call('hset','h','f','v')", "0")
        c.cmd("SELECT", "2")
        c.cmd("SET", "in2", "x" * 5000)
        c.cmd("SELECT", "0")

    def test_files_after_kill9_load_everywhere(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        duet = self.start("duet", d, "--appendfsync", "always")
        with Conn(duet.port) as c:
            self.writes(c)
            info = c.cmd("INFO", "persistence")
        want = digest(duet.port)
        size = int(info.split("aof_current_size:")[1].split()[0])
        base = os.path.getsize(os.path.join(d, "appendonlydir", "appendonly.aof.1.base.rdb"))
        logical = size - base
        self.kill9(duet)
        with open(incr_path(d), "rb") as f:
            data = f.read()
        # The data, then filler: what INFO counted is the data.
        self.assertGreater(len(data), logical)
        self.assertTrue(data[:logical].endswith(b"\r\n"))
        self.assertEqual(data[logical:], filler(logical, len(data)))
        rc, out = check_aof(os.path.join(d, "appendonlydir", "appendonly.aof.manifest"))
        self.assertEqual(rc, 0, out)
        self.assertIn("All AOF files and manifest are valid", out)
        rd = tempfile.mkdtemp(dir=self.tmp)
        shutil.copytree(os.path.join(d, "appendonlydir"), os.path.join(rd, "appendonlydir"))
        redis = self.start("redis", rd)
        self.assertEqual(digest(redis.port), want)
        self.stop(redis)
        back = self.start("duet", d, "--appendfsync", "always")
        self.assertEqual(digest(back.port), want)
        with open(incr_path(d), "rb") as f:
            self.assertEqual(f.read(logical), data[:logical])
        with Conn(back.port) as c:
            # The restart cut the filler: the size counts the same data again.
            info = c.cmd("INFO", "persistence")
            self.assertIn(f"aof_current_size:{size}\r\n", info)
            c.cmd("SET", "after", "1")
        self.stop(back)
        with open(incr_path(d), "rb") as f:
            self.assertEqual(f.read(), data[:logical] + command("SELECT", "0") +
                             command("SET", "after", "1"))

    def run_clean(self, preextend):
        d = tempfile.mkdtemp(dir=self.tmp)
        old = os.environ.get("DUET_AOF_PREEXTEND")
        os.environ["DUET_AOF_PREEXTEND"] = preextend
        try:
            duet = self.start("duet", d, "--appendfsync", "always")
        finally:
            if old is None:
                del os.environ["DUET_AOF_PREEXTEND"]
            else:
                os.environ["DUET_AOF_PREEXTEND"] = old
        with Conn(duet.port) as c:
            self.writes(c)
            size = c.cmd("INFO", "persistence").split("aof_current_size:")[1].split()[0]
            c.sock.sendall(b"*1\r\n$8\r\nSHUTDOWN\r\n")
        duet.proc.wait(timeout=10)
        self.stop(duet)
        with open(incr_path(d), "rb") as f:
            return f.read(), size

    def test_clean_shutdown_leaves_the_appended_file(self):
        with_filler, size = self.run_clean("1")
        appended, size0 = self.run_clean("0")
        self.assertEqual(with_filler, appended)
        self.assertEqual(size, size0)
        self.assertTrue(with_filler.endswith(b"\r\n"))

    def test_rewrite_config_set_and_loadaof(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        duet = self.start("duet", d, "--appendfsync", "always")
        with Conn(duet.port) as c:
            self.writes(c, 50)
            self.assertEqual(c.cmd("BGREWRITEAOF"),
                             "Background append only file rewriting started")
            deadline = time.time() + 10
            while "aof_rewrite_in_progress:1" in c.cmd("INFO", "persistence"):
                self.assertLess(time.time(), deadline)
                time.sleep(0.02)
            c.cmd("SET", "after-rewrite", "1")
            # The old incremental file was closed without filler (and deleted as history);
            # the new one has it; the sizes count data only.
            self.assertFalse(os.path.exists(incr_path(d, 1)))
            info = c.cmd("INFO", "persistence")
            base = os.path.getsize(os.path.join(d, "appendonlydir", "appendonly.aof.2.base.rdb"))
            incr = command("SELECT", "0") + command("SET", "after-rewrite", "1")
            self.assertIn(f"aof_current_size:{base + len(incr)}\r\n", info)
            self.assertIn(f"aof_base_size:{base}\r\n", info)
            self.assertGreater(os.path.getsize(incr_path(d, 2)), len(incr))
            want = digest(duet.port)
            self.assertEqual(c.cmd("DEBUG", "LOADAOF"), "OK")
            self.assertEqual(digest(duet.port), want)
            c.cmd("SET", "after-loadaof", "1")
            incr += command("SET", "after-loadaof", "1")
            # Another policy: the next write finds the filler gone and appends.
            self.assertEqual(c.cmd("CONFIG", "SET", "appendfsync", "everysec"), "OK")
            c.cmd("SET", "everysec", "1")
            incr += command("SET", "everysec", "1")
            with open(incr_path(d, 2), "rb") as f:
                self.assertEqual(f.read(), incr)
            self.assertEqual(c.cmd("CONFIG", "SET", "appendfsync", "always"), "OK")
            c.cmd("SET", "always-again", "1")
            incr += command("SET", "always-again", "1")
            self.assertGreater(os.path.getsize(incr_path(d, 2)), len(incr))
            want = digest(duet.port)
        self.kill9(duet)
        back = self.start("duet", d)
        self.assertEqual(digest(back.port), want)
        with open(incr_path(d, 2), "rb") as f:
            self.assertEqual(f.read(), incr)

    GOOD = command("SELECT", "0") + command("SET", "a", "1") + command("SET", "b", "2")
    TORN = [command("SET", "c", "3"), command("SET", "d", "x" * 40), command("INCR", "n")]

    def torn_image(self, cut):
        """GOOD written, then TORN's commands cut after `cut` bytes, over filler to 4 KB."""
        start = len(self.GOOD)
        torn = b"".join(self.TORN)
        img = bytearray(self.GOOD + filler(start, 4096))
        img[start:start + cut] = torn[:cut]
        return bytes(img)

    def start_fails(self, d, *args):
        r = subprocess.run([duet_binary(), "--port", str(free_port()), "--dir", d,
                            "--appendonly", "yes", "--save", ""] + list(args),
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        return r.stdout + r.stderr

    def redis_load(self, d, keys):
        """MGET of `keys` from redis-server 7.0.15 started on `d`, or None and its log."""
        port = free_port()
        r = subprocess.Popen(["redis-server", "--port", str(port), "--dir", d,
                              "--appendonly", "yes", "--save", ""],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        loaded = None
        try:
            deadline = time.time() + 10
            while time.time() < deadline and r.poll() is None:
                try:
                    with Conn(port) as c:
                        got = c.cmd("MGET", *keys)
                    if isinstance(got, list):
                        loaded = dict(zip(keys, got))
                        break
                    self.assertTrue(got.startswith("-LOADING"), got)
                except OSError:
                    pass
                time.sleep(0.05)
        finally:
            if r.poll() is None:
                r.terminate()
            out = r.communicate(timeout=10)[0]
        return loaded, out

    def test_torn_write_over_filler(self):
        torn = b"".join(self.TORN)
        ends = [sum(len(c) for c in self.TORN[:i + 1]) for i in range(len(self.TORN))]
        # Every offset of the first command and around each command's end, a sample of the
        # rest (the file's line ends fall at 63, 127: the 'lone newline' cases).
        cuts = sorted(set(range(0, 24)) | {e + k for e in ends for k in (-3, -2, -1, 0, 1, 2)
                                           if 0 <= e + k < len(torn)} | {40, 60, 70, 80})
        keys = ["a", "b", "c", "d", "n"]
        redis_outcomes = {}
        for cut in cuts:
            with self.subTest(cut=cut):
                img = self.torn_image(cut)
                # The commands the image holds whole (a cut just before a command's final
                # newline over a line end of the filler leaves it whole).
                whole = len(self.GOOD)
                intact = 0
                for cmd in self.TORN:
                    if img[whole:whole + len(cmd)] != cmd:
                        break
                    whole += len(cmd)
                    intact += 1
                want = {"a": "1", "b": "2", "c": "3" if intact >= 1 else None,
                        "d": "x" * 40 if intact >= 2 else None, "n": "1" if intact >= 3 else None}
                rest = img[whole:]
                is_torn = not (set(rest) <= {ord("#"), ord("\n")} and rest[:1] == b"#")
                d = tempfile.mkdtemp(dir=self.tmp)
                self.make_aof(d, img)
                duet = self.start("duet", d)
                with Conn(duet.port) as c:
                    self.assertEqual(dict(zip(keys, c.cmd("MGET", *keys))), want)
                self.stop(duet)
                # Torn: loaded as a file truncated after its last whole command; else the
                # filler after it is cut (a crash between two writes).
                with open(duet.log_path) as f:
                    log = f.read()
                with open(incr_path(d), "rb") as f:
                    self.assertEqual(f.read(), img[:whole])
                self.assertEqual("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset "
                                 f"{whole} !!!" in log, is_torn)
                if is_torn:
                    # aof-load-truncated no: refused as a truncated file.
                    d2 = tempfile.mkdtemp(dir=self.tmp)
                    self.make_aof(d2, img)
                    out = self.start_fails(d2, "--aof-load-truncated", "no")
                    self.assertIn("Unexpected end of file reading the append only file", out)
                    # redis-check-aof sees the tear; --fix cuts it where duet does.
                    manifest = os.path.join(d2, "appendonlydir", "appendonly.aof.manifest")
                    rc, out = check_aof(manifest)
                    self.assertNotEqual(rc, 0, out)
                    r = subprocess.run(["redis-check-aof", "--fix", manifest], input="y\n",
                                       capture_output=True, text=True, timeout=60)
                    self.assertIn("Successfully truncated AOF", r.stdout)
                    with open(incr_path(d2), "rb") as f:
                        self.assertEqual(f.read(), img[:whole])
                # redis-server 7.0.15 on the same file.
                rd = tempfile.mkdtemp(dir=self.tmp)
                self.make_aof(rd, img)
                loaded, out = self.redis_load(rd, keys)
                if loaded is None:
                    self.assertTrue(is_torn)
                    self.assertIn("Bad file format reading the append only file", out)
                    redis_outcomes[cut] = "bad format"
                elif loaded == want:
                    redis_outcomes[cut] = "same data"
                else:
                    # The torn command ran with its last argument read into the filler.
                    self.assertTrue(is_torn)
                    self.assertEqual({k: loaded[k] for k in ("a", "b")}, {"a": "1", "b": "2"})
                    redis_outcomes[cut] = "torn command applied"
        summary = {}
        for cut, o in redis_outcomes.items():
            summary.setdefault(o, []).append(cut)
        print(f"\nredis-server 7.0.15 on the torn files (cut offsets): {summary}",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
