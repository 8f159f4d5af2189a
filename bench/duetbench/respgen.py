"""RESP streams for `redis-cli --pipe`, generated once and cached.

set_stream: N SET commands (the memory and latency benchmarks). command_stream: any
deterministic command sequence (the collection-type benchmarks), cached under its name.

Key i is `key:%08d`, its value `val:%012d` (16 bytes, not a canonical integer, so both
servers store it as a plain string). Files live in the cache directory and are reused
when their size matches; they are regenerated otherwise.
"""

import hashlib
import itertools
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


def encode(args):
    """One command as RESP (arguments are ASCII strings or numbers)."""
    parts = ["*%d\r\n" % len(args)]
    for a in args:
        a = str(a)
        parts.append("$%d\r\n%s\r\n" % (len(a), a))
    return "".join(parts)


def command_stream(cache_dir, name, commands, log=print):
    """(path, command count) of a file holding the commands that `commands()` yields.

    `name` must carry every size parameter; a digest of the first commands is appended, so
    a change of data shape gets a new file. A file that exists under that name is reused; a
    ".n" file beside it holds the command count and is written last, so an interrupted
    generation is redone."""
    os.makedirs(cache_dir, exist_ok=True)
    head = "".join(encode(c) for c in itertools.islice(commands(), 3)).encode()
    name += "-" + hashlib.sha1(head).hexdigest()[:8]
    path = os.path.join(cache_dir, name + ".resp")
    count_path = path + ".n"
    if os.path.exists(path) and os.path.exists(count_path):
        with open(count_path) as f:
            return path, int(f.read())
    log(f"  generating {path}")
    n = 0
    batch = []
    with open(path + ".tmp", "wb") as f:
        for cmd in commands():
            batch.append(encode(cmd))
            n += 1
            if len(batch) >= 10_000:
                f.write("".join(batch).encode())
                batch = []
        f.write("".join(batch).encode())
    os.replace(path + ".tmp", path)
    with open(count_path, "w") as f:
        f.write(str(n))
    return path, n


def batched(cmd, key, count, elements, batch=1000):
    """Commands `cmd key <elements(i)...>` adding elements 0..count-1, `batch` per command
    (for HSET/SADD/ZADD/RPUSH loads of big collections)."""
    for start in range(0, count, batch):
        args = [cmd, key]
        for i in range(start, min(count, start + batch)):
            args += elements(i)
        yield args
