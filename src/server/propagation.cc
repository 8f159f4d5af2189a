#include "server/propagation.h"

#include "persistence/aof_manifest.h"

namespace duet {

bool Propagator::Listens(int to) const {
  for (const PropagationTarget* t : targets_) {
    if (t->kind() & to) return true;
  }
  return false;
}

void Propagator::Add(int db, std::span<const std::string> argv, int to) {
  if (!Listens(to)) return;
  size_t begin = encoded_.size();
  aof::AppendCommand(&encoded_, argv);
  ops_.push_back({db, to, begin, encoded_.size()});
}

void Propagator::Add(int db, std::span<const std::string_view> argv, int to) {
  if (!Listens(to)) return;
  size_t begin = encoded_.size();
  aof::AppendCommand(&encoded_, argv);
  ops_.push_back({db, to, begin, encoded_.size()});
}

void Propagator::DropPendingAfter(size_t keep) {
  if (keep >= ops_.size()) return;
  encoded_.resize(ops_[keep].begin);
  ops_.resize(keep);
}

void Propagator::Flush(bool allow_multi) {
  if (ops_.empty()) return;
  // Taken out first: a target could propagate while it is fed.
  std::vector<Op> ops;
  std::string encoded;
  ops.swap(ops_);
  encoded.swap(encoded_);
  bool transaction = allow_multi && ops.size() > 1;
  static constexpr std::string_view kMulti = "*1\r\n$5\r\nMULTI\r\n";
  static constexpr std::string_view kExec = "*1\r\n$4\r\nEXEC\r\n";
  std::string_view all(encoded);
  for (PropagationTarget* t : targets_) {
    if (transaction) t->Feed(ops.front().db, kMulti);
    int kind = t->kind();
    for (const Op& op : ops) {
      if (op.to & kind) t->Feed(op.db, all.substr(op.begin, op.end - op.begin));
    }
    // MULTI/EXEC go to every target when there are several effects, whoever they are for
    // (Redis's propagatePendingCommands).
    // EXEC in the last effect's database, so no SELECT comes before it.
    if (transaction) t->Feed(ops.back().db, kExec);
  }
  // The buffers go back for the next command's effects, their capacity kept (unless a big
  // effect grew them past what a command usually needs).
  if (ops_.empty()) {
    ops.clear();
    ops_.swap(ops);
    if (encoded.capacity() <= kKeepCapacity) {
      encoded.clear();
      encoded_.swap(encoded);
    }
  }
}

}  // namespace duet
