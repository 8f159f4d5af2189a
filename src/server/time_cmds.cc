// TIME: the server's wall clock as [unix seconds, microseconds], both bulk strings.
#include "common/strutil.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

void CmdTime(CommandContext& ctx, ArgReader& args) {
  // Read the clock now rather than the per-command cached time: TIME promises microseconds.
  int64_t us = ServerContext::From(ctx).server().clock().NowUs();
  char buf[24];
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::string_view(buf, FormatInt64(us / 1'000'000, buf)));
  ctx.reply().Bulk(std::string_view(buf, FormatInt64(us % 1'000'000, buf)));
}

}  // namespace

void RegisterTimeCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "time",
             .arity = 1,
             .flags = F::kLoading | F::kStale | F::kFast,
             .handler = CmdTime,
             .acl_categories = "@fast"});
}

}  // namespace duet
