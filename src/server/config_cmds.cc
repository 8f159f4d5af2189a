#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

void RegisterConfigCommands(CommandTable& table) {}

}  // namespace duet
