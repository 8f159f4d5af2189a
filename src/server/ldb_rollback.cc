// SCRIPT DEBUG YES without fork: the session's writes are remembered key by key before they
// happen and undone when it ends (Server::RollbackSession, keyspace/undo_log.h).
#include "server/server.h"

namespace duet {

Server::RollbackSession::RollbackSession(Server& server) : server_(server) {
  KeyspaceContext& kctx = server.keyspace_.ctx();
  dirty_ = server.stats_.dirty;
  expired_keys_ = kctx.expired_keys;
  keyspace_hits_ = kctx.keyspace_hits;
  keyspace_misses_ = kctx.keyspace_misses;
  propagation_pending_ = server.propagator_.pending();
  ready_ = server.blocking_.TakeReady();
  server.undo_ = std::make_unique<UndoLog>(server.keyspace_);
  kctx.undo = server.undo_.get();
}

Server::RollbackSession::~RollbackSession() {
  KeyspaceContext& kctx = server_.keyspace_.ctx();
  server_.undo_->Restore();
  kctx.undo = nullptr;
  server_.undo_.reset();
  server_.stats_.dirty = dirty_;
  kctx.expired_keys = expired_keys_;
  kctx.keyspace_hits = keyspace_hits_;
  kctx.keyspace_misses = keyspace_misses_;
  server_.propagator_.DropPendingAfter(propagation_pending_);
  server_.blocking_.TakeReady();  // what the session made ready is gone again
  for (const DbKey& k : ready_) server_.blocking_.MarkReady(k.db, k.key);
}

void Server::UndoBeforeCommand(int db, const CommandSpec& spec,
                               std::span<const std::string_view> args) {
  UndoLog& undo = *undo_;
  // FLUSHDB, FLUSHALL and SWAPDB report their databases through SignalDatabaseReplaced.
  ForEachWrittenKey(db, spec, args,
                    [&undo](int d, std::string_view key) { undo.BeforeWrite(d, key); });
}

}  // namespace duet
