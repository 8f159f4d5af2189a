// SLOWLOG GET [count] | LEN | RESET | HELP. The log itself is server/slowlog.h; the
// dispatcher records into it.
#include "commands/help_reply.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

void CmdSlowlogGet(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  // args[0] is the subcommand itself ("GET").
  if (args.size() > 2) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  const auto& entries = sctx.server().slowlog().entries();
  size_t count = 10;
  if (args.size() == 2) {
    std::optional<int64_t> n = ParseInt64(args[1]);
    if (!n || *n < -1) return ctx.reply().Error(errors::kSlowlogCount);
    count = *n == -1 ? entries.size() : static_cast<size_t>(*n);
  }
  if (count > entries.size()) count = entries.size();
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(count);
  for (size_t i = 0; i < count; i++) {
    const SlowLog::Entry& e = entries[i];
    r.ArrayHeader(6);
    r.Integer(static_cast<int64_t>(e.id));
    r.Integer(e.time_s);
    r.Integer(e.duration_us);
    r.ArrayHeader(e.args.size());
    for (const std::string& a : e.args) r.Bulk(a);
    r.Bulk(e.peer);
    r.Bulk(e.client_name);
  }
}

void CmdSlowlogLen(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Integer(
      static_cast<int64_t>(ServerContext::From(ctx).server().slowlog().entries().size()));
}

void CmdSlowlogReset(CommandContext& ctx, ArgReader& args) {
  ServerContext::From(ctx).server().slowlog().Reset();
  ctx.reply().Ok();
}

void CmdSlowlogHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog."});
}

}  // namespace

void RegisterSlowlogCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kAdminFlags = F::kAdmin | F::kLoading | F::kStale;
  constexpr const char* kAdminAcl = "@admin @slow @dangerous";
  table.Add({.name = "slowlog",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "slowlog|get",
                  .arity = -2,
                  .flags = kAdminFlags,
                  .handler = CmdSlowlogGet,
                  .acl_categories = kAdminAcl},
                 {.name = "slowlog|len",
                  .arity = 2,
                  .flags = kAdminFlags,
                  .handler = CmdSlowlogLen,
                  .acl_categories = kAdminAcl},
                 {.name = "slowlog|reset",
                  .arity = 2,
                  .flags = kAdminFlags,
                  .handler = CmdSlowlogReset,
                  .acl_categories = kAdminAcl},
                 {.name = "slowlog|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdSlowlogHelp,
                  .acl_categories = "@slow"},
             }});
}

}  // namespace duet
