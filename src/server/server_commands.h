// Registration of the server-level command families (they live in server/ because they need
// the Server: connections, clients, config, introspection).
#pragma once

#include "commands/command_table.h"

namespace duet {

void RegisterServerCommands(CommandTable& table);

// One function per family; each lives in its own *_cmds.cc file in server/.
void RegisterAclCommands(CommandTable& table);            // ACL * (acl_cmds.cc)
void RegisterConnectionCommands(CommandTable& table);     // PING ECHO QUIT RESET AUTH HELLO SELECT
void RegisterClientCommands(CommandTable& table);         // CLIENT *
void RegisterConfigCommands(CommandTable& table);         // CONFIG *
void RegisterInfoCommands(CommandTable& table);           // INFO
void RegisterIntrospectionCommands(CommandTable& table);  // COMMAND
void RegisterCommandCommand(CommandTable& table);         // COMMAND * (command_cmds.cc)
void RegisterAdminCommands(CommandTable& table);          // DEBUG, SHUTDOWN, FUNCTION
void RegisterDebugCommand(CommandTable& table);           // DEBUG (debug_cmds.cc)
void RegisterSlowlogCommands(CommandTable& table);        // SLOWLOG *
void RegisterLatencyCommands(CommandTable& table);        // LATENCY * (latency_cmds.cc)
void RegisterMonitorCommands(CommandTable& table);        // MONITOR
void RegisterTimeCommands(CommandTable& table);           // TIME
void RegisterMemoryCommands(CommandTable& table);         // MEMORY * (memory_cmds.cc)
void RegisterTransactionCommands(CommandTable& table);    // MULTI EXEC DISCARD WATCH UNWATCH
void RegisterScriptCommands(CommandTable& table);
void RegisterFunctionCommands(CommandTable& table);  // FUNCTION * FCALL FCALL_RO         // EVAL
                                                     // EVALSHA EVAL_RO EVALSHA_RO SCRIPT
// SUBSCRIBE PSUBSCRIBE SSUBSCRIBE (and UN-) PUBLISH SPUBLISH PUBSUB (pubsub_cmds.cc)
void RegisterPubSubCommands(CommandTable& table);
void RegisterPersistenceCommands(CommandTable& table);  // SAVE BGSAVE LASTSAVE (rdb_server.cc)
void RegisterAofCommands(CommandTable& table);          // BGREWRITEAOF (aof_server.cc)
void RegisterDumpCommands(CommandTable& table);         // DUMP RESTORE (dump_cmds.cc)
void RegisterMigrateCommands(CommandTable& table);      // MIGRATE (migrate_cmds.cc)
// SYNC PSYNC REPLCONF WAIT ROLE (replication_cmds.cc)
void RegisterReplicationCommands(CommandTable& table);

}  // namespace duet

namespace duet {
// CLIENT SETNAME / HELLO SETNAME name rule (printable ASCII, no spaces).
bool IsValidClientName(std::string_view name);
}  // namespace duet
