"""RESP streams of SET commands for `redis-cli --pipe`, generated once and cached.

Key i is `key:%08d`, its value `val:%012d` (16 bytes, not a canonical integer, so both
servers store it as a plain string). Files live in the cache directory and are reused
when their size matches; they are regenerated otherwise.
"""

import os

_TEMPLATE = "*3\r\n$3\r\nSET\r\n$12\r\nkey:%08d\r\n$16\r\nval:%012d\r\n"
_COMMAND_BYTES = len(_TEMPLATE % (0, 0))
MAX_KEYS = 100_000_000  # key:%08d stays 12 bytes below this
VALUE_BYTES = 16


def set_stream(cache_dir, keys, log=print):
    """Path of a file holding `keys` SET commands (keys 0..keys-1)."""
    if not 0 < keys <= MAX_KEYS:
        raise ValueError(f"--keys must be in 1..{MAX_KEYS}")
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, f"set-{keys}.resp")
    want = keys * _COMMAND_BYTES
    if os.path.exists(path) and os.path.getsize(path) == want:
        return path
    log(f"  generating {path} ({want / 1e6:.0f} MB)")
    tmp = path + ".tmp"
    chunk = 200_000
    with open(tmp, "wb") as f:
        for start in range(0, keys, chunk):
            end = min(keys, start + chunk)
            f.write("".join([_TEMPLATE % (i, i) for i in range(start, end)]).encode())
    os.replace(tmp, path)
    return path
