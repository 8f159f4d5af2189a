#include "server/propagation.h"

namespace duet {

void Propagator::Add(int db, std::vector<std::string> argv, int to) {
  if (targets_.empty()) return;
  ops_.push_back({db, std::move(argv), to});
}

void Propagator::Add(int db, std::span<const std::string_view> argv, int to) {
  if (targets_.empty()) return;
  ops_.push_back({db, std::vector<std::string>(argv.begin(), argv.end()), to});
}

void Propagator::Flush(bool allow_multi) {
  if (ops_.empty()) return;
  std::vector<Op> ops;
  ops.swap(ops_);
  bool transaction = allow_multi && ops.size() > 1;
  static const std::string kMulti[] = {"MULTI"};
  static const std::string kExec[] = {"EXEC"};
  for (PropagationTarget* t : targets_) {
    if (transaction) t->Feed(ops.front().db, kMulti);
    int kind = t->kind();
    for (const Op& op : ops) {
      if (op.to & kind) t->Feed(op.db, op.argv);
    }
    // MULTI/EXEC go to every target when there are several effects, whoever they are for
    // (Redis's propagatePendingCommands).
    // EXEC in the last effect's database, so no SELECT comes before it.
    if (transaction) t->Feed(ops.back().db, kExec);
  }
}

}  // namespace duet
