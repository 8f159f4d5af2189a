#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

void RegisterInfoCommands(CommandTable& table) {}

}  // namespace duet
