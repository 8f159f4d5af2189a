// DEBUG: the subcommands that need no missing subsystem — SLEEP, SET-ACTIVE-EXPIRE, LOG,
// OBJECT, ERROR, PROTOCOL, POPULATE, STRINGMATCH-TEST, HELP. The others (RELOAD, LOADAOF, DIGEST,
// LISTPACK, ...) answer as an unknown subcommand until their subsystem exists; HELP lists Redis's
// full set. DEBUG is a protected command: the dispatcher refuses it unless enable-debug-command
// allows.
#include <liblzf/lzf.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <thread>

#include "commands/help_reply.h"
#include "common/glob.h"
#include "common/log.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"
#include "types/list_type.h"

namespace duet {

namespace {

constexpr int64_t kSharedIntegers = 10000;       // OBJ_SHARED_INTEGERS
constexpr int64_t kSharedRefcount = INT32_MAX;   // OBJ_SHARED_REFCOUNT
constexpr int64_t kLruClockMax = (1 << 24) - 1;  // LRU_CLOCK_MAX

// Redis's rdbSaveLen: bytes of an RDB length prefix.
size_t RdbLenBytes(uint64_t len) {
  if (len < (1 << 6)) return 1;
  if (len < (1 << 14)) return 2;
  if (len <= UINT32_MAX) return 5;
  return 9;
}

// Bytes Redis's RDB writer spends on a string value (rdbSaveRawString): an integer that
// round-trips and fits 32 bits is stored in 2/3/5 bytes; longer strings are LZF-compressed
// when rdbcompression is on and that saves at least 4 bytes; else length prefix + bytes.
// duet links the system liblzf, whose output can differ from Redis's bundled copy by a byte
// on some inputs.
size_t RdbStringLength(std::string_view s, bool compress) {
  if (s.size() <= 11) {
    std::optional<int64_t> v = ParseInt64(s);
    if (v && *v >= INT32_MIN && *v <= INT32_MAX) {
      if (*v >= INT8_MIN && *v <= INT8_MAX) return 2;
      if (*v >= INT16_MIN && *v <= INT16_MAX) return 3;
      return 5;
    }
  }
  if (compress && s.size() > 20) {
    std::string out(s.size() - 4, '\0');
    unsigned n = lzf_compress(s.data(), static_cast<unsigned>(s.size()), out.data(),
                              static_cast<unsigned>(out.size()));
    if (n > 0) return 1 + RdbLenBytes(n) + RdbLenBytes(s.size()) + n;
  }
  return RdbLenBytes(s.size()) + s.size();
}

// Redis shares the objects of the integers 0..9999 unless an LRU/LFU policy needs per-key
// access data; DEBUG OBJECT shows such a value with the shared object's refcount and age.
bool IsSharedInteger(const Entry& e, const Config& config) {
  if (e.type() != ValueType::kString || e.encoding() != StringEncoding::kInt) return false;
  const std::string& policy = config.maxmemory_policy;
  bool per_key_lru = policy.ends_with("-lru") || policy.ends_with("-lfu");
  if (config.maxmemory != 0 && per_key_lru) return false;
  std::optional<int64_t> v = ParseInt64(e.str());
  return v && *v >= 0 && *v < kSharedIntegers;
}

// Redis's 24-bit object "lru" field for a key's access metadata: the LRU clock in seconds,
// or under LFU (minutes << 8 | counter).
int64_t RedisLruField(uint16_t meta, int64_t now_ms, bool lfu, uint64_t idle_s) {
  if (lfu) {
    // duet keeps the low 8 bits of the minute clock; rebuild Redis's 16 bits from now.
    int64_t minutes = now_ms / 60000;
    int64_t elapsed = static_cast<uint8_t>(static_cast<uint8_t>(minutes) - (meta >> 8));
    return (((minutes - elapsed) & 0xffff) << 8) | (meta & 0xff);
  }
  return (now_ms / 1000 - static_cast<int64_t>(idle_s)) & kLruClockMax;
}

// Redis's estimateObjectIdleTime, in seconds, from the 24-bit field.
int64_t RedisIdleSeconds(int64_t lru, int64_t now_ms) {
  int64_t clock = (now_ms / 1000) & kLruClockMax;
  return clock >= lru ? clock - lru : clock + (kLruClockMax - lru);
}

void DebugObject(ServerContext& ctx, std::string_view key) {
  // Like Redis's dictFind: no expiry check and no LRU update.
  KeyTable::SlotRef slot = ctx.db().table().Find(key);
  if (!slot) return ctx.reply().Error(errors::kNoSuchKey);
  const auto* e = static_cast<const Entry*>(slot.get());
  const Config& config = ctx.config();
  bool lfu = ctx.keyspace().ctx().lfu;
  int64_t now = ctx.now_ms();
  bool shared = IsSharedInteger(*e, config);
  int64_t lru;
  if (shared) {
    lru = (ctx.server().start_time_ms() / 1000) & kLruClockMax;  // created at startup
  } else {
    lru = RedisLruField(slot.meta(), now, lfu, ctx.keyspace().IdleSeconds(slot.meta()));
  }
  // Non-string values are sized by the RDB writer of their type; until persistence/ exists
  // there is none, and 0 is reported.
  size_t serialized =
      e->type() == ValueType::kString ? RdbStringLength(e->str(), config.rdbcompression) : 0;
  char buf[256];
  snprintf(buf, sizeof(buf),
           "Value at:%p refcount:%lld encoding:%.*s serializedlength:%zu lru:%lld "
           "lru_seconds_idle:%lld",
           static_cast<const void*>(e), static_cast<long long>(shared ? kSharedRefcount : 1),
           static_cast<int>(EncodingName(*e).size()), EncodingName(*e).data(), serialized,
           static_cast<long long>(lru), static_cast<long long>(RedisIdleSeconds(lru, now)));
  std::string out = buf;
  if (e->type() == ValueType::kList) {
    // Redis's quicklist figures; ql_listpack_max is the fill option, ql_compressed whether
    // the list has a compress depth.
    const Quicklist& ql = static_cast<const lists::ListValue*>(e->object())->ql();
    snprintf(buf, sizeof(buf),
             " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d "
             "ql_uncompressed_size:%zu",
             ql.node_count(), static_cast<double>(ql.size()) / ql.node_count(), ql.fill(),
             ql.compress_depth() != 0, ql.uncompressed_bytes());
    out += buf;
  }
  ctx.reply().SimpleString(out);
}

void DebugProtocol(ServerContext& ctx, std::string_view type) {
  ReplyBuilder& r = ctx.reply();
  bool resp3 = r.resp3();
  if (EqualsIgnoreCase(type, "string")) {
    r.Bulk("Hello World");
  } else if (EqualsIgnoreCase(type, "integer")) {
    r.Integer(12345);
  } else if (EqualsIgnoreCase(type, "double")) {
    r.Double(3.141);
  } else if (EqualsIgnoreCase(type, "bignum")) {
    constexpr std::string_view kBig = "1234567999999999999999999999999999999";
    if (resp3) {
      r.Raw("(" + std::string(kBig) + "\r\n");
    } else {
      r.Bulk(kBig);
    }
  } else if (EqualsIgnoreCase(type, "null")) {
    r.Null();
  } else if (EqualsIgnoreCase(type, "array")) {
    r.ArrayHeader(3);
    for (int j = 0; j < 3; j++) r.Integer(j);
  } else if (EqualsIgnoreCase(type, "set")) {
    r.SetHeader(3);
    for (int j = 0; j < 3; j++) r.Integer(j);
  } else if (EqualsIgnoreCase(type, "map")) {
    r.MapHeader(3);
    for (int j = 0; j < 3; j++) {
      r.Integer(j);
      r.Bool(j == 1);
    }
  } else if (EqualsIgnoreCase(type, "attrib")) {
    // RESP2 has no attributes; the real reply follows either way.
    if (resp3) r.Raw("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n");
    r.Bulk("Some real reply following the attribute");
  } else if (EqualsIgnoreCase(type, "push")) {
    if (!resp3) return r.Error(errors::kResp2NotSupported);
    r.PushHeader(2);
    r.Bulk("server-cpu-usage");
    r.Integer(42);
    r.Bulk("Some real reply following the push reply");
  } else if (EqualsIgnoreCase(type, "true")) {
    r.Bool(true);
  } else if (EqualsIgnoreCase(type, "false")) {
    r.Bool(false);
  } else if (EqualsIgnoreCase(type, "verbatim")) {
    r.Verbatim("This is a verbatim\nstring", "txt");
  } else {
    r.Error(errors::kDebugProtocolType);
  }
}

// Redis's getPositiveLongFromObjectOrReply with its default message.
std::optional<int64_t> NonNegative(ServerContext& ctx, std::string_view arg) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v || *v < 0) {
    ctx.reply().Error(errors::kNotPositive);
    return std::nullopt;
  }
  return v;
}

