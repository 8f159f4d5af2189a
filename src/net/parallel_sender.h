// ParallelSender: writes a batch of buffers to their sockets with a helper thread sharing the
// work, for large fan-outs (1,000 XREAD BLOCK readers woken by one XADD, PUBLISH to many
// subscribers), where each loopback send runs the receiver's TCP path in the sender's context
// and one thread's sends alone take milliseconds.
//
// Run() publishes the jobs, wakes the helper thread (started on first use) and sends jobs
// itself; both threads claim jobs one at a time from a shared counter, so when the helper is
// slow to be scheduled the calling thread simply sends more of them. Run() returns once every
// job is done. The helper thread touches only the jobs (fds and bytes) of the running Run():
// the caller must keep the buffers unchanged and the fds open until it returns; no other
// state is shared.
//
// The helper never runs on the CPU the calling thread is on when a batch starts: Run() takes
// that CPU out of the helper's affinity mask (only when it changed since the last batch, and
// only when the caller could run on more than one CPU when the helper started). Left to the
// scheduler, a helper woken by the caller is often placed on the caller's own CPU (the waker's
// cache is warm), where the two threads take turns instead of sending side by side; on a busy
// 2-core machine that made the two-thread fan-out no faster than one thread (1,000 woken
// XREADs: 9.3 ms with 9.5 ms of CPU, against 5.5 ms with the helper kept off the caller's CPU).
//
// A batch can also be streamed (Begin, Add..., Finish): the caller adds jobs one at a time
// while the helper, woken by Begin, already sends the ones added so far (waiting, spinning,
// for more until Finish); Finish sends what the helper has not claimed and waits for the
// rest. The server streams the replies of a large wake-up (1,000 XREAD BLOCK readers served
// one after the other) so that sending starts with the first reply instead of the last.
#pragma once

#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <thread>

namespace duet {

class ParallelSender {
 public:
  struct Job {
    int fd = -1;
    const char* data = nullptr;
    size_t len = 0;
    size_t sent = 0;  // out: bytes the socket took
    int error = 0;    // out: errno of a failed send (EAGAIN when the socket is full), else 0
  };

  ParallelSender() = default;
  ~ParallelSender();
  ParallelSender(const ParallelSender&) = delete;
  ParallelSender& operator=(const ParallelSender&) = delete;

  // Sends each job's bytes (MSG_NOSIGNAL | MSG_DONTWAIT, continuing after partial sends and
  // EINTR until the socket is full or fails); fills sent and error. Called from one thread.
  // Not while a streamed batch is open.
  void Run(std::span<Job> jobs);

  // Opens a streamed batch whose jobs will be written into `storage` (at most its size, up
  // to kMaxJobs), and wakes the helper. The storage must stay in place until Finish.
  void Begin(std::span<Job> storage);
  // Adds a job to the open batch (the helper may send it at once); false when the storage
  // is full (the job is not taken).
  bool Add(const Job& job);
  // Closes the batch: sends the jobs the helper has not claimed, waits until every job is
  // done, and returns them (in the order added) with sent and error filled.
  std::span<Job> Finish();
  bool streaming() const { return streaming_; }

  // Writes one job (used by both threads; exposed for tests).
  static void Send(Job& job);

  // The CPU the helper was last kept off (-1: none yet, or a single allowed CPU); for tests.
  int avoided_cpu() const { return avoided_cpu_; }
  // The helper thread's affinity includes `cpu` (true before the helper exists); for tests.
  bool HelperMayRunOn(int cpu);

 private:
  // state_ packs (closed bit, generation, next job index, published job count) so that a
  // claim names the batch it belongs to: a helper that wakes late claims from whatever batch
  // is current (or nothing), never from a finished one. A claim is a compare-and-swap that
  // moves `next` only while it is below `published`, so Add can publish more jobs after the
  // helper found none left.
  static constexpr int kIdxBits = 22;
  static constexpr uint64_t kMaxJobs = (uint64_t{1} << kIdxBits) - 4;
  static constexpr uint64_t kIdxMask = (uint64_t{1} << kIdxBits) - 1;
  static constexpr int kNextShift = kIdxBits;
  static constexpr int kGenShift = 2 * kIdxBits;
  static constexpr uint64_t kClosed = uint64_t{1} << 63;
  static constexpr uint64_t kGenMask = (uint64_t{1} << (63 - kGenShift)) - 1;

  void HelperMain();
  // Claims and sends jobs of the current batch until none is left; with `wait_open`, keeps
  // waiting (spinning) for more while the batch is open.
  void Work(bool wait_open);
  // Opens a batch over `jobs` with `published` of them already there.
  void Open(Job* jobs, uint64_t published, bool closed);
  // Keeps the helper off the calling thread's current CPU (see the header comment).
  void AvoidCallerCpu();
  // Waits until `count` jobs of the batch are done: spins up to 50 us (the helper is usually
  // in the middle of one send), then sleeps on done_.
  void AwaitDone(uint64_t count);

  std::thread helper_;
  std::atomic<uint64_t> wake_{0};  // bumped per Run (and by the destructor) to wake the helper
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> state_{0};
  std::atomic<uint64_t> done_{0};  // jobs of the current batch finished
  Job* jobs_ = nullptr;            // the current batch, published by the store of state_
  uint64_t generation_ = 0;        // caller's thread only
  bool streaming_ = false;         // caller's thread only: a Begin without its Finish
  size_t capacity_ = 0;            // caller's thread only: the streamed batch's storage
  uint64_t added_ = 0;             // caller's thread only: jobs added to the streamed batch
  int avoided_cpu_ = -1;           // caller's thread only
  cpu_set_t allowed_;              // the caller's CPUs when the helper started
};

}  // namespace duet
