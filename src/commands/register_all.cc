#include "commands/command_table.h"
#include "commands/families.h"

namespace duet {

void RegisterAllCommands(CommandTable& table) {
  RegisterStringCommands(table);
  RegisterCounterCommands(table);
  RegisterLcsCommands(table);
  RegisterBitmapCommands(table);
  RegisterBitfieldCommands(table);
  RegisterKeyCommands(table);
  RegisterExpireCommands(table);
  RegisterScanCommands(table);
  RegisterListCommands(table);
  RegisterHashCommands(table);
  RegisterZSetCommands(table);
  RegisterSetCommands(table);
  RegisterSetAlgebraCommands(table);
  RegisterHllCommands(table);
  RegisterSortCommands(table);
  RegisterGeoCommands(table);
  RegisterBlockingListCommands(table);
  RegisterBlockingZSetCommands(table);
  RegisterClusterCommands(table);
  RegisterStreamCommands(table);
  RegisterStreamReadCommands(table);
  RegisterStreamGroupCommands(table);
  RegisterStreamClaimCommands(table);
  RegisterStreamInfoCommands(table);
}

}  // namespace duet
