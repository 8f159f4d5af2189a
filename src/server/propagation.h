// Propagator: the one place where executed writes leave the dataset for the AOF (and, later,
// replicas). Redis 7.0.15's alsoPropagate / propagatePendingCommands.
//
// During a top-level command (and everything it runs: EXEC's queue, a script's calls, the
// lazy expiries they trigger) the server Add()s each effect in execution order; after the
// top-level command Flush() hands them to every target, wrapped in MULTI ... EXEC when there
// is more than one (one atomic unit, as Redis writes it), MULTI in the database of the first
// effect. Outside commands (active expiry, eviction) Flush(false) hands them over unwrapped.
//
// Each effect is encoded once, when it is added, as the RESP array of bulk strings the AOF and
// the replication stream carry (into one buffer reused from command to command: no argv
// copies); targets receive (db, encoded command) and own the SELECT bookkeeping. With no
// target attached nothing is encoded (Add returns at once), so a server without AOF pays one
// branch per write.
//
// Threading: event-loop thread only.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

// Where an effect goes (Redis's PROPAGATE_AOF / PROPAGATE_REPL; a script's redis.set_repl
// chooses per command).
inline constexpr int kPropagateAof = 1;
inline constexpr int kPropagateRepl = 2;
inline constexpr int kPropagateAll = kPropagateAof | kPropagateRepl;

class PropagationTarget {
 public:
  virtual ~PropagationTarget() = default;
  // kPropagateAof or kPropagateRepl: which effects this target takes.
  virtual int kind() const { return kPropagateRepl; }
  // One command's effect in database `db`: `resp` is the command (name first, as
  // propagated) encoded as a RESP array of bulk strings (aof::AppendCommand's form).
  virtual void Feed(int db, std::string_view resp) = 0;
};

class Propagator {
 public:
  void AddTarget(PropagationTarget* t) { targets_.push_back(t); }
  void RemoveTarget(PropagationTarget* t) { std::erase(targets_, t); }
  bool HasTarget(const PropagationTarget* t) const {
    return std::find(targets_.begin(), targets_.end(), t) != targets_.end();
  }
  // Whether anyone listens: commands build rewritten forms only then.
  bool active() const { return !targets_.empty(); }

  // Whether a target of a kind in `to` is attached (Redis's shouldPropagate).
  bool Listens(int to) const;
  // Queues an effect (alsoPropagate) for the targets of the kinds in `to`. No-op without
  // such a target (so the effect counts for no MULTI/EXEC wrapping either, as in Redis).
  void Add(int db, std::span<const std::string> argv, int to = kPropagateAll);
  void Add(int db, std::span<const std::string_view> argv, int to = kPropagateAll);
  // Hands the queued effects to the targets and forgets them (propagatePendingCommands);
  // `allow_multi`: wrap two or more in MULTI/EXEC.
  void Flush(bool allow_multi);
  size_t pending() const { return ops_.size(); }
  // Forgets the effects queued after the first `keep` (a rolled-back debugging session's).
  void DropPendingAfter(size_t keep);

 private:
  // One queued effect: its bytes are encoded_[begin, end).
  struct Op {
    int db;
    int to;
    size_t begin;
    size_t end;
  };
  std::vector<PropagationTarget*> targets_;
  std::vector<Op> ops_;
  std::string encoded_;
  // encoded_'s capacity kept from one command to the next.
  static constexpr size_t kKeepCapacity = 64 * 1024;
};

}  // namespace duet
