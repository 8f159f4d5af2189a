#include "commands/command_context.h"
#include "commands/families.h"

namespace duet {

void RegisterBitmapCommands(CommandTable& table) {}

}  // namespace duet
