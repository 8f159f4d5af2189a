#include "commands/command_context.h"
#include "commands/families.h"

namespace duet {

void RegisterStringCommands(CommandTable& table) {}

}  // namespace duet
