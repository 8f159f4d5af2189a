#!/usr/bin/env python3
"""Differential tests: every case file in tests/diff/cases is replayed against redis-server
7.0.15 and duet-server; replies must match byte for byte.

Case file format (one command per line; '#' starts a comment line):
  SET k "a b"            a command, split with POSIX shell quoting, sent as a RESP multibulk
  !esc SET k "\\x00\\n"   same, but each argument is unescaped (\\xHH, \\n, \\r, \\t, \\\\)
  !raw <bytes>           raw protocol bytes (Python escapes: \\r\\n \\xHH); reads one reply
  !rawn N <bytes>        raw bytes, then N replies
  !rawclose <bytes>      raw bytes, then everything until the server closes the connection;
                         a new connection is opened afterwards
  !type CMD ...          compare only the reply's type byte (nondeterministic values)
  !sorted CMD ...        compare an array reply as a sorted list of its elements
  !unordered CMD ...     compare with every aggregate (array, set, map) sorted, at all depths
                         (replies whose nested order is unspecified, e.g. subcommand lists)
  !nosummary CMD ...     ignore the value after every "summary" key (COMMAND DOCS: duet
                         writes its own summaries); combinable: !nosummary !unordered CMD
  !reconnect             open a fresh connection (RESP2, db 0); forgets the named ones
  !conn NAME             later lines use connection NAME (opened on first use, RESP2, db 0;
                         the file starts on "main"): a subscriber and a publisher, ...
  !nreplies N CMD ...    send CMD, then read N replies (SUBSCRIBE a b: one push per channel)
  !read N                read N replies (pushed messages) without sending anything
  !drain                 send PING and read every reply up to its PONG: the messages pushed
                         so far, however many (keyspace notifications of a command)
Each file starts on a fresh connection after FLUSHALL on both servers.
A file whose first line is "#!server-args ARG..." runs on a pair of servers started with those
extra arguments (e.g. --enable-debug-command yes), shared by the files that ask for the same.
Usage: run_diff.py [case files...]   (default: all cases)
"""
import codecs
import glob
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.resp import ConnectionClosed, RawConnection, encode, parse_tree  # noqa: E402
from lib.servers import ServerProcess  # noqa: E402


# PING's reply in and out of RESP2 subscriber mode (RESP3 answers +PONG too).
PONGS = (b"+PONG\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")


def unescape(s):
    return codecs.decode(s.encode("latin-1"), "unicode_escape").encode("latin-1")


def split_array(conn_bytes):
    """Splits an array reply into its element byte strings (top level only)."""
    c = RawConnection.__new__(RawConnection)
    c.buf = conn_bytes
    c.sock = None
    first_eol = conn_bytes.find(b"\r\n")
    n = int(conn_bytes[1:first_eol])
    elems, pos = [], first_eol + 2
    for _ in range(max(n, 0)):
        end = c._parse(pos)
        elems.append(conn_bytes[pos:end])
        pos = end
    return conn_bytes[:first_eol], sorted(elems)


def canonical(tree, unordered, nosummary):
    """A comparable form of a reply tree (see !unordered and !nosummary)."""
    t, v = tree
    if not isinstance(v, list):
        return repr(tree)
    items = list(v)
    if nosummary:
        for i in range(0, len(items) - 1, 2):
            if items[i] == (b"$", b"summary"):
                items[i + 1] = (b"$", b"<summary>")
    if t in (b"%", b"|"):
        pairs = [canonical(items[i], unordered, nosummary) + "=" +
                 canonical(items[i + 1], unordered, nosummary) for i in range(0, len(items), 2)]
        return repr(t) + "{" + ",".join(sorted(pairs) if unordered else pairs) + "}"
    elems = [canonical(x, unordered, nosummary) for x in items]
    return repr(t) + "[" + ",".join(sorted(elems) if unordered else elems) + "]"


