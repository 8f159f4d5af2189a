// MULTI EXEC DISCARD WATCH UNWATCH. The dispatcher queues commands between MULTI and EXEC
// (server/dispatcher.cc); the transaction logic is in server/transaction.cc.
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

void CmdMulti(CommandContext& ctx, ArgReader& args) {
  Client& c = ServerContext::From(ctx).client();
  if (c.multi) return ctx.reply().Error(errors::kMultiNested);
  c.multi = std::make_unique<MultiState>();
  ctx.reply().Ok();
}

void CmdExec(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  if (!sctx.client().multi) return ctx.reply().Error(errors::kExecWithoutMulti);
  sctx.server().ExecTransaction(sctx.client());
}

void CmdDiscard(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  if (!sctx.client().multi) return ctx.reply().Error(errors::kDiscardWithoutMulti);
  sctx.server().DiscardTransaction(sctx.client());
  ctx.reply().Ok();
}

void CmdWatch(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  if (c.multi) return ctx.reply().Error(errors::kWatchInMulti);
  // A client whose transaction already failed needs no more keys (Redis skips them too).
  if (!c.watch_dirty) {
    while (args.HasNext()) {
      std::string_view key = args.Next();
      sctx.server().watches().Watch(c, c.db_index, key, sctx.server().ProbeKey(c.db_index, key));
    }
  }
  ctx.reply().Ok();
}

void CmdUnwatch(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  sctx.server().watches().UnwatchAll(sctx.client());
  sctx.client().watch_dirty = false;
  ctx.reply().Ok();
}

}  // namespace

void RegisterTransactionCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kControl = F::kNoScript | F::kLoading | F::kStale | F::kFast | F::kAllowBusy;
  table.Add({.name = "multi",
             .arity = 1,
             .flags = kControl,
             .handler = CmdMulti,
             .acl_categories = "@fast @transaction"});
  table.Add({.name = "exec",
             .arity = 1,
             .flags = F::kNoScript | F::kLoading | F::kStale | F::kSkipSlowlog,
             .handler = CmdExec,
             .acl_categories = "@slow @transaction"});
  table.Add({.name = "discard",
             .arity = 1,
             .flags = kControl,
             .handler = CmdDiscard,
             .acl_categories = "@fast @transaction"});
  table.Add({.name = "watch",
             .arity = -2,
             .flags = kControl,
             .first_key = 1,
             .last_key = -1,
             .step = 1,
             .handler = CmdWatch,
             .acl_categories = "@fast @transaction"});
  table.Add({.name = "unwatch",
             .arity = 1,
             .flags = kControl,
             .handler = CmdUnwatch,
             .acl_categories = "@fast @transaction"});
}

}  // namespace duet
