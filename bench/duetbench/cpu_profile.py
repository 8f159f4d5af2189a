"""Where a server's CPU goes: `perf record -g` on its PID, samples bucketed by what they run.

Used by bench/bullmq.py --profile (issue 11: "how much of each job's CPU is Lua vs command
execution vs I/O"). Each sample's call chain is walked from the leaf towards the root; the
first frame a rule recognises decides the bucket (frames in libc's memcpy/strlen-like helpers
and other unrecognised code pass to their caller). Kernel frames and the allocator win at the
leaf: time in a syscall is I/O whoever called it, time in malloc/free is the allocator's.
Rules match duet's symbols (C++ namespaces, the statically linked Lua 5.1 built as C++) and
redis-server 7.0's function names (its Lua is linked in too); unrecognised code lands in
"other". The buckets are approximate where one function serves two purposes.

Requires `perf` and the right to profile the server (root, or perf_event_paranoid <= 1 for
kernel samples; with only user-space samples the kernel bucket reads 0 and the table says so).
"""

import os
import re
import signal
import subprocess
from collections import Counter  # noqa: F401 (re-exported)

# (bucket, regex on the demangled symbol). Order matters: the first match in the walk wins.
BUCKETS = [
    ("kernel: syscalls, socket I/O, scheduling", None),  # by DSO, see classify()
    ("allocator (jemalloc, malloc/free)",
     re.compile(r"^(je_|_?malloc|_?free|_?realloc|_?calloc|sdallocx|mallocx|rallocx|"
                r"__libc_malloc|__libc_free|operator new|operator delete|tcache_|arena_|"
                r"luaM_realloc_|duet::scripting::LuaPool|duet::scripting::\(anonymous namespace\)::Alloc$)")),
    ("Lua GC", re.compile(r"^(luaC_|propagatemark|sweeplist|singlestep|traversetable|"
                          r"markroot|atomic\b|remarkupvals|cleartable|freeobj|"
                          r"luaF_free|luaH_free|luaE_freethread)")),
    ("Lua libraries (cjson, cmsgpack, struct, bit)",
     re.compile(r"^(json_|strbuf_|lua_cjson|fpconv_|bit_|mp_|msgpack_|cmsgpack|struct_)|"
                # duet's cmsgpack (scripting/lua_cmsgpack.cc) and struct (lua_struct.cc)
                r"^duet::scripting::(\(anonymous namespace\)::)?(DecodeArray|DecodeMap|"
                r"DecodeValue|EncodeTable|EncodeValue|OpenCmsgpack|TableIsArray|UnpackFull|"
                r"UnpackLimit|UnpackOne|Pack|Unpack|PushString|ControlOption|CorrectBytes|"
                r"GetInteger|GetNum|OpenStruct|OptSize|PutInteger|ToAlign|Size)(\(|$)")),
    ("Lua interpreter (VM, tables, strings)",
     re.compile(r"^(lua[A-Z]_|lua_|luaL_|luaopen_|luai_|str_|tbl_|math_|luaB_|auxsort|"
                r"index2adr|callrethooks|retstr|precall|poscall|adjust_varargs|"
                r"tryfuncTM|getcurrenv|newkey|mainposition|hashnum|findindex|resize|"
                r"setnodevector|computesizes|rehash|numusehash|luaS_|luaH_|luaV_|luaD_|"
                r"luaF_|luaT_|luaO_|luaK_|luaY_|luaX_|luaG_|luaE_|luaZ_|luaU_)")),
    ("redis.call bridge (argument/reply conversion, script cache)",
     re.compile(r"^duet::scripting::|^duet::.*(Script|Lua)|"
                # redis-server 7.0's script.c/script_lua.c/eval.c
                r"^(luaRedis|luaReply|luaArgsToRedisArgv|redisProtocolToLua|luaCallFunction|"
                r"evalGenericCommand|evalShaCommand|evalCommand|scriptCall|scriptPrepare|"
                r"scriptReset|luaCreateFunction|luaSetTableProtectionRecursively|"
                r"luaMaskCountHook|luaRaiseError|luaPushError|luaError|evalCalcFunctionName|"
                r"evalExtractShebangFlags|luaRegisterRedisAPI|scriptInterrupt)")),
    ("request parsing, replies, socket calls (user space)",
     re.compile(r"^duet::(RequestParser|ReplyBuilder|IoBuffer|EventLoop|net::|protocol::)|"
                r"^duet::Server::(ReadFromClient|WriteToClient|ProcessInput|BeforeSleep|"
                r"FlushPendingWrites|OnClientEvent|HandleClient)|^(__libc_send|__libc_recv|"
                r"send|recv|__send|__recv|epoll_wait|writev|read|write)$|"
                r"^(readQueryFromClient|processInputBuffer|processMultibulkBuffer|"
                r"processInlineBuffer|addReply|_addReply|writeToClient|_writeToClient|"
                r"handleClientsWithPendingWrites|connSocket|aeProcessEvents|aeApiPoll|"
                r"writeHandler|beforeSleep|prepareClientToWrite|setDeferred|resetClient|"
                r"freeClientArgv|clientInstallWriteHandler|readHandler)")),
    ("dispatch (lookup, stats, propagation, keyspace events)",
     re.compile(r"^duet::Server::(Execute|Call|Dispatch|Propagate|Notify)|"
                r"^duet::(CommandTable|CommandStats|LatencyHistogram|WatchRegistry)|"
                r"^duet::Server::|"
                r"^(call|processCommand|lookupCommand|propagate|alsoPropagate|"
                r"propagatePendingCommands|updateCommandLatencyHistogram|afterCommand|"
                r"notifyKeyspaceEvent|signalModifiedKey|touchWatchedKey|"
                r"lookupCommandLogic|commandProcessed)$")),
    ("command execution (types, keyspace, handlers)",
     re.compile(r"^duet::|Command$|^(hashType|listType|setType|zset|zzl|zsl|quicklist|lp[A-Z]|"
                r"stream|rax|lookupKey|dbAdd|dbDelete|dbSetValue|setKey|createObject|"
                r"decrRefCount|incrRefCount|tryObjectEncoding|getDecodedObject|"
                r"createStringObject|expireIfNeeded|genericSetKey|setGenericCommand)")),
]
OTHER = "other (libc memcmp/memcpy whose caller perf could not unwind, std containers)"
_PASS_THROUGH = re.compile(r"^(__memcpy|__memmove|__memset|__memcmp|__strlen|memcpy|memmove|"
                           r"memset|memcmp|strlen|__strchr|strchr|__nss|__GI_|_IO_|"
                           r"__vsnprintf|vsnprintf|snprintf|__printf|\[unknown\]|"
                           # redis-server's shared helpers: their caller says what they serve
                           r"sds|dict|zmalloc|zfree|zrealloc|ztry|zcalloc|zlibc|ll2string|"
                           r"string2ll|ustime|mstime|getMonotonic|siphash|listAddNode|listDel)")


