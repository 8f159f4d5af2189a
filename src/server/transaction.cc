// MULTI/EXEC/WATCH on the Server: EXEC's run, DISCARD, and the signals that make WATCHed
// transactions fail (Redis 7.0's multi.c).
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/server.h"

namespace duet {

WatchRegistry::KeyState Server::ProbeKey(int db, std::string_view key) {
  // WATCH must see an expired key without deleting it.
  const Entry* e = keyspace_.db(db).PeekStored(key);
  if (!e) return {};
  bool expired = e->has_expire() && e->expire_ms() <= keyspace_.ctx().now_ms;
  return {.present = true, .expired = expired};
}

void Server::SignalModifiedKey(int db, std::string_view key, bool by_client) {
  if (undo_) return;  // a SCRIPT DEBUG YES session's change: rolled back, nobody sees it
  TrackingInvalidateKey(key, true, by_client ? caller_ : nullptr);
  if (watches_.empty()) return;
  watches_.Touch(db, key, [this](int d, std::string_view k) { return ProbeKey(d, k); });
}

void Server::SignalDatabaseReplaced(int db, int replaced_with) {
  if (undo_) return undo_->BeforeDbReplaced(db);  // rolled back, nobody sees it
  // Redis's scanDatabaseForDeletedStreams: XREADGROUP clients blocked on a stream that the
  // flush or swap takes away are answered that it no longer exists.
  if (blocking_.registrations() != 0) {
    for (const std::string& key : blocking_.KeysWaitedIn(db)) {
      // As stored (Redis's dictFind): an expired key is not deleted by the flush or swap.
      Entry* was = keyspace_.db(db).PeekStored(key);
      Entry* is = replaced_with >= 0 ? keyspace_.db(replaced_with).PeekStored(key) : nullptr;
      bool was_stream = was != nullptr && was->type() == ValueType::kStream;
      bool is_stream = is != nullptr && is->type() == ValueType::kStream;
      if (was_stream && !is_stream) blocking_.MarkReady(db, key);
    }
  }
  if (watches_.empty()) return;
  watches_.TouchDb(db, replaced_with, [this](int d, std::string_view k) { return ProbeKey(d, k); });
}

void Server::DiscardTransaction(Client& c) {
  c.multi.reset();
  c.watch_dirty = false;
  watches_.UnwatchAll(c);
}

void Server::ExecTransaction(Client& c) {
  if (!c.watch_dirty && WatchRegistry::AnyWatchedKeyExpired(
                            c, [this](int d, std::string_view k) { return ProbeKey(d, k); })) {
    c.watch_dirty = true;
  }
  if (c.multi->aborted || c.watch_dirty) {
    if (c.multi->aborted) {
      c.reply().Error(errors::kExecAbort);
    } else {
      c.reply().NullArray();
    }
    DiscardTransaction(c);
    return;
  }
  watches_.UnwatchAll(c);  // nothing can fail the transaction any more
  std::vector<QueuedCommand> queued = std::move(c.multi->commands);
  c.multi.reset();
  c.reply().ArrayHeader(queued.size());
  c.in_exec = true;
  std::vector<std::string_view> args;
  for (const QueuedCommand& q : queued) {
    args.assign(q.args.begin(), q.args.end());
    // Permissions are checked again: the rules may have changed since the command queued.
    if (RejectedByAclInExec(c, *q.spec, args)) continue;
    int64_t start_us = CommandStartUs();
    keyspace_.SetNow(start_us / 1000);
    Call(c, *q.spec, args, start_us);
  }
  c.in_exec = false;
  DiscardTransaction(c);
}

}  // namespace duet