void DebugPopulate(ServerContext& ctx, ArgReader& args) {
  std::optional<int64_t> keys = NonNegative(ctx, args[1]);
  if (!keys) return;
  // Redis pre-sizes its dict and fails when the table could never be allocated.
  if (*keys > (int64_t{1} << 48)) return ctx.reply().Error(errors::kDictExpandOom);
  int64_t valsize = 0;
  if (args.size() == 4) {
    std::optional<int64_t> v = NonNegative(ctx, args[3]);
    if (!v) return;
    valsize = *v;
  }
  // Redis formats with %s (up to a NUL) into a 128-byte buffer.
  std::string_view prefix = args.size() >= 3 ? args[2] : std::string_view("key");
  prefix = prefix.substr(0, prefix.find('\0'));
  Db& db = ctx.db();
  std::string key, value;
  for (int64_t j = 0; j < *keys; j++) {
    key.assign(prefix);
    key += ':';
    key += Int64ToString(j);
    if (key.size() > 127) key.resize(127);
    uint64_t hash = KeyTable::Hash(key);
    if (db.Find(key, hash)) continue;
    value = "value:" + Int64ToString(j);
    if (valsize != 0) value.resize(static_cast<size_t>(valsize), '\0');
    // Redis creates these without integer encoding and does not count them as changes.
    db.Add(Entry::NewString(key, value, Entry::kNoExpire), hash);
  }
  ctx.reply().Ok();
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(
      ctx.reply(), ctx.name(),
      {"AOF-FLUSH-SLEEP <microsec>",
       "    Server will sleep before flushing the AOF, this is used for testing.",
       "ASSERT",
       "    Crash by assertion failed.",
       "CHANGE-REPL-ID",
       "    Change the replication IDs of the instance.",
       "    Dangerous: should be used only for testing the replication subsystem.",
       "CONFIG-REWRITE-FORCE-ALL",
       "    Like CONFIG REWRITE but writes all configuration options, including",
       "    keywords not listed in original configuration file or default values.",
       "CRASH-AND-RECOVER [<milliseconds>]",
       "    Hard crash and restart after a <milliseconds> delay (default 0).",
       "DIGEST",
       "    Output a hex signature representing the current DB content.",
       "DIGEST-VALUE <key> [<key> ...]",
       "    Output a hex signature of the values of all the specified keys.",
       "ERROR <string>",
       "    Return a Redis protocol error with <string> as message. Useful for clients",
       "    unit tests to simulate Redis errors.",
       "LEAK <string>",
       "    Create a memory leak of the input string.",
       "LOG <message>",
       "    Write <message> to the server log.",
       "HTSTATS <dbid>",
       "    Return hash table statistics of the specified Redis database.",
       "HTSTATS-KEY <key>",
       "    Like HTSTATS but for the hash table stored at <key>'s value.",
       "LOADAOF",
       "    Flush the AOF buffers on disk and reload the AOF in memory.",
       "REPLICATE <string>",
       "    Replicates the provided string to replicas, allowing data divergence.",
       "MALLCTL <key> [<val>]",
       "    Get or set a malloc tuning integer.",
       "MALLCTL-STR <key> [<val>]",
       "    Get or set a malloc tuning string.",
       "OBJECT <key>",
       "    Show low level info about `key` and associated value.",
       "DROP-CLUSTER-PACKET-FILTER <packet-type>",
       "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
       "OOM",
       "    Crash the server simulating an out-of-memory error.",
       "PANIC",
       "    Crash the server simulating a panic.",
       "POPULATE <count> [<prefix>] [<size>]",
       "    Create <count> string keys named key:<num>. If <prefix> is specified then",
       "    it is used instead of the 'key' prefix. These are not propagated to",
       "    replicas. Cluster slots are not respected so keys not belonging to the",
       "    current node can be created in cluster mode.",
       "PROTOCOL <type>",
       "    Reply with a test value of the specified type. <type> can be: string,",
       "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
       "    true, false.",
       "RELOAD [option ...]",
       "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
       "    * MERGE: conflicting keys will be loaded from RDB.",
       "    * NOFLUSH: the existing database will not be removed before load, but",
       "      conflicting keys will generate an exception and kill the server.",
       "    * NOSAVE: the database will be loaded from an existing RDB file.",
       "    Examples:",
       "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
       "      the database.",
       "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
       "      existing RDB file.",
       "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
       "      file to the database.",
       "RESTART [<milliseconds>]",
       "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
       "SDSLEN <key>",
       "    Show low level SDS string info representing `key` and value.",
       "SEGFAULT",
       "    Crash the server with sigsegv.",
       "SET-ACTIVE-EXPIRE <0|1>",
       "    Setting it to 0 disables expiring keys in background when they are not",
       "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
       "    default.",
       "QUICKLIST-PACKED-THRESHOLD <size>",
       "    Sets the threshold for elements to be inserted as plain vs packed nodes",
       "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
       "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
       "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
       "SLEEP <seconds>",
       "    Stop the server for <seconds>. Decimals allowed.",
       "STRINGMATCH-TEST",
       "    Run a fuzz tester against the stringmatchlen() function.",
       "STRUCTSIZE",
       "    Return the size of different Redis core C structures.",
       "LISTPACK <key>",
       "    Show low level info about the listpack encoding of <key>.",
       "QUICKLIST <key> [<0|1>]",
       "    Show low level info about the quicklist encoding of <key>.",
       "    The optional argument (0 by default) sets the level of detail",
       "CLIENT-EVICTION",
       "    Show low level client eviction pools info (maxmemory-clients).",
       "PAUSE-CRON <0|1>",
       "    Stop periodic cron job processing.",
       "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
       "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
       "    In case NEVER is provided the last observed peak will never be reset",
       "    In case RESET is provided the peak reset time will be restored to the default value",
       "REPLYBUFFER RESIZING <0|1>",
       "    Enable or disable the reply buffer resize cron job",
       "CLUSTERLINK KILL <to|from|all> <node-id>",
       "    Kills the link based on the direction to/from (both) with the provided node."});
}

