#!/usr/bin/env python3
"""Shrinks a failing command sequence (a case file, e.g. one a fuzzer wrote with FUZZ_DUMP=path)
to a small one whose last line still differs between redis-server and duet (delta debugging
over whole lines, each trial on fresh servers).

Usage: DUET_BIN=build/<dir>/duet-server fuzz_minimize.py <case file> [out file]
"""
import os
import sys
import tempfile

from run_diff import Runner

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib.servers import ServerProcess  # noqa: E402


def main():
    path = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else path + ".min"
    lines = [s for s in open(path).read().split("\n") if s.strip()]
    tmp = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False).name

    def fails(candidate):
        """Replays candidate on fresh servers (CONFIG SET and other state must not leak)."""
        with open(tmp, "w") as f:
            f.write("\n".join(candidate) + "\n")
        redis, duet = ServerProcess("redis"), ServerProcess("duet")
        try:
            runner = Runner([redis.port, duet.port])
            runner.run_file(tmp)
        finally:
            redis.stop()
            duet.stop()
        return any(f.split(": ", 1)[0].endswith(":%d" % len(candidate)) for f in runner.failures)

    try:
        if not fails(lines):
            sys.exit("the last line does not differ")
        body, last = lines[:-1], lines[-1]
        chunk = max(1, len(body) // 2)
        while chunk >= 1:
            i, removed = 0, False
            while i < len(body):
                trial = body[:i] + body[i + chunk:]
                if fails(trial + [last]):
                    body, removed = trial, True
                else:
                    i += chunk
            if not removed:
                chunk //= 2
        with open(out, "w") as f:
            f.write("\n".join(body + [last]) + "\n")
        print(f"{len(lines)} -> {len(body) + 1} lines: {out}")
    finally:
        os.unlink(tmp)


if __name__ == "__main__":
    main()
