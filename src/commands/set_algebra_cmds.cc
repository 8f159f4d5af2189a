// SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE: parse, call
// types/set_ops.h, reply. Missing keys are empty sets; every key is type-checked first.
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/set_ops.h"

namespace duet {

namespace {

using F = CmdFlag;

enum class SetOp { kUnion, kDiff, kInter };

size_t MaxIntset(CommandContext& ctx) {
  return static_cast<size_t>(ctx.config().set_max_intset_entries);
}

// Replies with the members of `s` as a set.
void ReplySet(ReplyBuilder& reply, const SetValue& s) {
  reply.SetHeader(s.size());
  s.ForEach([&](std::string_view m) { reply.Bulk(m); });
}

SetValue* Compute(SetOp op, const std::vector<const SetValue*>& sets, size_t max_intset) {
  switch (op) {
    case SetOp::kUnion:
      return sets::Union(sets, max_intset);
    case SetOp::kDiff:
      return sets::Diff(sets, max_intset);
    case SetOp::kInter:
      return sets::IntersectToSet(sets, max_intset);
  }
  return nullptr;
}

// SINTER/SUNION/SDIFF key [key ...]
void ReplyOp(CommandContext& ctx, ArgReader& args, SetOp op) {
  Result<std::vector<const SetValue*>> sets = sets::FindAllForRead(ctx.db(), args.All());
  if (!sets.ok()) return ctx.reply().Error(sets.status());
  if (op == SetOp::kInter) {
    // Redis replies in the order of the smallest set, without building a result set.
    std::vector<std::string> members;
    sets::Intersect(*sets, 0, [&](std::string_view m) { members.emplace_back(m); });
    ctx.reply().SetHeader(members.size());
    for (const std::string& m : members) ctx.reply().Bulk(m);
    return;
  }
  SetValue* result = Compute(op, *sets, MaxIntset(ctx));
  ReplySet(ctx.reply(), *result);
  delete result;
}

// SINTERSTORE/SUNIONSTORE/SDIFFSTORE destination key [key ...]
void StoreOp(CommandContext& ctx, ArgReader& args, SetOp op) {
  std::string_view dst = args[0];
  Result<std::vector<const SetValue*>> sets = sets::FindAllForRead(ctx.db(), args.All().subspan(1));
  if (!sets.ok()) return ctx.reply().Error(sets.status());
  bool changed = false;
  size_t n = sets::Store(ctx.db(), dst, Compute(op, *sets, MaxIntset(ctx)), &changed);
  if (n > 0) {
    ctx.KeyModified(dst, kNotifySet, ctx.spec().name);
  } else if (changed) {
    ctx.KeyModified(dst, kNotifyGeneric, "del");
  }
  ctx.reply().Integer(static_cast<int64_t>(n));
}

void CmdSInter(CommandContext& ctx, ArgReader& args) { ReplyOp(ctx, args, SetOp::kInter); }
void CmdSUnion(CommandContext& ctx, ArgReader& args) { ReplyOp(ctx, args, SetOp::kUnion); }
void CmdSDiff(CommandContext& ctx, ArgReader& args) { ReplyOp(ctx, args, SetOp::kDiff); }
void CmdSInterStore(CommandContext& ctx, ArgReader& args) { StoreOp(ctx, args, SetOp::kInter); }
void CmdSUnionStore(CommandContext& ctx, ArgReader& args) { StoreOp(ctx, args, SetOp::kUnion); }
void CmdSDiffStore(CommandContext& ctx, ArgReader& args) { StoreOp(ctx, args, SetOp::kDiff); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]. Errors in Redis's order: numkeys (any
// non-positive or non-integer value), numkeys past the arguments, options, then key types.
void CmdSInterCard(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> numkeys = ParseInt64(args[0]);
  if (!numkeys || *numkeys < 1) return ctx.reply().Error(errors::kNumkeysNotPositive);
  if (static_cast<uint64_t>(*numkeys) > args.size() - 1) {
    return ctx.reply().Error(errors::kTooManyNumkeys);
  }
  size_t limit = 0;
  for (size_t j = 1 + static_cast<size_t>(*numkeys); j < args.size(); j++) {
    if (EqualsIgnoreCase(args[j], "limit") && j + 1 < args.size()) {
      std::optional<int64_t> l = ParseInt64(args[++j]);
      if (!l || *l < 0) return ctx.reply().Error(errors::kLimitNegative);
      limit = static_cast<size_t>(*l);
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  Result<std::vector<const SetValue*>> sets =
      sets::FindAllForRead(ctx.db(), args.All().subspan(1, static_cast<size_t>(*numkeys)));
  if (!sets.ok()) return ctx.reply().Error(sets.status());
  size_t n = sets::Intersect(*sets, limit, [](std::string_view) {});
  ctx.reply().Integer(static_cast<int64_t>(n));
}

CommandSpec ReadSpec(std::string name, CommandHandler handler) {
  return {.name = std::move(name),
          .arity = -2,
          .flags = F::kReadOnly,
          .first_key = 1,
          .last_key = -1,
          .step = 1,
          .handler = handler,
          .acl_categories = "@read @set @slow"};
}

CommandSpec StoreSpec(std::string name, CommandHandler handler) {
  return {.name = std::move(name),
          .arity = -3,
          .flags = F::kWrite | F::kDenyOom,
          .first_key = 1,
          .last_key = -1,
          .step = 1,
          .handler = handler,
          .acl_categories = "@write @set @slow"};
}

}  // namespace

void RegisterSetAlgebraCommands(CommandTable& table) {
  table.Add(ReadSpec("sinter", CmdSInter));
  table.Add(ReadSpec("sunion", CmdSUnion));
  table.Add(ReadSpec("sdiff", CmdSDiff));
  table.Add(StoreSpec("sinterstore", CmdSInterStore));
  table.Add(StoreSpec("sunionstore", CmdSUnionStore));
  table.Add(StoreSpec("sdiffstore", CmdSDiffStore));
  table.Add({.name = "sintercard",
             .arity = -3,
             .flags = F::kReadOnly,
             .handler = CmdSInterCard,
             .acl_categories = "@read @set @slow"});
}

}  // namespace duet
