"""Loading a RESP file into a server with `redis-cli --pipe`, checking every reply."""

import re
import subprocess
import time

from .procs import BenchError
from .resp import Conn, ErrorReply

# redis-cli --pipe's progress lines; anything else it prints is an error reply.
_INFO_PREFIXES = ("All data transferred", "Last reply received", "errors:")
_SUMMARY = re.compile(r"errors:\s*(\d+),\s*replies:\s*(\d+)")


def pipe_load(server, path, expected_replies, timeout=1800):
    """Feeds `path` to the server; returns seconds taken. Raises BenchError on any error."""
    t0 = time.monotonic()
    with open(path, "rb") as f:
        try:
            proc = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(server.port),
                                   "--pipe"], stdin=f, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"{server.side}: redis-cli --pipe timed out after {timeout}s")
    took = time.monotonic() - t0
    server.check_alive()
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    m = _SUMMARY.search(out)
    if proc.returncode != 0 or not m or int(m.group(1)) != 0 \
            or int(m.group(2)) != expected_replies:
        first_err = next((l for l in out.splitlines() if l.strip()
                          and not l.startswith(_INFO_PREFIXES)), "")
        raise BenchError(f"{server.side}: redis-cli --pipe failed (status {proc.returncode}, "
                         f"{m.group(0) if m else 'no summary'}) {first_err.strip()[:200]}")
    return took


def check_dbsize(server, expected):
    """Verifies DBSIZE when the server has it; returns a note if it could not check."""
    with Conn(server.port) as c:
        n = c.call("DBSIZE")
    if isinstance(n, ErrorReply):
        return f"{server.side}: DBSIZE unavailable ({n}); key count not verified"
    if n != expected:
        raise BenchError(f"{server.side}: DBSIZE is {n} after loading {expected} keys")
    return None