// DEBUG STRINGMATCH-TEST: Redis's stringmatchlen_fuzz_test. Ten million random patterns and
// strings of up to 31 bytes below 128 through the glob matcher; only surviving counts. (There
// is no STRINGMATCH-LEN in Redis 7.0.15: it answers as an unknown subcommand.)
void StringmatchFuzz() {
  std::minstd_rand rng(static_cast<uint32_t>(time(nullptr)));
  char str[32], pat[32];
  size_t matches = 0;
  for (int cycle = 0; cycle < 10000000; cycle++) {
    size_t str_len = rng() % sizeof(str), pat_len = rng() % sizeof(pat);
    for (size_t j = 0; j < str_len; j++) str[j] = static_cast<char>(rng() % 128);
    for (size_t j = 0; j < pat_len; j++) pat[j] = static_cast<char>(rng() % 128);
    matches += GlobMatch({pat, pat_len}, {str, str_len});
  }
  Log(LogLevel::kDebug, "DEBUG STRINGMATCH-TEST: {} matches", matches);
}

void CmdDebug(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  std::string_view sub = args[0];
  size_t argc = args.size() + 1;  // Redis's argc, with the command name
  if (EqualsIgnoreCase(sub, "help") && argc == 2) {
    DebugHelp(ctx);
  } else if (EqualsIgnoreCase(sub, "sleep") && argc == 3) {
    // Redis parses with strtod and no validation: junk sleeps 0, negatives do not sleep.
    std::string text(args[1]);
    double seconds = strtod(text.c_str(), nullptr);
    auto us = static_cast<long long>(seconds * 1000000);
    if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
    ctx.reply().Ok();
  } else if (EqualsIgnoreCase(sub, "set-active-expire") && argc == 3) {
    std::string text(args[1]);
    sctx.server().config().active_expire_enabled = atoi(text.c_str()) != 0;  // Redis's atoi
    ctx.reply().Ok();
  } else if (EqualsIgnoreCase(sub, "log") && argc == 3) {
    Log(LogLevel::kWarning, "DEBUG LOG: {}", args[1].substr(0, args[1].find('\0')));
    ctx.reply().Ok();
  } else if (EqualsIgnoreCase(sub, "object") && argc == 3) {
    DebugObject(sctx, args[1]);
  } else if (EqualsIgnoreCase(sub, "error") && argc == 3) {
    // Written as-is after a '-' (newlines become spaces); Redis does not count it as an
    // error reply in its stats, so it bypasses ReplyBuilder::Error.
    std::string line = "-" + std::string(args[1]);
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    line += "\r\n";
    ctx.reply().Raw(line);
  } else if (EqualsIgnoreCase(sub, "protocol") && argc == 3) {
    DebugProtocol(sctx, args[1]);
  } else if (EqualsIgnoreCase(sub, "populate") && argc >= 3 && argc <= 5) {
    DebugPopulate(sctx, args);
  } else if (EqualsIgnoreCase(sub, "stringmatch-test") && argc == 2) {
    StringmatchFuzz();
    ctx.reply().SimpleString("Apparently Redis did not crash: test passed");
  } else {
    ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), sub));
  }
}

}  // namespace

void RegisterDebugCommand(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "debug",
             .arity = -2,
             .flags = F::kAdmin | F::kNoScript | F::kLoading | F::kStale | F::kProtected,
             .handler = CmdDebug,
             .acl_categories = "@admin @slow @dangerous"});
}

}  // namespace duet
