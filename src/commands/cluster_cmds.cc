// CLUSTER and the cluster-mode connection commands (READONLY, READWRITE, ASKING), answered as a
// redis-server 7.0 started without `cluster-enabled` answers them: every one exists (COMMAND
// lists them, clients probe them) and replies that cluster support is disabled. An unknown
// CLUSTER subcommand or a wrong argument count still gets the dispatcher's usual errors.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/arg_reader.h"
#include "protocol/errors.h"

namespace duet {

namespace {

void CmdClusterDisabled(CommandContext& ctx, ArgReader& /*args*/) {
  ctx.reply().Error(errors::kClusterDisabled);
}

struct ClusterSub {
  const char* name;
  int arity;
  CmdFlag flags;
  const char* acl_categories;
};

}  // namespace

void RegisterClusterCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kAdmin = F::kAdmin | F::kStale | F::kNoAsyncLoading;
  constexpr const char* kDangerous = "@admin @slow @dangerous";
  const ClusterSub subs[] = {
      {"addslots", -3, kAdmin, kDangerous},
      {"addslotsrange", -4, kAdmin, kDangerous},
      {"bumpepoch", 2, kAdmin, kDangerous},
      {"count-failure-reports", 3, F::kAdmin | F::kStale, kDangerous},
      {"countkeysinslot", 3, F::kStale, "@slow"},
      {"delslots", -3, kAdmin, kDangerous},
      {"delslotsrange", -4, kAdmin, kDangerous},
      {"failover", -2, kAdmin, kDangerous},
      {"flushslots", 2, kAdmin, kDangerous},
      {"forget", 3, kAdmin, kDangerous},
      {"getkeysinslot", 4, F::kStale, "@slow"},
      {"help", 2, F::kLoading | F::kStale, "@slow"},
      {"info", 2, F::kStale, "@slow"},
      {"keyslot", 3, F::kStale, "@slow"},
      {"links", 2, F::kStale, "@slow"},
      {"meet", -4, kAdmin, kDangerous},
      {"myid", 2, F::kStale, "@slow"},
      {"nodes", 2, F::kStale, "@slow"},
      {"replicas", 3, F::kAdmin | F::kStale, kDangerous},
      {"replicate", 3, kAdmin, kDangerous},
      {"reset", -2, F::kAdmin | F::kNoScript | F::kStale, kDangerous},
      {"saveconfig", 2, kAdmin, kDangerous},
      {"set-config-epoch", 3, kAdmin, kDangerous},
      {"setslot", -4, kAdmin, kDangerous},
      {"shards", 2, F::kStale, "@slow"},
      {"slaves", 3, F::kAdmin | F::kStale, kDangerous},
      {"slots", 2, F::kStale, "@slow"},
  };
  CommandSpec cluster{.name = "cluster", .arity = -2, .acl_categories = "@slow"};
  for (const ClusterSub& s : subs) {
    cluster.subcommands.push_back({.name = std::string("cluster|") + s.name,
                                   .arity = s.arity,
                                   .flags = s.flags,
                                   .handler = CmdClusterDisabled,
                                   .acl_categories = s.acl_categories});
  }
  table.Add(std::move(cluster));
  table.Add("readonly", 1, F::kLoading | F::kStale | F::kFast, 0, 0, 0, CmdClusterDisabled,
            "@fast @connection");
  table.Add("readwrite", 1, F::kLoading | F::kStale | F::kFast, 0, 0, 0, CmdClusterDisabled,
            "@fast @connection");
  table.Add("asking", 1, F::kFast, 0, 0, 0, CmdClusterDisabled, "@fast @connection");
}

}  // namespace duet
