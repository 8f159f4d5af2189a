// Generic key commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE SWAPDB
// RANDOMKEY DBSIZE FLUSHDB FLUSHALL OBJECT. The TTL commands are in expire_cmds.cc, KEYS and
// SCAN in scan_cmds.cc; the keyspace semantics are in keyspace/key_ops.h.
#include <climits>
#include <optional>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/help_reply.h"
#include "keyspace/key_ops.h"
#include "keyspace/lfu.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using F = CmdFlag;

// Redis's getIntFromObjectOrReply: a strict 64-bit integer that must fit an int. Replies
// `not_int` or `out_of_range` and returns nullopt on failure.
std::optional<int> ParseIntOrReply(CommandContext& ctx, std::string_view arg,
                                   std::string_view not_int, std::string_view out_of_range) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v) {
    ctx.reply().Error(not_int);
    return std::nullopt;
  }
  if (*v < INT_MIN || *v > INT_MAX) {
    ctx.reply().Error(out_of_range);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

// A database index argument of COPY/MOVE: an int, then an existing database.
std::optional<int> ParseDbIndexOrReply(CommandContext& ctx, std::string_view arg) {
  std::optional<int> id = ParseIntOrReply(ctx, arg, errors::kNotInteger, errors::kIntOutOfRange);
  if (!id) return std::nullopt;
  if (*id < 0 || *id >= ctx.keyspace().db_count()) {
    ctx.reply().Error(errors::kDbIndexOutOfRange);
    return std::nullopt;
  }
  return id;
}

// DEL and UNLINK differ only in who frees a large value: UNLINK (and DEL under
// lazyfree-lazy-user-del) leaves it to the lazy-free thread.
void DeleteKeys(CommandContext& ctx, ArgReader& args, bool lazy) {
  LazyFreer* freer = lazy ? &ctx.keyspace().lazy_freer() : nullptr;
  int64_t deleted = 0;
  while (args.HasNext()) {
    std::string_view key = args.Next();
    if (keyops::DeleteKey(ctx.db(), key, freer)) {
      deleted++;
      ctx.KeyModified(key, kNotifyGeneric, "del");
    }
  }
  ctx.reply().Integer(deleted);
}

void CmdDel(CommandContext& ctx, ArgReader& args) {
  DeleteKeys(ctx, args, ctx.config().lazyfree_lazy_user_del);
}
void CmdUnlink(CommandContext& ctx, ArgReader& args) { DeleteKeys(ctx, args, true); }

void CmdExists(CommandContext& ctx, ArgReader& args) {
  int64_t n = 0;
  while (args.HasNext()) {
    if (keyops::PeekRead(ctx.db(), args.Next())) n++;
  }
  ctx.reply().Integer(n);
}

void CmdTouch(CommandContext& ctx, ArgReader& args) {
  int64_t n = 0;
  while (args.HasNext()) {
    if (ctx.db().FindRead(args.Next())) n++;
  }
  ctx.reply().Integer(n);
}

void CmdType(CommandContext& ctx, ArgReader& args) {
  Entry* e = keyops::PeekRead(ctx.db(), args.Next());
  ctx.reply().SimpleString(e ? TypeName(e->type()) : "none");
}

void RenameGeneric(CommandContext& ctx, ArgReader& args, bool nx) {
  std::string_view src = args.Next();
  std::string_view dst = args.Next();
  Result<keyops::RenameOutcome> r = keyops::Rename(ctx.db(), src, dst, nx);
  if (!r.ok()) return ctx.reply().Error(r.status());
  if (*r == keyops::RenameOutcome::kRenamed) {
    ctx.KeyModified(src, kNotifyGeneric, "rename_from");
    ctx.KeyModified(dst, kNotifyGeneric, "rename_to");
  }
  if (nx) {
    ctx.reply().Integer(*r == keyops::RenameOutcome::kRenamed ? 1 : 0);
  } else {
    ctx.reply().Ok();
  }
}

void CmdRename(CommandContext& ctx, ArgReader& args) { RenameGeneric(ctx, args, false); }
void CmdRenameNx(CommandContext& ctx, ArgReader& args) { RenameGeneric(ctx, args, true); }

// COPY source destination [DB destination-db] [REPLACE]
void CmdCopy(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  std::string_view new_key = args.Next();
  int dst_index = ctx.db_index();
  bool replace = false;
  while (args.HasNext()) {
    std::string_view opt = args.Next();
    if (EqualsIgnoreCase(opt, "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(opt, "db") && args.HasNext()) {
      std::optional<int> id = ParseDbIndexOrReply(ctx, args.Next());
      if (!id) return;
      dst_index = *id;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  Db& dst = ctx.keyspace().db(dst_index);
  Result<keyops::CopyOutcome> r = keyops::Copy(ctx.db(), dst, key, new_key, replace);
  if (!r.ok()) return ctx.reply().Error(r.status());
  if (*r != keyops::CopyOutcome::kCopied) return ctx.reply().Integer(0);
  ctx.KeyModifiedInDb(dst_index, new_key);
  ctx.NotifyInDb(kNotifyGeneric, "copy_to", new_key, dst_index);
  ctx.AddDirty(1);
  ctx.reply().Integer(1);
}

// MOVE key db
void CmdMove(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  std::optional<int> id = ParseDbIndexOrReply(ctx, args.Next());
  if (!id) return;
  if (*id == ctx.db_index()) return ctx.reply().Error(errors::kSameObject);
  if (!keyops::Move(ctx.db(), ctx.keyspace().db(*id), key)) return ctx.reply().Integer(0);
  ctx.KeyModified(key, kNotifyGeneric, "move_from");
  ctx.KeyModifiedInDb(*id, key);
  ctx.NotifyInDb(kNotifyGeneric, "move_to", key, *id);
  ctx.reply().Integer(1);
}

// SWAPDB index1 index2
void CmdSwapDb(CommandContext& ctx, ArgReader& args) {
  std::optional<int> a =
      ParseIntOrReply(ctx, args.Next(), errors::kInvalidFirstDbIndex, errors::kInvalidFirstDbIndex);
  if (!a) return;
  std::optional<int> b = ParseIntOrReply(ctx, args.Next(), errors::kInvalidSecondDbIndex,
                                         errors::kInvalidSecondDbIndex);
  if (!b) return;
  int n = ctx.keyspace().db_count();
  if (*a < 0 || *a >= n || *b < 0 || *b >= n) {
    return ctx.reply().Error(errors::kDbIndexOutOfRange);
  }
  if (*a != *b) {
    ctx.DatabaseReplaced(*a, *b);
    ctx.DatabaseReplaced(*b, *a);
    ctx.keyspace().db(*a).SwapContents(ctx.keyspace().db(*b));
  }
  ctx.AddDirty(1);
  ctx.reply().Ok();
}

void CmdRandomKey(CommandContext& ctx, ArgReader& args) {
  Entry* e = ctx.db().RandomEntry(ctx.keyspace().NextRandom());
  if (!e) return ctx.reply().Null();
  ctx.reply().Bulk(e->key());
}

void CmdDbSize(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Integer(static_cast<int64_t>(ctx.db().size()));
}

// FLUSHDB / FLUSHALL take an optional SYNC or ASYNC; without one, lazyfree-lazy-user-flush
// decides. Returns nullopt after replying a syntax error.
std::optional<bool> ParseFlushAsync(CommandContext& ctx, ArgReader& args) {
  if (!args.HasNext()) return ctx.config().lazyfree_lazy_user_flush;
  if (args.Remaining() == 1) {
    if (args.Consume("sync")) return false;
    if (args.Consume("async")) return true;
  }
  ctx.reply().Error(errors::kSyntax);
  return std::nullopt;
}

void CmdFlushDb(CommandContext& ctx, ArgReader& args) {
  std::optional<bool> async = ParseFlushAsync(ctx, args);
  if (!async) return;
  ctx.AddDirty(ctx.db().size());
  ctx.DatabaseReplaced(ctx.db_index(), -1);
  ctx.KeyspaceFlushed();
  ctx.keyspace().FlushDb(ctx.db_index(), *async);
  ctx.ForcePropagation();  // even when it was empty (Redis's flushdbCommand)
  ctx.reply().Ok();
}

void CmdFlushAll(CommandContext& ctx, ArgReader& args) {
  std::optional<bool> async = ParseFlushAsync(ctx, args);
  if (!async) return;
  // Redis counts the removed keys plus one for the flush itself.
  ctx.AddDirty(ctx.keyspace().TotalKeys() + 1);
  for (int i = 0; i < ctx.keyspace().db_count(); i++) ctx.DatabaseReplaced(i, -1);
  ctx.KeyspaceFlushed();
  ctx.keyspace().FlushAll(*async);
  ctx.AllFlushed();
  ctx.ForcePropagation();
  ctx.reply().Ok();
}

// ---- OBJECT ----------------------------------------------------------------------------

bool IsLruOrLfuPolicy(const std::string& policy) {
  return policy.ends_with("-lru") || policy.ends_with("-lfu");
}

// OBJECT's lookup: a NOTOUCH read; replies null when the key is missing.
Entry* ObjectLookupOrReply(CommandContext& ctx, std::string_view key) {
  Entry* e = keyops::PeekRead(ctx.db(), key);
  if (!e) ctx.reply().Null();
  return e;
}

void CmdObjectEncoding(CommandContext& ctx, ArgReader& args) {
  args.Next();  // subcommand
  if (Entry* e = ObjectLookupOrReply(ctx, args.Next())) ctx.reply().Bulk(EncodingName(*e));
}

void CmdObjectRefcount(CommandContext& ctx, ArgReader& args) {
  args.Next();
  Entry* e = ObjectLookupOrReply(ctx, args.Next());
  if (!e) return;
  // Redis shares the integer objects 0..9999 (refcount INT_MAX) unless maxmemory is set with
  // an LRU/LFU policy, where each key needs its own access stamp.
  const Config& cfg = ctx.config();
  bool shared_ints = cfg.maxmemory == 0 || !IsLruOrLfuPolicy(cfg.maxmemory_policy);
  if (shared_ints && e->type() == ValueType::kString && e->encoding() == StringEncoding::kInt) {
    std::optional<int64_t> v = ParseInt64(e->str());
    if (v && *v >= 0 && *v < 10000) return ctx.reply().Integer(INT_MAX);
  }
  ctx.reply().Integer(1);
}

void CmdObjectIdletime(CommandContext& ctx, ArgReader& args) {
  args.Next();
  std::string_view key = args.Next();
  if (!ObjectLookupOrReply(ctx, key)) return;
  if (lfu::IsLfuPolicy(ctx.config().maxmemory_policy)) {
    return ctx.reply().Error(errors::kLfuSelected);
  }
  uint16_t stamp = ctx.db().table().Find(key).meta();
  ctx.reply().Integer(static_cast<int64_t>(ctx.keyspace().IdleSeconds(stamp)));
}

void CmdObjectFreq(CommandContext& ctx, ArgReader& args) {
  args.Next();
  std::string_view key = args.Next();
  if (!ObjectLookupOrReply(ctx, key)) return;
  if (!lfu::IsLfuPolicy(ctx.config().maxmemory_policy)) {
    return ctx.reply().Error(errors::kLfuNotSelected);
  }
  uint16_t meta = ctx.db().table().Find(key).meta();
  const KeyspaceContext& kc = ctx.keyspace().ctx();
  ctx.reply().Integer(lfu::DecayedCounter(meta, kc.now_ms, kc.lfu_decay_time));
}

void CmdObjectHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"ENCODING <key>",
             "    Return the kind of internal representation used in order to store the value",
             "    associated with a <key>.", "FREQ <key>",
             "    Return the access frequency index of the <key>. The returned integer is",
             "    proportional to the logarithm of the recent access frequency of the key.",
             "IDLETIME <key>",
             "    Return the idle time of the <key>, that is the approximated number of",
             "    seconds elapsed since the last access to the key.", "REFCOUNT <key>",
             "    Return the number of references of the value associated with the specified",
             "    <key>."});
}

// The dispatcher resolves OBJECT's subcommands itself; this only runs if it could not.
void CmdObject(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Error(errors::UnknownSubcommand(ctx.name(), args.HasNext() ? args.Peek() : ""));
}

CommandSpec ObjectSub(const char* name, int arity, CommandHandler handler, int key) {
  return {.name = name,
          .arity = arity,
          .flags = key ? F::kReadOnly : F::kLoading | F::kStale,
          .first_key = key,
          .last_key = key,
          .step = key ? 1 : 0,
          .handler = handler,
          .acl_categories = key ? "@keyspace @read @slow" : "@keyspace @slow"};
}

}  // namespace

