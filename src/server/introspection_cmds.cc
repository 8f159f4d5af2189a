// Introspection family: COMMAND (command_cmds.cc). SLOWLOG, MONITOR and TIME register
// themselves from their own files.
#include "server/server_commands.h"

namespace duet {

void RegisterIntrospectionCommands(CommandTable& table) { RegisterCommandCommand(table); }

}  // namespace duet
