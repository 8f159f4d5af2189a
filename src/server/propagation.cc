#include "server/propagation.h"

namespace duet {

void Propagator::Add(int db, std::vector<std::string> argv) {
  if (targets_.empty()) return;
  ops_.push_back({db, std::move(argv)});
}

void Propagator::Add(int db, std::span<const std::string_view> argv) {
  if (targets_.empty()) return;
  ops_.push_back({db, std::vector<std::string>(argv.begin(), argv.end())});
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
    for (const Op& op : ops) t->Feed(op.db, op.argv);
    // EXEC in the last effect's database, so no SELECT comes before it.
    if (transaction) t->Feed(ops.back().db, kExec);
  }
}

}  // namespace duet
