#include "server/server_commands.h"

namespace duet {

void RegisterServerCommands(CommandTable& table) {
  RegisterAclCommands(table);
  RegisterConnectionCommands(table);
  RegisterClientCommands(table);
  RegisterConfigCommands(table);
  RegisterInfoCommands(table);
  RegisterIntrospectionCommands(table);
  RegisterAdminCommands(table);
  RegisterSlowlogCommands(table);
  RegisterLatencyCommands(table);
  RegisterMonitorCommands(table);
  RegisterTimeCommands(table);
  RegisterMemoryCommands(table);
  RegisterTransactionCommands(table);
  RegisterScriptCommands(table);
  RegisterFunctionCommands(table);
  RegisterPubSubCommands(table);
  RegisterPersistenceCommands(table);
  RegisterAofCommands(table);
  RegisterDumpCommands(table);
  RegisterMigrateCommands(table);
  RegisterReplicationCommands(table);
}

}  // namespace duet
