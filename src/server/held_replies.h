// HeldReplies: client output that may not leave before an AOF offset is durable (group
// commit under `appendfsync always`). At the end of each event-loop iteration the server
// holds every client's output produced so far (up to `end`, a cumulative offset into the
// client's output stream) until the AOF bytes written so far (`need`, an offset into the
// AOF's logical stream) are fsynced; when an fsync completes, the holds it covers are
// released in the order they were taken.
//
// Threading: event-loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace duet {

class HeldReplies {
 public:
  struct Hold {
    uint64_t need;  // AOF offset that must be durable first
    int fd;         // the client, as LiveClient resolves it
    uint64_t id;
    uint64_t end;  // the client's output up to this cumulative offset may then be sent
  };

  // `need` must not be below the need of an earlier hold (offsets only grow).
  void Add(uint64_t need, int fd, uint64_t id, uint64_t end) {
    holds_.push_back({need, fd, id, end});
  }
  bool empty() const { return holds_.empty(); }
  size_t size() const { return holds_.size(); }
  // The need of the newest hold (0 when none): later output must wait at least as long.
  uint64_t last_need() const { return holds_.empty() ? 0 : holds_.back().need; }

  // Removes the holds whose need is at most `durable`, oldest first, calling fn(hold) for
  // each. fn may add holds (with a higher need) but must not release.
  template <typename Fn>
  void Release(uint64_t durable, Fn&& fn) {
    while (!holds_.empty() && holds_.front().need <= durable) {
      Hold h = holds_.front();
      holds_.pop_front();
      fn(h);
    }
  }

 private:
  std::deque<Hold> holds_;
};

}  // namespace duet
