// DEBUG: Redis 7.0.15's subcommands, answered as debug.c does, except those whose subsystem
// is missing (LOADAOF comes with the AOF; SDSLEN and
// CLIENT-EVICTION answer as an unknown subcommand); HELP lists
// Redis's full set. The data views (OBJECT, DIGEST, LISTPACK, ...) are in debug_data.cc.
// Settings that Redis keeps as globals (QUICKLIST-PACKED-THRESHOLD, PAUSE-CRON, ...) live in
// Config as non-directive fields. Crash subcommands (SEGFAULT, PANIC, ASSERT, OOM) crash.
// DEBUG is a protected command: the dispatcher refuses it unless enable-debug-command allows.
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "commands/help_reply.h"
#include "common/glob.h"
#include "common/log.h"
#include "common/strutil.h"
#include "config/config_values.h"
#include "persistence/rdb_file.h"
#include "protocol/errors.h"
#include "server/debug_data.h"
#include "server/server_commands.h"
#include "server/server_context.h"
#include "types/quicklist.h"

#ifdef DUET_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#pragma weak mallctl  // as in memory_stats.cc: null when the binary has no jemalloc
#endif

namespace duet {

namespace {

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

// Redis's atoi() on an argument (a C string: it ends at a NUL byte).
int Atoi(std::string_view arg) {
  std::string text(arg.substr(0, arg.find('\0')));
  return atoi(text.c_str());
}

// Redis's getLongLongFromObjectOrReply with the default message.
std::optional<int64_t> LongLongArg(ServerContext& ctx, std::string_view arg) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v) ctx.reply().Error(errors::kNotInteger);
  return v;
}

[[noreturn]] void Crash(std::string_view why) {
  Log(LogLevel::kWarning, "{}", why);
  abort();
}

void PackedThreshold(ServerContext& ctx, std::string_view arg) {
  // Redis's memtoull reads a C string; 0 restores the default.
  std::optional<uint64_t> sz = ParseMemory(arg.substr(0, arg.find('\0')));
  if (!sz || *sz > Quicklist::kMaxPackedThreshold) {
    return ctx.reply().Error(errors::kPackedThreshold);
  }
  ctx.server().config().list_packed_threshold = *sz == 0 ? Quicklist::kDefaultPackedThreshold : *sz;
  ctx.reply().Ok();
}

// sizeof of Redis's core structures on a 64-bit build (DEBUG STRUCTSIZE reports Redis's).
void StructSize(ServerContext& ctx) {
  ctx.reply().Bulk(
      "bits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 ");
}

#ifdef DUET_HAVE_JEMALLOC
// DEBUG MALLCTL name [value]: reads (and writes) an integer, trying 8, 4, 2 and 1 bytes.
void MallctlInt(ServerContext& ctx, ArgReader& args) {
  std::string name(args[1].substr(0, args[1].find('\0')));
  int64_t val = 0;
  bool write = args.size() > 2;
  if (write) {
    std::optional<int64_t> v = LongLongArg(ctx, args[2]);
    if (!v) return;
    val = *v;
  }
  int64_t old = 0;
  size_t sz = sizeof(old);
  while (sz > 0) {
    int ret = mallctl(name.c_str(), &old, &sz, write ? &val : nullptr, write ? sz : 0);
    if (ret == 0) return ctx.reply().Integer(old);
    if (ret == EPERM && write && mallctl(name.c_str(), nullptr, nullptr, &val, sz) == 0) {
      return ctx.reply().Ok();  // write-only
    }
    if (ret != EINVAL) return ctx.reply().Error(std::string("ERR ") + strerror(ret));
    sz /= 2;  // a smaller integer
  }
  ctx.reply().Error(std::string("ERR ") + strerror(EINVAL));
}

