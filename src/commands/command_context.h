// CommandContext: what a command handler may touch while it runs.
//
// The dispatcher builds one per call (on the stack). Handlers in commands/ use only this
// interface: the selected database, the reply builder, the cached time, the limits from the
// config, and hooks for side effects the server owns (dirty counter, WATCH invalidation).
// Server-level handlers (server/) reach the Server through ServerContext, a subclass.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // The one call a write makes per change of a key of the selected database: KeyModified
  // (dirty counter, WATCH, tracking invalidation) plus the keyspace event `event` of class
  // `type` (a NotifyFlags bit), at the point where Redis 7.0 notifies it.
  void KeyModified(std::string_view key, int type, std::string_view event) {
    KeyModified(key);
    Notify(type, event, key);
  }
  // A keyspace event that comes with no change signal of its own: a second event of one
  // change ("expire" after SET's "set", "del" after a pop emptied a key), or an event Redis
  // sends without signalling (SETEX's "set"+"expire" pair, LINSERT...). Redis's
  // notifyKeyspaceEvent for the selected database (NotifyInDb: for database `db`).
  void Notify(int type, std::string_view event, std::string_view key) {
    NotifyInDb(type, event, key, *db_index_);
  }
  virtual void NotifyInDb(int type, std::string_view event, std::string_view key, int db) {}
  // Whether events of class `type` are wanted (to skip work that only an event needs).
  bool Notifies(int type) const { return config_.notify_keyspace_events & type; }
  // The "del" event of a key the command emptied and so deleted (a pop, LREM, SREM ...),
  // when it is gone now.
  void NotifyDelIfGone(std::string_view key) {
    if (Notifies(kNotifyGeneric) && !db().Peek(key)) Notify(kNotifyGeneric, "del", key);
  }
  // Signals a change to `key` of database `db` (MOVE's and COPY ... DB's target) without
  // counting it as dirty: the command does that itself, as Redis counts such a command once.
  virtual void KeyModifiedInDb(int db, std::string_view key) {}
  // FLUSHDB/FLUSHALL (replaced_with = -1) and SWAPDB are about to replace database `db`'s
  // contents; called before the change so WATCHers of its keys can be told.
  virtual void DatabaseReplaced(int db, int replaced_with) {}
  // FLUSHDB/FLUSHALL emptied the keyspace (once per command): tracking clients are told.
  virtual void KeyspaceFlushed() {}
  // FLUSHALL emptied every database: with save points configured the server saves now and,
  // when that succeeded, the command counts no change (Redis's flushAllDataAndResetRDB).
  virtual void AllFlushed() {}

  // ---- blocking commands (BLPOP, BLMOVE, BZPOPMIN ...) ----
  // A blocking command that finds nothing to serve calls Block: the server parks the client
  // on `keys` (of the selected database) until one of them is created as a list or sorted
  // set, then runs the command again with ReadyKey() set (the command then either replies,
  // which unblocks the client, or calls Block again to keep waiting), or until `deadline_ms`
  // (absolute unix ms; 0 = forever), when the server replies a null array (Redis 7.0 does
  // so for every list and sorted-set command, BLMOVE included). Returns false when the
  // client may not block (inside MULTI/EXEC): the command then replies its own empty answer.
  virtual bool Block(std::span<const std::string_view> keys, int64_t deadline_ms) { return false; }
  // Block with a rewritten command to re-run (`args`, name first; empty = the command as
  // sent: XREAD records "$" as the ID it stood for) and, when `wake_on_delete`, also re-run
  // when a waited-on stream key is deleted or overwritten (XREADGROUP answers an error then).
  virtual bool BlockRewritten(std::span<const std::string_view> keys, int64_t deadline_ms,
                              std::span<const std::string_view> args, bool wake_on_delete) {
    return false;
  }
  // Whether the command runs inside a Lua script (XREAD BLOCK refuses to run there).
  virtual bool FromScript() const { return false; }
  // Whether the caller is one whose commands must be applied as they come (Redis's
  // mustObeyClient): the AOF loader or this replica's master. Their commands are already in
  // propagated form (an XADD's trim is exact, so its LIMIT is ignored).
  virtual bool MustObey() const { return false; }
  // Whether the caller's ACL user may read every key with this command (SORT's BY and GET
  // patterns name keys no key spec declares).
  virtual bool MayReadAnyKey() const { return true; }
  // The key whose readiness re-runs a blocked command; the command serves from that key
  // only (as Redis 7.0 does). nullptr on a command's first run.
  virtual const std::string* ReadyKey() const { return nullptr; }
  void AddDirty(uint64_t n) { dirty_ += n; }
  void ResetDirty() { dirty_ = 0; }
  uint64_t dirty() const { return dirty_; }

  // ---- propagation (AOF; replicas later) ----
  // A command that made the dataset dirty propagates as it was received unless it says
  // otherwise here (Redis's rewriteClientCommandVector & co). Build a rewritten form only
  // when propagating() (nobody listens otherwise).
  bool propagating() const { return propagating_; }
  void set_propagating(bool on) { propagating_ = on; }
  // Propagate as `argv` (name first) instead of as received.
  void PropagateAs(std::vector<std::string> argv) {
    propagate_as_ = std::move(argv);
    rewritten_ = true;
  }
  // Propagate the deletion of `key` as DEL, or UNLINK when `lazy` (the lazyfree-lazy-*
  // directive of the deletion's cause).
  void PropagateAsDeletion(std::string_view key, bool lazy) {
    if (propagating_) PropagateAs({lazy ? "UNLINK" : "DEL", std::string(key)});
  }
  // Propagates `argv` in the selected database ahead of this command's own form (Redis's
  // alsoPropagate; combine with PreventPropagation to replace the command by several).
  virtual void AlsoPropagate(std::vector<std::string> argv) {}
  // The command itself is not propagated (its effects went through AlsoPropagate, or a
  // script's calls carry them).
  void PreventPropagation() { prevent_propagation_ = true; }
  // The command propagates even if it changed nothing (FLUSHALL of an empty dataset).
  void ForcePropagation() { force_propagation_ = true; }
  // The same, to the replicas only (PUBLISH, Redis's forceCommandPropagation(c,
  // PROPAGATE_REPL): their subscribers get the message, the AOF does not).
  void ForceReplicationOnly() {
    force_propagation_ = true;
    replication_only_ = true;
  }
  bool rewritten() const { return rewritten_; }
  const std::vector<std::string>& propagate_as() const { return propagate_as_; }
  bool propagation_prevented() const { return prevent_propagation_; }
  bool propagation_forced() const { return force_propagation_; }
  bool replication_only() const { return replication_only_; }

 private:
  Keyspace& keyspace_;
  ReplyBuilder& reply_;
  const Config& config_;
  const CommandSpec& spec_;
  std::string_view name_;
  int* db_index_;
  uint64_t dirty_ = 0;
  bool propagating_ = false;
  bool rewritten_ = false;
  bool prevent_propagation_ = false;
  bool force_propagation_ = false;
  bool replication_only_ = false;
  std::vector<std::string> propagate_as_;
};

}  // namespace duet
