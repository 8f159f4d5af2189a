// SPOP and SRANDMEMBER handlers (set_random_cmds.cc); RegisterSetCommands registers them.
#pragma once

#include "commands/command_context.h"

namespace duet {

// SPOP key [count]
void CmdSPop(CommandContext& ctx, ArgReader& args);
// SRANDMEMBER key [count]
void CmdSRandMember(CommandContext& ctx, ArgReader& args);

}  // namespace duet
