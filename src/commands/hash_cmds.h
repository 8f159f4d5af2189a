// Handlers of the hash read commands (hash_read_cmds.cc), registered with the rest of the
// family by RegisterHashCommands (hash_cmds.cc).
#pragma once

#include "commands/command_context.h"

namespace duet::hash_cmds {

void CmdHget(CommandContext& ctx, ArgReader& args);
void CmdHmget(CommandContext& ctx, ArgReader& args);
void CmdHexists(CommandContext& ctx, ArgReader& args);
void CmdHlen(CommandContext& ctx, ArgReader& args);
void CmdHstrlen(CommandContext& ctx, ArgReader& args);
void CmdHkeys(CommandContext& ctx, ArgReader& args);
void CmdHvals(CommandContext& ctx, ArgReader& args);
void CmdHgetall(CommandContext& ctx, ArgReader& args);
void CmdHrandfield(CommandContext& ctx, ArgReader& args);
void CmdHscan(CommandContext& ctx, ArgReader& args);

}  // namespace duet::hash_cmds
