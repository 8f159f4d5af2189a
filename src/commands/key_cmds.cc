#include "commands/command_context.h"
#include "commands/families.h"

namespace duet {

void RegisterKeyCommands(CommandTable& table) {}

}  // namespace duet
