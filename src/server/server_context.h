// ServerContext: the CommandContext handed to server-level commands (CLIENT, CONFIG, INFO,
// ...), which also need the Server and the calling Client.
#pragma once

#include "commands/command_context.h"
#include "server/client.h"
#include "server/server.h"

namespace duet {

class ServerContext : public CommandContext {
 public:
  ServerContext(Server& server, Client& client, const CommandSpec& spec, std::string_view name,
                std::span<const std::string_view> args = {})
      : CommandContext(server.keyspace(), client.reply(), server.config(), spec, name,
                       client.db_index_ptr()),
        server_(server),
        client_(client),
        args_(args) {
    set_propagating(server.propagator().active());
  }

  using CommandContext::KeyModified;
  void KeyModified(std::string_view key) override {
    CommandContext::KeyModified(key);
    server_.SignalModifiedKey(client_.db_index, key);
  }
  void KeyModifiedInDb(int db, std::string_view key) override {
    server_.SignalModifiedKey(db, key);
  }
  void NotifyInDb(int type, std::string_view event, std::string_view key, int db) override {
    if (server_.config().notify_keyspace_events & type) {
      server_.NotifyKeyspaceEvent(type, event, key, db);
    }
  }
  void KeyspaceFlushed() override { server_.TrackingInvalidateAllOnFlush(); }
  void AllFlushed() override {
    if (server_.in_rollback_session()) return;  // SCRIPT DEBUG YES: the flush is undone
    if (!server_.config().save_params.empty() && server_.SaveRdb().ok()) ResetDirty();
  }
  void DatabaseReplaced(int db, int replaced_with) override {
    server_.SignalDatabaseReplaced(db, replaced_with);
  }
  bool Block(std::span<const std::string_view> keys, int64_t deadline_ms) override {
    return server_.BlockClient(client_, spec(), args_, keys, deadline_ms);
  }
  bool BlockRewritten(std::span<const std::string_view> keys, int64_t deadline_ms,
                      std::span<const std::string_view> args, bool wake_on_delete) override {
    return server_.BlockClient(client_, spec(), args.empty() ? args_ : args, keys, deadline_ms,
                               wake_on_delete);
  }
  void AlsoPropagate(std::vector<std::string> argv) override {
    server_.propagator().Add(client_.db_index, std::move(argv));
  }
  bool FromScript() const override { return client_.is_script; }
  bool MustObey() const override { return client_.is_master || client_.is_aof_loader; }
  bool MayReadAnyKey() const override { return server_.UserMayReadAnyKey(client_, spec(), args_); }
  const std::string* ReadyKey() const override { return client_.serving_key; }

  Server& server() { return server_; }
  Client& client() { return client_; }
  // The command being run, name first.
  std::span<const std::string_view> args() const { return args_; }

  // Server-level handlers are registered in the same table as the others and receive a
  // CommandContext&; the dispatcher always passes a ServerContext, so this cast is safe.
  static ServerContext& From(CommandContext& ctx) { return static_cast<ServerContext&>(ctx); }

 private:
  Server& server_;
  Client& client_;
  std::span<const std::string_view> args_;  // the command being run, name first
};

}  // namespace duet
