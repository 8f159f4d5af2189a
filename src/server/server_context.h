// ServerContext: the CommandContext handed to server-level commands (CLIENT, CONFIG, INFO,
// ...), which also need the Server and the calling Client.
#pragma once

#include "commands/command_context.h"
#include "server/client.h"
#include "server/server.h"

namespace duet {

class ServerContext : public CommandContext {
 public:
  ServerContext(Server& server, Client& client, const CommandSpec& spec, std::string_view name)
      : CommandContext(server.keyspace(), client.reply(), server.config(), spec, name,
                       client.db_index_ptr()),
        server_(server),
        client_(client) {}

  Server& server() { return server_; }
  Client& client() { return client_; }

  // Server-level handlers are registered in the same table as the others and receive a
  // CommandContext&; the dispatcher always passes a ServerContext, so this cast is safe.
  static ServerContext& From(CommandContext& ctx) { return static_cast<ServerContext&>(ctx); }

 private:
  Server& server_;
  Client& client_;
};

}  // namespace duet
