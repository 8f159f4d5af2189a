// HSET HMSET HSETNX HDEL HINCRBY HINCRBYFLOAT: parse, call types/hash_type.h, reply.
// The read commands are in hash_read_cmds.cc; registration of the whole family is here.
#include "commands/hash_cmds.h"

#include <cmath>

#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/hash_type.h"

namespace duet {

namespace {

using hashes::HashWriter;

hashes::Limits LimitsOf(const CommandContext& ctx) {
  return {.max_listpack_entries = static_cast<size_t>(ctx.config().hash_max_listpack_entries),
          .max_listpack_value = static_cast<size_t>(ctx.config().hash_max_listpack_value)};
}

// HSET key field value [field value ...] / HMSET: the pair count is checked before the key.
void SetPairs(CommandContext& ctx, ArgReader& args, bool hmset) {
  if (args.size() % 2 == 0) {
    return ctx.reply().Error(errors::WrongArity(hmset ? "hmset" : "hset"));
  }
  std::string_view key = args[0];
  HashWriter h;
  if (OpStatus st = h.Open(ctx.db(), key, /*create=*/true); st != OpStatus::kOk) {
    return ctx.reply().Error(st);
  }
  hashes::Limits limits = LimitsOf(ctx);
  std::span<const std::string_view> pairs = args.All().subspan(1);
  h.TryConversion(pairs, limits);
  int64_t created = 0;
  for (size_t i = 0; i < pairs.size(); i += 2) {
    created += h.Set(pairs[i], pairs[i + 1], limits) ? 1 : 0;
  }
  h.Commit();
  ctx.KeyModified(key, kNotifyHash, "hset");
  ctx.AddDirty(pairs.size() / 2 - 1);
  if (hmset) return ctx.reply().Ok();
  ctx.reply().Integer(created);
}

void CmdHset(CommandContext& ctx, ArgReader& args) { SetPairs(ctx, args, false); }
void CmdHmset(CommandContext& ctx, ArgReader& args) { SetPairs(ctx, args, true); }

void CmdHsetnx(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  HashWriter h;
  if (OpStatus st = h.Open(ctx.db(), key, /*create=*/true); st != OpStatus::kOk) {
    return ctx.reply().Error(st);
  }
  if (h.Exists(args[1])) return ctx.reply().Integer(0);
  hashes::Limits limits = LimitsOf(ctx);
  h.TryConversion(args.All().subspan(1, 2), limits);
  h.Set(args[1], args[2], limits);
  h.Commit();
  ctx.KeyModified(key, kNotifyHash, "hset");
  ctx.reply().Integer(1);
}

void CmdHdel(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  HashWriter h;
  OpStatus st = h.Open(ctx.db(), key, /*create=*/false);
  if (st == OpStatus::kKeyNotFound) return ctx.reply().Integer(0);
  if (st != OpStatus::kOk) return ctx.reply().Error(st);
  int64_t deleted = 0;
  for (size_t i = 1; i < args.size(); i++) {
    if (!h.Delete(args[i])) continue;
    deleted++;
    if (h.Length() == 0) break;
  }
  if (deleted > 0) {
    h.Commit();
    ctx.KeyModified(key, kNotifyHash, "hdel");
    ctx.NotifyDelIfGone(key);
    ctx.AddDirty(deleted - 1);
  }
  ctx.reply().Integer(deleted);
}

void CmdHincrby(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> delta = ParseInt64(args[2]);
  if (!delta) return ctx.reply().Error(errors::kNotInteger);
  HashWriter h;
  if (OpStatus st = h.Open(ctx.db(), args[0], /*create=*/true); st != OpStatus::kOk) {
    return ctx.reply().Error(st);
  }
  Result<int64_t> v = hashes::IncrBy(h, args[1], *delta, LimitsOf(ctx));
  if (!v.ok()) {
    return ctx.reply().Error(v.status() == OpStatus::kNotInteger ? errors::kHashValueNotInteger
                                                                 : errors::kOverflow);
  }
  h.Commit();
  ctx.KeyModified(args[0], kNotifyHash, "hincrby");
  ctx.reply().Integer(*v);
}

void CmdHincrbyfloat(CommandContext& ctx, ArgReader& args) {
  std::optional<long double> incr = ParseLongDouble(args[2]);
  if (!incr) return ctx.reply().Error(errors::kNotFloat);
  if (std::isnan(*incr) || std::isinf(*incr)) return ctx.reply().Error(errors::kValueNanOrInf);
  HashWriter h;
  if (OpStatus st = h.Open(ctx.db(), args[0], /*create=*/true); st != OpStatus::kOk) {
    return ctx.reply().Error(st);
  }
  std::string text;
  OpStatus st = hashes::IncrByFloat(h, args[1], *incr, LimitsOf(ctx), &text);
  if (st == OpStatus::kNotFloat) return ctx.reply().Error(errors::kHashValueNotFloat);
  if (st != OpStatus::kOk) return ctx.reply().Error(st);
  h.Commit();
  ctx.KeyModified(args[0], kNotifyHash, "hincrbyfloat");
  if (ctx.propagating()) {
    ctx.PropagateAs({"HSET", std::string(args[0]), std::string(args[1]), text});
  }
  ctx.reply().Bulk(text);
}

}  // namespace

void RegisterHashCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr CmdFlag kWrite = F::kWrite | F::kDenyOom | F::kFast;
  constexpr CmdFlag kRead = F::kReadOnly | F::kFast;
  struct Def {
    const char* name;
    int arity;
    CmdFlag flags;
    CommandHandler handler;
    const char* acl;
  };
  const Def defs[] = {
      {"hset", -4, kWrite, CmdHset, "@write @hash @fast"},
      {"hmset", -4, kWrite, CmdHmset, "@write @hash @fast"},
      {"hsetnx", 4, kWrite, CmdHsetnx, "@write @hash @fast"},
      {"hdel", -3, F::kWrite | F::kFast, CmdHdel, "@write @hash @fast"},
      {"hincrby", 4, kWrite, CmdHincrby, "@write @hash @fast"},
      {"hincrbyfloat", 4, kWrite, CmdHincrbyfloat, "@write @hash @fast"},
      {"hget", 3, kRead, hash_cmds::CmdHget, "@read @hash @fast"},
      {"hmget", -3, kRead, hash_cmds::CmdHmget, "@read @hash @fast"},
      {"hexists", 3, kRead, hash_cmds::CmdHexists, "@read @hash @fast"},
      {"hlen", 2, kRead, hash_cmds::CmdHlen, "@read @hash @fast"},
      {"hstrlen", 3, kRead, hash_cmds::CmdHstrlen, "@read @hash @fast"},
      {"hkeys", 2, F::kReadOnly, hash_cmds::CmdHkeys, "@read @hash @slow"},
      {"hvals", 2, F::kReadOnly, hash_cmds::CmdHvals, "@read @hash @slow"},
      {"hgetall", 2, F::kReadOnly, hash_cmds::CmdHgetall, "@read @hash @slow"},
      {"hrandfield", -2, F::kReadOnly, hash_cmds::CmdHrandfield, "@read @hash @slow"},
      {"hscan", -3, F::kReadOnly, hash_cmds::CmdHscan, "@read @hash @slow"},
  };
  for (const Def& d : defs) {
    table.Add({.name = d.name,
               .arity = d.arity,
               .flags = d.flags,
               .first_key = 1,
               .last_key = 1,
               .step = 1,
               .handler = d.handler,
               .acl_categories = d.acl});
  }
}

}  // namespace duet
