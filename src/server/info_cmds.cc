// INFO [section ...]: the text comes from info_sections.h; RESP3 clients get it as a
// verbatim string of format "txt", RESP2 clients as a bulk string (as Redis 7.0 replies).
#include "server/info_sections.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {
void CmdInfo(CommandContext& ctx, ArgReader& args) {
  ServerContext& sc = ServerContext::From(ctx);
  InfoRequest req = ParseInfoArgs(args.Rest());
  ctx.reply().Verbatim(GenerateInfo(sc.server(), req), "txt");
}
}  // namespace

void RegisterInfoCommands(CommandTable& table) {
  table.Add({.name = "info",
             .arity = -1,
             .flags = CmdFlag::kLoading | CmdFlag::kStale,
             .handler = CmdInfo,
             .acl_categories = "@slow @dangerous"});
}

}  // namespace duet
