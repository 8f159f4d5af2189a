// CommandContext: what a command handler may touch while it runs.
//
// The dispatcher builds one per call (on the stack). Handlers in commands/ use only this
// interface: the selected database, the reply builder, the cached time, the limits from the
// config, and hooks for side effects the server owns (dirty counter, WATCH invalidation).
// Server-level handlers (server/) reach the Server through ServerContext, a subclass.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command_table.h"
#include "config/config.h"
#include "keyspace/keyspace.h"
#include "protocol/arg_reader.h"
#include "protocol/reply_builder.h"

namespace duet {

class CommandContext {
 public:
  CommandContext(Keyspace& keyspace, ReplyBuilder& reply, const Config& config,
                 const CommandSpec& spec, std::string_view name, int* db_index)
      : keyspace_(keyspace),
        reply_(reply),
        config_(config),
        spec_(spec),
        name_(name),
        db_index_(db_index) {}
  virtual ~CommandContext() = default;

  ReplyBuilder& reply() { return reply_; }
  Keyspace& keyspace() { return keyspace_; }
  Db& db() { return keyspace_.db(*db_index_); }
  int db_index() const { return *db_index_; }
  void SelectDb(int index) { *db_index_ = index; }
  const Config& config() const { return config_; }
  const CommandSpec& spec() const { return spec_; }
  // The command name as the client typed it.
  std::string_view name() const { return name_; }
  int64_t now_ms() const { return keyspace_.ctx().now_ms; }

  // Records that the dataset changed (`n` changes): feeds the dirty counter for persistence,
  // and invalidates WATCHed keys.
  virtual void KeyModified(std::string_view key) { dirty_++; }
  void AddDirty(uint64_t n) { dirty_ += n; }
  uint64_t dirty() const { return dirty_; }

 private:
  Keyspace& keyspace_;
  ReplyBuilder& reply_;
  const Config& config_;
  const CommandSpec& spec_;
  std::string_view name_;
  int* db_index_;
  uint64_t dirty_ = 0;
};

}  // namespace duet
