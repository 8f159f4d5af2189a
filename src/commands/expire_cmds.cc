// TTL commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
// PEXPIRETIME, PERSIST. The keyspace side is keyspace/key_ops.h.
#include "commands/command_context.h"
#include "commands/families.h"
#include "keyspace/key_ops.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using F = CmdFlag;

// EXPIRE key time [NX|XX|GT|LT]... `seconds` picks the unit; `relative` adds the current time.
void ExpireGeneric(CommandContext& ctx, ArgReader& args, bool seconds, bool relative) {
  std::string_view key = args.Next();
  std::string_view time_arg = args.Next();
  // Redis validates the flags before the time argument.
  unsigned flags = 0;
  while (args.HasNext()) {
    std::string_view opt = args.Next();
    if (EqualsIgnoreCase(opt, "nx")) {
      flags |= keyops::kExpireNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      flags |= keyops::kExpireXx;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      flags |= keyops::kExpireGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      flags |= keyops::kExpireLt;
    } else {
      return ctx.reply().Error(errors::UnsupportedOption(opt));
    }
  }
  if ((flags & keyops::kExpireNx) && (flags & ~keyops::kExpireNx)) {
    return ctx.reply().Error(errors::kExpireNxAndOthers);
  }
  if ((flags & keyops::kExpireGt) && (flags & keyops::kExpireLt)) {
    return ctx.reply().Error(errors::kExpireGtAndLt);
  }
  std::optional<int64_t> value = ParseInt64(time_arg);
  if (!value) return ctx.reply().Error(errors::kNotInteger);
  std::optional<int64_t> when =
      keyops::AbsoluteExpireMs(*value, seconds, relative ? ctx.now_ms() : 0);
  if (!when) return ctx.reply().Error(errors::InvalidExpire(ctx.spec().name));

  switch (keyops::SetExpireAt(ctx.db(), key, *when, flags)) {
    case keyops::ExpireOutcome::kNoKey:
    case keyops::ExpireOutcome::kSkipped:
      return ctx.reply().Integer(0);
    case keyops::ExpireOutcome::kSet:
      ctx.KeyModified(key, kNotifyGeneric, "expire");
      // Propagated with the absolute time in ms (Redis's expireGenericCommand), options kept.
      if (ctx.propagating()) {
        std::vector<std::string> argv{
            ctx.spec().name == "pexpireat" ? std::string(ctx.name()) : "PEXPIREAT",
            std::string(key), relative || seconds ? std::to_string(*when) : std::string(time_arg)};
        for (std::string_view opt : args.All().subspan(2)) argv.emplace_back(opt);
        ctx.PropagateAs(std::move(argv));
      }
      return ctx.reply().Integer(1);
    case keyops::ExpireOutcome::kDeleted:
      ctx.KeyModified(key, kNotifyGeneric, "del");
      ctx.PropagateAsDeletion(key, ctx.config().lazyfree_lazy_expire);
      return ctx.reply().Integer(1);
  }
}

void CmdExpire(CommandContext& ctx, ArgReader& args) { ExpireGeneric(ctx, args, true, true); }
void CmdPExpire(CommandContext& ctx, ArgReader& args) { ExpireGeneric(ctx, args, false, true); }
void CmdExpireAt(CommandContext& ctx, ArgReader& args) { ExpireGeneric(ctx, args, true, false); }
void CmdPExpireAt(CommandContext& ctx, ArgReader& args) { ExpireGeneric(ctx, args, false, false); }

// TTL and friends: -2 missing, -1 no TTL; otherwise the remaining (or, with `absolute`, the
// unix) time, in ms or rounded to the nearest second.
void TtlGeneric(CommandContext& ctx, ArgReader& args, bool ms, bool absolute) {
  int64_t expire = keyops::ExpireTimeMs(ctx.db(), args.Next());
  if (expire < 0) return ctx.reply().Integer(expire);
  int64_t t = absolute ? expire : expire - ctx.now_ms();
  if (t < 0) t = 0;
  if (ms) return ctx.reply().Integer(t);
  // t + 500 overflows int64 for times within 500 ms of INT64_MAX (PEXPIREAT accepts them);
  // Redis's build yields the unsigned result there, and t is never negative, so compute
  // unsigned.
  ctx.reply().Integer(static_cast<int64_t>((static_cast<uint64_t>(t) + 500) / 1000));
}

void CmdTtl(CommandContext& ctx, ArgReader& args) { TtlGeneric(ctx, args, false, false); }
void CmdPTtl(CommandContext& ctx, ArgReader& args) { TtlGeneric(ctx, args, true, false); }
void CmdExpireTime(CommandContext& ctx, ArgReader& args) { TtlGeneric(ctx, args, false, true); }
void CmdPExpireTime(CommandContext& ctx, ArgReader& args) { TtlGeneric(ctx, args, true, true); }

void CmdPersist(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  if (!keyops::Persist(ctx.db(), key)) return ctx.reply().Integer(0);
  ctx.KeyModified(key, kNotifyGeneric, "persist");
  ctx.reply().Integer(1);
}

void AddSetter(CommandTable& table, const char* name, CommandHandler handler) {
  table.Add({.name = name,
             .arity = -3,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = handler,
             .acl_categories = "@keyspace @write @fast"});
}

void AddGetter(CommandTable& table, const char* name, CommandHandler handler) {
  table.Add({.name = name,
             .arity = 2,
             .flags = F::kReadOnly | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = handler,
             .acl_categories = "@keyspace @read @fast"});
}

}  // namespace

void RegisterExpireCommands(CommandTable& table) {
  AddSetter(table, "expire", CmdExpire);
  AddSetter(table, "pexpire", CmdPExpire);
  AddSetter(table, "expireat", CmdExpireAt);
  AddSetter(table, "pexpireat", CmdPExpireAt);
  AddGetter(table, "ttl", CmdTtl);
  AddGetter(table, "pttl", CmdPTtl);
  AddGetter(table, "expiretime", CmdExpireTime);
  AddGetter(table, "pexpiretime", CmdPExpireTime);
  table.Add({.name = "persist",
             .arity = 2,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdPersist,
             .acl_categories = "@keyspace @write @fast"});
}

}  // namespace duet
