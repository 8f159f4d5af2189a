// INCR DECR INCRBY DECRBY INCRBYFLOAT: parse, call types/string_type.h, reply.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/string_type.h"

namespace duet {

namespace {

void IncrReply(CommandContext& ctx, std::string_view key, int64_t delta) {
  Result<int64_t> v = strings::IncrBy(ctx.db(), key, delta);
  if (!v.ok()) return ctx.reply().Error(v.status());
  ctx.KeyModified(key, kNotifyString, "incrby");
  ctx.reply().Integer(*v);
}

void CmdIncr(CommandContext& ctx, ArgReader& args) { IncrReply(ctx, args[0], 1); }
void CmdDecr(CommandContext& ctx, ArgReader& args) { IncrReply(ctx, args[0], -1); }

void CmdIncrBy(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> delta = ParseInt64(args[1]);
  if (!delta) return ctx.reply().Error(errors::kNotInteger);
  IncrReply(ctx, args[0], *delta);
}

void CmdDecrBy(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> delta = ParseInt64(args[1]);
  if (!delta) return ctx.reply().Error(errors::kNotInteger);
  // -INT64_MIN is not representable; Redis rejects it before looking at the key.
  if (*delta == INT64_MIN) return ctx.reply().Error(errors::kDecrementOverflow);
  IncrReply(ctx, args[0], -*delta);
}

void CmdIncrByFloat(CommandContext& ctx, ArgReader& args) {
  Result<std::string_view> v = strings::IncrByFloat(ctx.db(), args[0], args[1]);
  if (!v.ok()) return ctx.reply().Error(v.status());
  ctx.KeyModified(args[0], kNotifyString, "incrbyfloat");
  // Replayed as the value it produced: float formatting must not drift (Redis's form).
  if (ctx.propagating()) {
    ctx.PropagateAs({"SET", std::string(args[0]), std::string(*v), "KEEPTTL"});
  }
  ctx.reply().Bulk(*v);
}

}  // namespace

void RegisterCounterCommands(CommandTable& table) {
  constexpr CmdFlag kFlags = CmdFlag::kWrite | CmdFlag::kDenyOom | CmdFlag::kFast;
  constexpr const char* kAcl = "@write @string @fast";
  table.Add({.name = "incr",
             .arity = 2,
             .flags = kFlags,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdIncr,
             .acl_categories = kAcl});
  table.Add({.name = "decr",
             .arity = 2,
             .flags = kFlags,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdDecr,
             .acl_categories = kAcl});
  table.Add({.name = "incrby",
             .arity = 3,
             .flags = kFlags,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdIncrBy,
             .acl_categories = kAcl});
  table.Add({.name = "decrby",
             .arity = 3,
             .flags = kFlags,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdDecrBy,
             .acl_categories = kAcl});
  table.Add({.name = "incrbyfloat",
             .arity = 3,
             .flags = kFlags,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdIncrByFloat,
             .acl_categories = kAcl});
}

}  // namespace duet
