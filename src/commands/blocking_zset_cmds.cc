// BZPOPMIN BZPOPMAX BZMPOP: the sorted-set pops that wait for data (Redis 7.0's
// blockingGenericZpopCommand / serveClientsBlockedOnSortedSetKey). Same scheme as the
// blocking list commands (commands/blocking_list_cmds.cc): serve like ZPOPMIN/ZMPOP, else
// ctx.Block; a re-run serves only from ctx.ReadyKey().
#include <vector>

#include "commands/blocking_args.h"
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/zset.h"

namespace duet {

namespace {

using zset::ZSet;

// Pops from `key` (a non-empty sorted set) and replies BZPOPMIN's [key, member, score] or,
// when `nested` (BZMPOP), [key, [[member, score], ...]].
void PopAndReply(CommandContext& ctx, std::string_view key, bool max, size_t count, bool nested) {
  std::vector<zset::Popped> popped;
  zset::Pop(ctx.db(), key, max, count, &popped);
  ReplyBuilder& r = ctx.reply();
  if (nested) {
    r.ArrayHeader(2);
    r.Bulk(key);
    r.ArrayHeader(popped.size());
  } else {
    r.ArrayHeader(3);
    r.Bulk(key);
  }
  for (const zset::Popped& p : popped) {
    if (nested) r.ArrayHeader(2);
    r.Bulk(p.member);
    r.Double(p.score);
  }
  ctx.KeyModified(key, kNotifyZset, max ? "zpopmax" : "zpopmin");
  ctx.NotifyDelIfGone(key);
  if (popped.size() > 1) ctx.AddDirty(popped.size() - 1);
  // Replayed as the pop it did: ZPOPMIN/ZPOPMAX key, with the count for BZMPOP.
  if (ctx.propagating()) {
    std::vector<std::string> argv{max ? "ZPOPMAX" : "ZPOPMIN", std::string(key)};
    if (nested) argv.push_back(std::to_string(popped.size()));
    ctx.PropagateAs(std::move(argv));
  }
}

void BlockingPop(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                 size_t count, bool nested, int64_t deadline) {
  if (const std::string* ready = ctx.ReadyKey()) {
    Result<ZSet> z = zset::FindForWrite(ctx.db(), *ready);
    if (!z.ok() || !*z) {
      ctx.Block(keys, deadline);
      return;
    }
    return PopAndReply(ctx, *ready, max, count, nested);
  }
  // Keys are checked in order: a missing one is skipped, another type is an error.
  for (std::string_view k : keys) {
    Result<ZSet> z = zset::FindForWrite(ctx.db(), k);
    if (!z.ok()) return ctx.reply().Error(z.status());
    if (*z) return PopAndReply(ctx, k, max, count, nested);
  }
  if (!ctx.Block(keys, deadline)) ctx.reply().NullArray();
}

// BZPOPMIN/BZPOPMAX key [key ...] timeout
void BlockingPopCommand(CommandContext& ctx, ArgReader& args, bool max) {
  std::optional<int64_t> deadline = ParseBlockTimeoutOrReply(ctx, args[args.size() - 1]);
  if (!deadline) return;
  BlockingPop(ctx, args.All().first(args.size() - 1), max, 1, false, *deadline);
}
void CmdBZPopMin(CommandContext& ctx, ArgReader& args) { BlockingPopCommand(ctx, args, false); }
void CmdBZPopMax(CommandContext& ctx, ArgReader& args) { BlockingPopCommand(ctx, args, true); }

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void CmdBZMPop(CommandContext& ctx, ArgReader& args) {
  std::optional<MpopArgs> m = ParseMpopArgsOrReply(ctx, args.All(), 1, "min", "max");
  if (!m) return;
  std::optional<int64_t> deadline = ParseBlockTimeoutOrReply(ctx, args[0]);
  if (!deadline) return;
  BlockingPop(ctx, m->keys, m->second_word, m->count, true, *deadline);
}

}  // namespace

void RegisterBlockingZSetCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kBlockingPop = F::kWrite | F::kNoScript | F::kBlocking | F::kFast;
  table.Add({.name = "bzpopmin",
             .arity = -3,
             .flags = kBlockingPop,
             .first_key = 1,
             .last_key = -2,
             .step = 1,
             .handler = CmdBZPopMin,
             .acl_categories = "@write @sortedset @fast @blocking"});
  table.Add({.name = "bzpopmax",
             .arity = -3,
             .flags = kBlockingPop,
             .first_key = 1,
             .last_key = -2,
             .step = 1,
             .handler = CmdBZPopMax,
             .acl_categories = "@write @sortedset @fast @blocking"});
  table.Add({.name = "bzmpop",
             .arity = -5,
             .flags = F::kWrite | F::kBlocking,
             .handler = CmdBZMPop,
             .acl_categories = "@write @sortedset @slow @blocking"});
}

}  // namespace duet
