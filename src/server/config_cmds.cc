// CONFIG GET / SET / RESETSTAT / REWRITE / HELP. The directive table (config/config_table.h)
// does the work; these handlers parse the arguments and shape the replies as Redis 7.0 does.
#include <string>
#include <utility>
#include <vector>

#include "commands/help_reply.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// Redis's islocalClient: unix socket or a loopback address.
bool IsLocalClient(const Client& c) {
  if (c.is_unix) return true;
  const std::string& ip = c.peer_ip;
  return ip == "::1" || ip.rfind("127.", 0) == 0 || ip.rfind("::ffff:127.", 0) == 0;
}

void CmdConfigGet(CommandContext& ctx, ArgReader& args) {
  ServerContext& sc = ServerContext::From(ctx);
  args.Next();  // "get"
  std::vector<std::string_view> patterns(args.Rest().begin(), args.Rest().end());
  auto pairs = sc.server().config_table().Get(patterns);
  ReplyBuilder& r = ctx.reply();
  r.MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    r.Bulk(name);
    r.Bulk(value);
  }
}

void CmdConfigSet(CommandContext& ctx, ArgReader& args) {
  ServerContext& sc = ServerContext::From(ctx);
  args.Next();  // "set"
  if (args.Remaining() % 2 != 0) return ctx.reply().Error(errors::kSyntax);
  std::vector<std::pair<std::string, std::string>> pairs;
  while (args.HasNext()) {
    std::string name(args.Next());
    std::string value(args.Next());
    pairs.emplace_back(std::move(name), std::move(value));
  }
  ConfigTable::SetOptions opts;
  opts.local_client = IsLocalClient(sc.client());
  opts.loading = sc.server().loading();
  std::string err = sc.server().config_table().Set(pairs, opts);
  if (!err.empty()) return ctx.reply().Error(err);
  ctx.reply().Ok();
}

void CmdConfigResetStat(CommandContext& ctx, ArgReader& args) {
  ServerContext& sc = ServerContext::From(ctx);
  Server& s = sc.server();
  // Redis's resetServerStats + resetCommandTableStats + resetErrorTableStats. The slow log and
  // the dirty counter are not statistics and stay.
  s.stats().Reset(s.clock().NowMs());
  s.commands().ResetStats();
  KeyspaceContext& ks = s.keyspace().ctx();
  ks.expired_keys = 0;
  ks.keyspace_hits = 0;
  ks.keyspace_misses = 0;
  ks.expired_stale_perc_samples = 0;
  s.keyspace().lazy_freer().ResetStats();
  ctx.reply().Ok();
}

void CmdConfigRewrite(CommandContext& ctx, ArgReader& args) {
  std::string err = ServerContext::From(ctx).server().config_table().Rewrite();
  if (!err.empty()) return ctx.reply().Error(err);
  ctx.reply().Ok();
}

void CmdConfigHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(
      ctx.reply(), ctx.name(),
      {"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "REWRITE",
       "    Rewrite the configuration file."});
}

}  // namespace

void RegisterConfigCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kAdmin = F::kAdmin | F::kNoScript | F::kLoading | F::kStale;
  constexpr const char* kAdminAcl = "@admin @slow @dangerous";
  table.Add({.name = "config",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "config|get",
                  .arity = -3,
                  .flags = kAdmin,
                  .handler = CmdConfigGet,
                  .acl_categories = kAdminAcl},
                 {.name = "config|set",
                  .arity = -4,
                  .flags = kAdmin,
                  .handler = CmdConfigSet,
                  .acl_categories = kAdminAcl},
                 {.name = "config|resetstat",
                  .arity = 2,
                  .flags = kAdmin,
                  .handler = CmdConfigResetStat,
                  .acl_categories = kAdminAcl},
                 {.name = "config|rewrite",
                  .arity = 2,
                  .flags = kAdmin,
                  .handler = CmdConfigRewrite,
                  .acl_categories = kAdminAcl},
                 {.name = "config|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdConfigHelp,
                  .acl_categories = "@slow"},
             }});
}

}  // namespace duet
