// DUMP and RESTORE (Redis's cluster.c commands), on the RDB value encoding of persistence/.
// Payloads are always validated in depth (sanitize-dump-payload's "yes"): a bad payload is
// "Bad data format", never a crash.
#include "common/log.h"
#include "common/strutil.h"
#include "keyspace/lfu.h"
#include "persistence/dump_payload.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

void CmdDump(CommandContext& ctx, ArgReader& args) {
  Entry* e = ctx.db().FindRead(args[0]);
  if (e == nullptr) return ctx.reply().Null();
  ctx.reply().Bulk(rdb::CreateDumpPayload(*e, ctx.config().rdbcompression));
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
void CmdRestore(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t j = 3; j < args.size(); j++) {
    size_t additional = args.size() - j - 1;
    if (EqualsIgnoreCase(args[j], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[j], "absttl")) {
      absttl = true;
    } else if (EqualsIgnoreCase(args[j], "idletime") && additional >= 1 && freq == -1) {
      std::optional<int64_t> v = ParseInt64(args[++j]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      if (*v < 0) return ctx.reply().Error(errors::kInvalidIdle);
      idle = *v;
    } else if (EqualsIgnoreCase(args[j], "freq") && additional >= 1 && idle == -1) {
      std::optional<int64_t> v = ParseInt64(args[++j]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      if (*v < 0 || *v > 255) return ctx.reply().Error(errors::kInvalidFreq);
      freq = *v;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  Db& db = ctx.db();
  if (!replace && db.Find(key)) return ctx.reply().Error(errors::kBusyKey);
  std::optional<int64_t> ttl = ParseInt64(args[1]);
  if (!ttl) return ctx.reply().Error(errors::kNotInteger);
  if (*ttl < 0) return ctx.reply().Error(errors::kInvalidTtl);
  std::string_view payload = args[2];
  if (!rdb::VerifyDumpPayload(payload, ctx.config().skip_checksum_validation)) {
    return ctx.reply().Error(errors::kBadDumpPayload);
  }
  Entry* e = nullptr;
  std::string error;
  if (rdb::LoadDumpPayload(payload, key, ctx.config(), &e, &error) != rdb::LoadOutcome::kOk) {
    // Logged as Redis's rdbReportError logs it in a RESTORE context (verbose).
    Log(LogLevel::kVerbose, "Internal error in RDB reading -> {}", error);
    return ctx.reply().Error(errors::kBadRestoreData);
  }
  bool deleted = replace && db.Delete(key);
  int64_t expire = *ttl;
  if (expire != 0 && !absttl) expire += ctx.now_ms();
  if (expire != 0 && expire <= ctx.now_ms() && !ctx.keyspace().ctx().loading) {
    // Already expired: the key is gone (Redis propagates a DEL when it replaced one).
    Entry::Free(e);
    if (deleted) {
      ctx.KeyModified(key, kNotifyGeneric, "del");
      if (ctx.propagating()) ctx.PropagateAs({"DEL", std::string(key)});
    }
    return ctx.reply().Ok();
  }
  if (expire != 0) e = Entry::WithExpire(e, expire);
  uint64_t h = KeyTable::Hash(key);
  db.Add(e, h);
  KeyspaceContext& kctx = ctx.keyspace().ctx();
  if (kctx.lfu ? freq >= 0 : idle >= 0) {
    KeyTable::SlotRef slot = db.table().Find(key, h);
    if (kctx.lfu) {
      slot.set_meta(lfu::Pack(lfu::Minutes(ctx.now_ms()), static_cast<uint8_t>(freq)));
    } else {
      slot.set_meta(
          ctx.keyspace().lru_clock().StampForIdle(static_cast<uint64_t>(idle), ctx.now_ms()));
    }
  }
  ctx.KeyModified(key, kNotifyGeneric, "restore");
  // A relative TTL is replayed as the absolute time it stood for (ttl rewritten, ABSTTL
  // appended), as Redis's restoreCommand.
  if (expire != 0 && !absttl && ctx.propagating()) {
    std::vector<std::string> argv{std::string(ctx.name())};
    for (std::string_view a : args.All()) argv.emplace_back(a);
    argv[2] = std::to_string(expire);
    argv.emplace_back("ABSTTL");
    ctx.PropagateAs(std::move(argv));
  }
  ctx.reply().Ok();
}

}  // namespace

void RegisterDumpCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "dump",
             .arity = 2,
             .flags = F::kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdDump,
             .acl_categories = "@keyspace @read @slow"});
  table.Add({.name = "restore",
             .arity = -4,
             .flags = F::kWrite | F::kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdRestore,
             .acl_categories = "@keyspace @write @slow @dangerous"});
}

}  // namespace duet
