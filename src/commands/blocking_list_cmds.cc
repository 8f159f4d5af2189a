// BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP: the list commands that wait for data (Redis 7.0's
// blockingPopGenericCommand / blmoveGenericCommand / serveClientsBlockedOnListKey).
//
// Each command first behaves like its non-blocking form (types/list_type.h's Pop, Move,
// FirstNonEmpty). When nothing can be served it calls ctx.Block; the server re-runs it when
// a key it waits on is created as a list, with ctx.ReadyKey() naming that key: the command
// then serves from that key only (a key of another type, or one already emptied by an
// earlier waiter, keeps it waiting).
#include "commands/blocking_args.h"
#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/list_args.h"
#include "protocol/errors.h"
#include "types/list_type.h"

namespace duet {

namespace {

using lists::End;

// Whether the ready key holds a list now (a re-run serves only from it).
bool ReadyKeyIsList(CommandContext& ctx) {
  Result<lists::ListValue*> l = lists::FindForWrite(ctx.db(), *ctx.ReadyKey());
  return l.ok() && *l != nullptr;
}

// Pops `count` elements from `key` and replies [key, value] (BLPOP/BRPOP, `nested` false,
// count 1) or [key, [values...]] (BLMPOP). Precondition: `key` holds a non-empty list.
void PopAndReply(CommandContext& ctx, std::string_view key, End end, size_t count, bool nested) {
  ReplyBuilder& r = ctx.reply();
  Result<size_t> n = lists::Pop(
      ctx.db(), key, end, count,
      [&](size_t total) {
        r.ArrayHeader(2);
        r.Bulk(key);
        if (nested) r.ArrayHeader(total);
      },
      [&](std::string_view v) { r.Bulk(v); });
  if (n.ok() && *n > 0) {
    ctx.KeyModified(key, kNotifyList, end == End::kHead ? "lpop" : "rpop");
    ctx.NotifyDelIfGone(key);
    if (*n > 1) ctx.AddDirty(*n - 1);
    // Replayed as the pop it did (Redis: [LR]POP key, [LR]POP key count for BLMPOP).
    if (ctx.propagating()) {
      std::vector<std::string> argv{end == End::kHead ? "LPOP" : "RPOP", std::string(key)};
      if (nested) argv.push_back(std::to_string(*n));
      ctx.PropagateAs(std::move(argv));
    }
  }
}

// The shared body of BLPOP/BRPOP/BLMPOP once the arguments are parsed.
void BlockingPop(CommandContext& ctx, std::span<const std::string_view> keys, End end, size_t count,
                 bool nested, int64_t deadline) {
  if (ctx.ReadyKey()) {
    if (!ReadyKeyIsList(ctx)) {
      ctx.Block(keys, deadline);
      return;
    }
    return PopAndReply(ctx, *ctx.ReadyKey(), end, count, nested);
  }
  Result<std::optional<size_t>> which = lists::FirstNonEmpty(ctx.db(), keys);
  if (!which.ok()) return ctx.reply().Error(which.status());
  if (*which) return PopAndReply(ctx, keys[**which], end, count, nested);
  if (!ctx.Block(keys, deadline)) ctx.reply().NullArray();
}

// BLPOP/BRPOP key [key ...] timeout
void BlockingPopCommand(CommandContext& ctx, ArgReader& args, End end) {
  std::optional<int64_t> deadline = ParseBlockTimeoutOrReply(ctx, args[args.size() - 1]);
  if (!deadline) return;
  BlockingPop(ctx, args.All().first(args.size() - 1), end, 1, false, *deadline);
}
void CmdBLPop(CommandContext& ctx, ArgReader& args) { BlockingPopCommand(ctx, args, End::kHead); }
void CmdBRPop(CommandContext& ctx, ArgReader& args) { BlockingPopCommand(ctx, args, End::kTail); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the arguments after the
// timeout are checked first, then the timeout (Redis's order).
void CmdBLMPop(CommandContext& ctx, ArgReader& args) {
  std::optional<MpopArgs> m = ParseMpopArgsOrReply(ctx, args.All(), 1, "left", "right");
  if (!m) return;
  std::optional<int64_t> deadline = ParseBlockTimeoutOrReply(ctx, args[0]);
  if (!deadline) return;
  BlockingPop(ctx, m->keys, m->second_word ? End::kTail : End::kHead, m->count, true, *deadline);
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH source destination
// timeout.
void BlockingMove(CommandContext& ctx, std::string_view src, std::string_view dst, End from, End to,
                  std::string_view timeout_arg, std::string_view from_arg = "right",
                  std::string_view to_arg = "left") {
  std::optional<int64_t> deadline = ParseBlockTimeoutOrReply(ctx, timeout_arg);
  if (!deadline) return;
  std::string_view keys[] = {src};
  if (ctx.ReadyKey() && !ReadyKeyIsList(ctx)) {
    ctx.Block(keys, *deadline);
    return;
  }
  // Served or not, a wrong-type destination is an error once the source has data (then the
  // waiter is unblocked with it, as Redis 7.0 does).
  Result<std::optional<std::string>> v = lists::Move(ctx.db(), ctx.config(), src, dst, from, to);
  if (!v.ok()) return ctx.reply().Error(v.status());
  if (*v) {
    // Replayed as the move it did: LMOVE (its LEFT/RIGHT as sent, or Redis's lowercase words
    // when served after blocking) or RPOPLPUSH.
    if (ctx.propagating()) {
      if (ctx.spec().name == "brpoplpush") {
        ctx.PropagateAs({"RPOPLPUSH", std::string(src), std::string(dst)});
      } else if (ctx.ReadyKey()) {
        ctx.PropagateAs({"LMOVE", std::string(src), std::string(dst),
                         from == End::kHead ? "left" : "right",
                         to == End::kHead ? "left" : "right"});
      } else {
        ctx.PropagateAs({"LMOVE", std::string(src), std::string(dst), std::string(from_arg),
                         std::string(to_arg)});
      }
    }
    return SignalMoveAndReply(ctx, src, dst, **v, from == End::kHead, to == End::kHead);
  }
  if (!ctx.Block(keys, *deadline)) ctx.reply().Null();
}

void CmdBLMove(CommandContext& ctx, ArgReader& args) {
  End from, to;
  if (!ParseListEndOrReply(ctx, args[2], &from) || !ParseListEndOrReply(ctx, args[3], &to)) {
    return;
  }
  BlockingMove(ctx, args[0], args[1], from, to, args[4], args[2], args[3]);
}

void CmdBRPopLPush(CommandContext& ctx, ArgReader& args) {
  BlockingMove(ctx, args[0], args[1], End::kTail, End::kHead, args[2]);
}

}  // namespace

void RegisterBlockingListCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kBlockingWrite = F::kWrite | F::kNoScript | F::kBlocking;
  table.Add({.name = "blpop",
             .arity = -3,
             .flags = kBlockingWrite,
             .first_key = 1,
             .last_key = -2,
             .step = 1,
             .handler = CmdBLPop,
             .acl_categories = "@write @list @slow @blocking"});
  table.Add({.name = "brpop",
             .arity = -3,
             .flags = kBlockingWrite,
             .first_key = 1,
             .last_key = -2,
             .step = 1,
             .handler = CmdBRPop,
             .acl_categories = "@write @list @slow @blocking"});
  table.Add({.name = "blmpop",
             .arity = -5,
             .flags = F::kWrite | F::kBlocking,
             .handler = CmdBLMPop,
             .acl_categories = "@write @list @slow @blocking"});
  table.Add({.name = "blmove",
             .arity = 6,
             .flags = kBlockingWrite | F::kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .step = 1,
             .handler = CmdBLMove,
             .acl_categories = "@write @list @slow @blocking"});
  table.Add({.name = "brpoplpush",
             .arity = 4,
             .flags = kBlockingWrite | F::kDenyOom,
             .first_key = 1,
             .last_key = 2,
             .step = 1,
             .handler = CmdBRPopLPush,
             .acl_categories = "@write @list @slow @blocking"});
}

}  // namespace duet
