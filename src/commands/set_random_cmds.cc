// SPOP and SRANDMEMBER, with Redis 7.0's strategies (t_set.c), which decide how much work a
// call does; the members picked are random either way.
#include "commands/set_random_cmds.h"

#include <string>
#include <unordered_set>
#include <vector>

#include "commands/command_context.h"
#include "protocol/errors.h"
#include "types/set_ops.h"

namespace duet {

namespace {

// SPOP keeps the survivors instead of popping when they are at most 1/5 of the popped
// members (Redis's SPOP_MOVE_STRATEGY_MUL); SRANDMEMBER copies the set and removes the
// surplus when count * 3 > size (SRANDMEMBER_SUB_STRATEGY_MUL).
constexpr uint64_t kSpopMoveStrategyMul = 5;
constexpr uint64_t kSrandmemberSubStrategyMul = 3;

void SPopWithCount(CommandContext& ctx, std::string_view key, std::string_view count_arg) {
  // Redis's getPositiveLongFromObjectOrReply: one error for non-numbers and negatives.
  std::optional<int64_t> parsed = ParseInt64(count_arg);
  if (!parsed || *parsed < 0) return ctx.reply().Error(errors::kNotPositive);
  uint64_t count = static_cast<uint64_t>(*parsed);
  Result<SetValue*> found = sets::FindForWrite(ctx.db(), key);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ReplyBuilder& reply = ctx.reply();
  SetValue* set = *found;
  if (!set || count == 0) return reply.SetHeader(0);
  size_t size = set->size();
  Keyspace& ks = ctx.keyspace();
  // Case 1: the whole set.
  if (count >= size) {
    reply.SetHeader(size);
    set->ForEach([&](std::string_view m) { reply.Bulk(m); });
    ctx.db().Delete(key);
    ctx.KeyModified(key, kNotifySet, "spop");
    ctx.Notify(kNotifyGeneric, "del", key);
    if (ctx.propagating()) ctx.PropagateAs({"DEL", std::string(key)});
    return;
  }
  // The popped members propagate as one SREM each (Redis's spopWithCountCommand).
  bool prop = ctx.propagating();
  auto also = [&](std::string_view m) {
    if (prop) ctx.AlsoPropagate({"SREM", std::string(key), std::string(m)});
  };
  if (prop) ctx.PreventPropagation();
  reply.SetHeader(count);
  size_t keep = size - count;
  if (keep * kSpopMoveStrategyMul <= count) {
    // Case 3: few survivors: move them to a new set, reply with what is left, swap. As in
    // Redis the new set's encoding follows its first survivor (setTypeCreate), not the old
    // set's: a hashtable whose survivors are all integers becomes an intset again.
    SetValue* survivors = nullptr;
    size_t max_intset = static_cast<size_t>(ctx.config().set_max_intset_entries);
    for (size_t i = 0; i < keep; i++) {
      std::string m = set->PopRandom(ks.NextRandom());
      if (!survivors) survivors = SetValue::Create(m);
      survivors->Add(m, max_intset);
    }
    set->ForEach([&](std::string_view m) {
      reply.Bulk(m);
      also(m);
    });
    set->SwapContents(*survivors);
    delete survivors;
  } else {
    // Case 2: pop one at a time.
    for (uint64_t i = 0; i < count; i++) {
      std::string m = set->PopRandom(ks.NextRandom());
      reply.Bulk(m);
      also(m);
    }
  }
  ctx.KeyModified(key, kNotifySet, "spop");
  ctx.AddDirty(count - 1);
}

}  // namespace

void CmdSPop(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  if (args.size() == 2) return SPopWithCount(ctx, key, args[1]);
  if (args.size() > 2) return ctx.reply().Error(errors::kSyntax);
  Result<SetValue*> set = sets::FindForWrite(ctx.db(), key);
  if (!set.ok()) return ctx.reply().Error(set.status());
  if (!*set) return ctx.reply().Null();
  std::string member = (*set)->PopRandom(ctx.keyspace().NextRandom());
  ctx.reply().Bulk(member);
  if (ctx.propagating()) ctx.PropagateAs({"SREM", std::string(key), member});
  bool emptied = (*set)->size() == 0;
  if (emptied) ctx.db().Delete(key);
  ctx.KeyModified(key, kNotifySet, "spop");
  if (emptied) ctx.Notify(kNotifyGeneric, "del", key);
}

namespace {

void SRandMemberWithCount(CommandContext& ctx, std::string_view key, std::string_view count_arg) {
  std::optional<int64_t> parsed = ParseInt64(count_arg);
  if (!parsed) return ctx.reply().Error(errors::kNotInteger);
  if (*parsed == INT64_MIN) return ctx.reply().Error(errors::kSrandmemberRange);
  bool unique = *parsed >= 0;
  uint64_t count = unique ? static_cast<uint64_t>(*parsed) : static_cast<uint64_t>(-*parsed);
  Result<SetValue*> found = sets::FindForRead(ctx.db(), key);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ReplyBuilder& reply = ctx.reply();
  const SetValue* set = *found;
  if (!set || count == 0) return reply.ArrayHeader(0);
  Keyspace& ks = ctx.keyspace();
  size_t size = set->size();
  char buf[SetValue::kIntBufSize];
  // Case 1: repeats allowed (or a single pick): sample the whole set each time.
  if (!unique || count == 1) {
    reply.ArrayHeader(count);
    for (uint64_t i = 0; i < count; i++) reply.Bulk(set->Random(ks.NextRandom(), buf));
    return;
  }
  // Case 2: the whole set.
  if (count >= size) {
    reply.ArrayHeader(size);
    set->ForEach([&](std::string_view m) { reply.Bulk(m); });
    return;
  }
  std::vector<std::string> picked;
  if (count * kSrandmemberSubStrategyMul > size) {
    // Case 3: copy everything, then remove random members until `count` remain.
    picked.reserve(size);
    set->ForEach([&](std::string_view m) { picked.emplace_back(m); });
    while (picked.size() > count) {
      size_t i = ks.NextRandom() % picked.size();
      picked[i] = std::move(picked.back());
      picked.pop_back();
    }
  } else {
    // Case 4: add random members until `count` distinct ones were seen.
    std::unordered_set<std::string> seen;
    while (seen.size() < count) {
      std::string_view m = set->Random(ks.NextRandom(), buf);
      if (seen.emplace(m).second) picked.emplace_back(m);
    }
  }
  reply.ArrayHeader(picked.size());
  for (const std::string& m : picked) reply.Bulk(m);
}

}  // namespace

void CmdSRandMember(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  if (args.size() == 2) return SRandMemberWithCount(ctx, key, args[1]);
  if (args.size() > 2) return ctx.reply().Error(errors::kSyntax);
  Result<SetValue*> set = sets::FindForRead(ctx.db(), key);
  if (!set.ok()) return ctx.reply().Error(set.status());
  if (!*set) return ctx.reply().Null();
  char buf[SetValue::kIntBufSize];
  ctx.reply().Bulk((*set)->Random(ctx.keyspace().NextRandom(), buf));
}

}  // namespace duet
