// CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO handlers (tracking_cmds.cc), registered
// in the CLIENT container by client_cmds.cc.
#pragma once

#include "commands/command_context.h"

namespace duet {

void CmdClientTracking(CommandContext& ctx, ArgReader& args);
void CmdClientCaching(CommandContext& ctx, ArgReader& args);
void CmdClientGetredir(CommandContext& ctx, ArgReader& args);
void CmdClientTrackinginfo(CommandContext& ctx, ArgReader& args);

}  // namespace duet
