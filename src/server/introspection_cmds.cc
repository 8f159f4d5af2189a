#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

void RegisterIntrospectionCommands(CommandTable& table) {}

}  // namespace duet