def _classify(frames):
    """frames: [(symbol, dso)] from the leaf up. Returns a bucket name."""
    if not frames:
        return OTHER
    sym, dso = frames[0]
    if "kernel" in dso or dso.startswith("[") and dso != "[unknown]":
        return BUCKETS[0][0]
    for sym, dso in frames:
        if "libjemalloc" in dso:
            return BUCKETS[1][0]
        for name, rx in BUCKETS[1:]:
            if rx.search(sym):
                return name
        if _PASS_THROUGH.search(sym) or "libc" in dso:
            continue
        # Unrecognised code: keep walking only through shared-library helpers.
        if dso.endswith(".so") or ".so." in dso:
            continue
        return OTHER
    return OTHER


class Profiler:
    """perf record -g on one PID between start() and stop()."""

    def __init__(self, pid, out_path, freq=1999):
        self.pid = pid
        self.out = out_path
        self.freq = freq
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["perf", "record", "-q", "-F", str(self.freq), "-g", "-p", str(self.pid), "-o",
             self.out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def buckets(perf_data):
    """{bucket: samples} of a perf.data file (Counter; empty when perf failed)."""
    if not os.path.exists(perf_data):
        return Counter()
    proc = subprocess.run(["perf", "script", "-i", perf_data, "-F", "ip,sym,dso"],
                          capture_output=True, text=True, errors="replace")
    counts = Counter()
    frames = []
    frame_rx = re.compile(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$")
    for line in proc.stdout.splitlines() + [""]:
        if not line.strip():
            if frames:
                counts[_classify(frames)] += 1
            frames = []
            continue
        m = frame_rx.match(line)
        if m:
            sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(1))
            frames.append((sym, os.path.basename(m.group(2)) if "/" in m.group(2)
                           else m.group(2)))
    return counts


def ordered_names():
    return [b[0] for b in BUCKETS] + [OTHER]