void RegisterKeyCommands(CommandTable& table) {
  // name, arity, flags, first key, last key, step, handler, ACL categories.
  auto add = [&table](auto&&... spec) { table.Add(spec...); };
  constexpr CmdFlag kWrite = F::kWrite;
  constexpr CmdFlag kRead = F::kReadOnly;
  constexpr CmdFlag kFast = F::kFast;
  add("del", -2, kWrite, 1, -1, 1, CmdDel, "@keyspace @write @slow");
  add("unlink", -2, kWrite | kFast, 1, -1, 1, CmdUnlink, "@keyspace @write @fast");
  add("exists", -2, kRead | kFast, 1, -1, 1, CmdExists, "@keyspace @read @fast");
  add("touch", -2, kRead | kFast, 1, -1, 1, CmdTouch, "@keyspace @read @fast");
  add("type", 2, kRead | kFast, 1, 1, 1, CmdType, "@keyspace @read @fast");
  add("rename", 3, kWrite, 1, 2, 1, CmdRename, "@keyspace @write @slow");
  add("renamenx", 3, kWrite | kFast, 1, 2, 1, CmdRenameNx, "@keyspace @write @fast");
  add("copy", -3, kWrite | F::kDenyOom, 1, 2, 1, CmdCopy, "@keyspace @write @slow");
  add("move", 3, kWrite | kFast, 1, 1, 1, CmdMove, "@keyspace @write @fast");
  add("swapdb", 3, kWrite | kFast, 0, 0, 0, CmdSwapDb, "@keyspace @write @fast @dangerous");
  add("randomkey", 1, kRead, 0, 0, 0, CmdRandomKey, "@keyspace @read @slow");
  add("dbsize", 1, kRead | kFast, 0, 0, 0, CmdDbSize, "@keyspace @read @fast");
  add("flushdb", -1, kWrite, 0, 0, 0, CmdFlushDb, "@keyspace @write @slow @dangerous");
  add("flushall", -1, kWrite, 0, 0, 0, CmdFlushAll, "@keyspace @write @slow @dangerous");
  table.Add({.name = "object",
             .arity = -2,
             .handler = CmdObject,
             .acl_categories = "@slow",
             .subcommands = {ObjectSub("object|encoding", 3, CmdObjectEncoding, 2),
                             ObjectSub("object|freq", 3, CmdObjectFreq, 2),
                             ObjectSub("object|idletime", 3, CmdObjectIdletime, 2),
                             ObjectSub("object|refcount", 3, CmdObjectRefcount, 2),
                             ObjectSub("object|help", 2, CmdObjectHelp, 0)}});
}

}  // namespace duet