// DEBUG MALLCTL-STR name [value|VOID]: reads (and writes) a string option.
void MallctlStr(ServerContext& ctx, ArgReader& args) {
  std::string name(args[1].substr(0, args[1].find('\0')));
  const char* old = nullptr;
  size_t sz = sizeof(old);
  int rret = mallctl(name.c_str(), &old, &sz, nullptr, 0);
  bool write = args.size() > 2;
  if (rret != 0 && !(rret == EPERM && write)) {
    return ctx.reply().Error(std::string("ERR ") + strerror(rret));
  }
  int wret = 0;
  if (write) {
    std::string val(args[2].substr(0, args[2].find('\0')));
    const char* ptr = val.c_str();
    if (val == "VOID") {
      wret = mallctl(name.c_str(), nullptr, nullptr, nullptr, 0);
    } else {
      wret = mallctl(name.c_str(), nullptr, nullptr, &ptr, sizeof(ptr));
    }
  }
  if (rret == 0) return ctx.reply().Bulk(old ? std::string_view(old) : std::string_view());
  if (wret != 0) return ctx.reply().Error(std::string("ERR ") + strerror(wret));
  ctx.reply().Ok();
}
#endif

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty the keyspace (unless
// NOFLUSH) and load the RDB back; MERGE replaces keys and libraries already present instead
// of failing.
void DebugReload(ServerContext& ctx, ArgReader& args) {
  bool flush = true, save = true, merge = false;
  for (size_t i = 1; i < args.size(); i++) {
    if (EqualsIgnoreCase(args[i], "merge")) {
      merge = true;
    } else if (EqualsIgnoreCase(args[i], "noflush")) {
      flush = false;
    } else if (EqualsIgnoreCase(args[i], "nosave")) {
      save = false;
    } else {
      return ctx.reply().Error(errors::kDebugReloadOptions);
    }
  }
  Server& s = ctx.server();
  s.SnapshotDrain();  // a running background save keeps the image of its start
  if (save && !s.SaveRdb().ok()) return ctx.reply().Error(errors::kSaveFailed);
  if (flush) {  // Redis's emptyData: the keys and the function libraries
    s.keyspace().FlushAll();
    s.functions().Flush();
  }
  // Clients are served while it loads (-LOADING); this one waits (Redis's protectClient).
  s.ProtectClient(ctx.client());
  Status st = s.LoadRdb(merge);
  s.UnprotectClient(ctx.client());
  if (st.message() == rdb::kLoadStopped) return;  // SHUTDOWN meanwhile: the server exits
  if (!st.ok()) {
    Log(LogLevel::kWarning, "{}", st.message());
    return ctx.reply().Error(errors::kDebugReloadFailed);
  }
  Log(LogLevel::kNotice, "DB reloaded by DEBUG RELOAD");
  ctx.reply().Ok();
}

void CmdDebug(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Config& config = sctx.server().config();
  std::string_view sub = args[0];
  size_t argc = args.size() + 1;  // Redis's argc, with the command name
  auto is = [&](std::string_view name) { return EqualsWord(sub, name); };
  if (is("help") && argc == 2) {
    DebugHelp(ctx);
  } else if (is("segfault")) {
    Log(LogLevel::kWarning, "DEBUG SEGFAULT: crashing with SIGSEGV");
    raise(SIGSEGV);
  } else if (is("panic")) {
    Crash(fmt::format("Guru Meditation: DEBUG PANIC called at Unix time {}", time(nullptr)));
  } else if (is("restart") || is("crash-and-recover")) {
    // Restarting in place (Redis re-executes its binary) is not supported: Redis's reply when
    // the restart fails.
    if (argc >= 3 && !LongLongArg(sctx, args[1])) return;
    ctx.reply().Error(errors::kRestartFailed);
  } else if (is("oom")) {
    Crash("Out Of Memory: DEBUG OOM");
  } else if (is("assert")) {
    Crash("=== ASSERTION FAILED ===\n==> DEBUG ASSERT: '1 == 2' is not true");
  } else if (is("log") && argc == 3) {
    Log(LogLevel::kWarning, "DEBUG LOG: {}", args[1].substr(0, args[1].find('\0')));
    ctx.reply().Ok();
  } else if (is("leak") && argc == 3) {
    ctx.reply().Ok();  // Redis leaks a copy of the string on purpose; nothing to gain here
  } else if (is("drop-cluster-packet-filter") && argc == 3) {
    if (!LongLongArg(sctx, args[1])) return;
    ctx.reply().Ok();  // no cluster bus
  } else if (is("object") && argc == 3) {
    debug::Object(sctx, args[1]);
  } else if (is("listpack") && argc == 3) {
    debug::Listpack(sctx, args[1]);
  } else if (is("quicklist") && (argc == 3 || argc == 4)) {
    debug::QuicklistRepr(sctx, args[1], argc == 4 && Atoi(args[2]) != 0);
  } else if (is("populate") && argc >= 3 && argc <= 5) {
    DebugPopulate(sctx, args);
  } else if (is("digest") && argc == 2) {
    debug::Digest(sctx);
  } else if (is("digest-value") && argc >= 2) {
    debug::DigestValue(sctx, args.All().subspan(1));
  } else if (is("protocol") && argc == 3) {
    DebugProtocol(sctx, args[1]);
  } else if (is("sleep") && argc == 3) {
    // Redis parses with strtod and no validation: junk sleeps 0, negatives do not sleep.
    std::string text(args[1]);
    double seconds = strtod(text.c_str(), nullptr);
    auto us = static_cast<long long>(seconds * 1000000);
    if (us > 0) std::this_thread::sleep_for(std::chrono::microseconds(us));
    ctx.reply().Ok();
  } else if ((is("reload") || is("loadaof")) && sctx.server().loading()) {
    // A load inside a load (DEBUG has the loading flag) would empty the keyspace under the
    // running loader: refused (Redis would start it).
    ctx.reply().Error(errors::kLoading);
  } else if (is("reload")) {
    DebugReload(sctx, args);
  } else if (is("loadaof")) {
    // Flush the AOF buffer, empty the keyspace and load the AOF back (Redis exits when it
    // cannot). Clients are served while it loads; this one waits.
    Server& s = sctx.server();
    s.ProtectClient(sctx.client());
    Status st = s.DebugLoadAof();
    s.UnprotectClient(sctx.client());
    if (st.message() == rdb::kLoadStopped) return;  // SHUTDOWN meanwhile: the server exits
    if (!st.ok()) {
      Log(LogLevel::kWarning, "{}", st.message());
      std::exit(1);
    }
    Log(LogLevel::kNotice, "Append Only File loaded by DEBUG LOADAOF");
    ctx.reply().Ok();
  } else if (is("set-active-expire") && argc == 3) {
    config.active_expire_enabled = Atoi(args[1]) != 0;
    ctx.reply().Ok();
  } else if (is("quicklist-packed-threshold") && argc == 3) {
    PackedThreshold(sctx, args[1]);
  } else if (is("set-skip-checksum-validation") && argc == 3) {
    config.skip_checksum_validation = Atoi(args[1]) != 0;
    ctx.reply().Ok();
  } else if (is("aof-flush-sleep") && argc == 3) {
    config.aof_flush_sleep_us = Atoi(args[1]);
    ctx.reply().Ok();
  } else if (is("replicate") && argc >= 3) {
    ctx.reply().Ok();  // no replicas to feed
  } else if (is("error") && argc == 3) {
    // Written as-is after a '-' (newlines become spaces); Redis does not count it as an
    // error reply in its stats, so it bypasses ReplyBuilder::Error.
    std::string line = "-" + std::string(args[1]);
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    line += "\r\n";
    ctx.reply().Raw(line);
  } else if (is("structsize") && argc == 2) {
    StructSize(sctx);
  } else if (is("htstats") && argc == 3) {
    debug::Htstats(sctx, args[1]);
  } else if (is("htstats-key") && argc == 3) {
    debug::HtstatsKey(sctx, args[1]);
  } else if (is("config-rewrite-force-all") && argc == 2) {
    // CONFIG REWRITE writing every directive, defaults included (Redis's force_write).
    std::string err = sctx.server().config_table().Rewrite(/*force_all=*/true);
    if (err.empty()) return ctx.reply().Ok();
    size_t colon = err.rfind(": ");
    ctx.reply().Error("ERR CONFIG-REWRITE-FORCE-ALL failed: " +
                      (colon == std::string::npos ? err.substr(4) : err.substr(colon + 2)));
  } else if (is("change-repl-id") && argc == 2) {
    Log(LogLevel::kWarning, "Changing replication IDs after receiving DEBUG change-repl-id");
    sctx.server().stats().master_replid.clear();  // a fresh one is drawn on next use
    ctx.reply().Ok();
  } else if (is("replybuffer") && argc == 4) {
    sctx.server().DebugReplyBuffer(ctx.reply(), ctx.name(), sub, args[1], args[2]);
  } else if (is("stringmatch-test") && argc == 2) {
    StringmatchFuzz();
    ctx.reply().SimpleString("Apparently Redis did not crash: test passed");
  } else if (is("set-disable-deny-scripts") && argc == 3) {
    config.script_disable_deny_script = Atoi(args[1]) != 0;
    ctx.reply().Ok();
#ifdef DUET_HAVE_JEMALLOC
  } else if (is("mallctl") && argc >= 3 && &mallctl != nullptr) {
    MallctlInt(sctx, args);
  } else if (is("mallctl-str") && argc >= 3 && &mallctl != nullptr) {
    MallctlStr(sctx, args);
#endif
  } else if (is("pause-cron") && argc == 3) {
    config.pause_cron = Atoi(args[1]) != 0;
    ctx.reply().Ok();
  } else if (is("clusterlink") && argc == 5 && EqualsWord(args[1], "kill")) {
    ctx.reply().Error(errors::kNoClusterMode);
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
