// The replication commands a stand-alone master answers: ROLE. duet has no replicas (yet), so
// its role is always a master at offset 0 with none attached.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/arg_reader.h"

namespace duet {

namespace {

// ROLE -> ["master", <replication offset>, <replicas>]
void CmdRole(CommandContext& ctx, ArgReader& /*args*/) {
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(3);
  r.Bulk("master");
  r.Integer(0);
  r.ArrayHeader(0);
}

}  // namespace

void RegisterReplicationCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add("role", 1, F::kNoScript | F::kLoading | F::kStale | F::kFast, 0, 0, 0, CmdRole,
            "@admin @fast @dangerous");
}

}  // namespace duet