class Runner:
    def __init__(self, ports):
        self.ports = ports
        self.conns = None
        self.named = None
        self.cases = 0
        self.failures = []

    def connect(self):
        for conns in (self.named or {}).values():
            for c in conns:
                c.close()
        self.conns = [RawConnection(p) for p in self.ports]
        self.named = {"main": self.conns}

    def switch(self, name):
        if name not in self.named:
            self.named[name] = [RawConnection(p) for p in self.ports]
        self.conns = self.named[name]

    def exchange(self, payload, mode, nreplies=1):
        out = []
        for c in self.conns:
            try:
                c.send(payload)
                if mode == "drain":
                    got = []
                    while True:
                        r = c.read_reply()
                        if r in PONGS:
                            break
                        got.append(r)
                    out.append(b"".join(got))
                elif mode == "close":
                    out.append(c.read_until_close())
                else:
                    out.append(b"".join(c.read_reply() for _ in range(nreplies)))
            except ConnectionClosed:
                out.append(b"<connection closed>")
            except Exception as e:  # timeouts, resets
                out.append(b"<error: " + str(e).encode() + b">")
        return out

    def run_file(self, path):
        self.connect()
        self.exchange(encode(["FLUSHALL"]), "reply")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for lineno, line in enumerate(lines, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            mode, n = "reply", 1
            compare = "bytes"
            if s == "!reconnect":
                self.connect()
                continue
            if s.startswith("!conn "):
                self.switch(s.split()[1])
                continue
            if s.startswith("!nreplies "):
                _, count, s = s.split(" ", 2)
                n = int(count)
            if s == "!drain":
                payload, mode = encode(["PING"]), "drain"
            elif s.startswith("!read "):
                payload, n = b"", int(s.split()[1])
            elif s.startswith("!rawclose "):
                payload, mode = unescape(s[len("!rawclose "):]), "close"
            elif s.startswith("!rawn "):
                _, count, rest = s.split(" ", 2)
                payload, n = unescape(rest), int(count)
            elif s.startswith("!raw "):
                payload = unescape(s[len("!raw "):])
            else:
                esc = False
                unordered = nosummary = False
                for prefix, kind in (("!type ", "type"), ("!sorted ", "sorted"),
                                     ("!nosummary ", "nosummary"), ("!unordered ", "unordered"),
                                     ("!esc ", "esc")):
                    if s.startswith(prefix):
                        s = s[len(prefix):]
                        if kind == "esc":
                            esc = True
                        elif kind == "unordered":
                            unordered = True
                        elif kind == "nosummary":
                            nosummary = True
                        else:
                            compare = kind
                if unordered or nosummary:
                    compare = ("tree", unordered, nosummary)
                args = shlex.split(s)
                if esc:
                    args = [unescape(a) for a in args]
                payload = encode(args)
            self.cases += 1
            redis_out, duet_out = self.exchange(payload, mode, n)
            if compare == "type":
                ok = redis_out[:1] == duet_out[:1]
            elif isinstance(compare, tuple):
                try:
                    ok = (canonical(parse_tree(redis_out)[0], *compare[1:]) ==
                          canonical(parse_tree(duet_out)[0], *compare[1:]))
                except Exception:
                    ok = False
            elif compare == "sorted":
                try:
                    ok = split_array(redis_out) == split_array(duet_out)
                except Exception:
                    ok = False
            else:
                ok = redis_out == duet_out
            if not ok:
                self.failures.append(f"{os.path.relpath(path)}:{lineno}: {line.strip()}\n"
                                     f"    redis: {redis_out[:300]!r}\n"
                                     f"    duet:  {duet_out[:300]!r}")
            if mode == "close":
                self.connect()


def server_args(path):
    """The extra server arguments of a case file's "#!server-args" first line, or ()."""
    with open(path, encoding="utf-8") as f:
        first = f.readline().strip()
    if not first.startswith("#!server-args"):
        return ()
    return tuple(shlex.split(first[len("#!server-args"):]))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "cases", "*.txt")))
    groups = {}
    for f in files:
        groups.setdefault(server_args(f), []).append(f)
    runner = Runner(None)
    for extra, group in groups.items():
        redis = ServerProcess("redis", extra)
        duet = ServerProcess("duet", extra)
        try:
            runner.ports = [redis.port, duet.port]
            for f in group:
                runner.run_file(f)
        finally:
            redis.stop()
            duet.stop()
    for fail in runner.failures:
        print(fail)
    print(f"diff: {runner.cases} cases, {len(runner.failures)} mismatches")
    sys.exit(1 if runner.failures else 0)


if __name__ == "__main__":
    main()
