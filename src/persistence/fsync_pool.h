// FsyncPool: fdatasyncs run concurrently on up to `max_threads` background threads, for the
// group commit of `appendfsync always`. The event loop starts one after each iteration that
// wrote to the AOF, while earlier ones may still run: an fdatasync returns once everything
// written to the file before it was called is durable, and several in flight let the disk
// (and the filesystem's journal) complete them together, so a reply waits about one fsync
// instead of the rest of the running one plus its own.
//
// Each job reports its number and result through TakeFinished(); jobs may finish in any
// order. A job only syncs: the caller keeps `fd` open until every job on it has finished
// (WaitIdle before closing it).
//
// Threading: Submit/TakeFinished/WaitIdle from the owner's thread; workers run the
// fdatasyncs and call the on-done hook after each. Threads start on demand and are joined on
// destruction (after the queued jobs ran).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace duet {

class FsyncPool {
 public:
  explicit FsyncPool(int max_threads) : max_threads_(max_threads) {}
  ~FsyncPool();
  FsyncPool(const FsyncPool&) = delete;
  FsyncPool& operator=(const FsyncPool&) = delete;

  struct Finished {
    uint64_t job;
    int error;  // 0, or the errno of a failed fdatasync
  };

  // Queues an fdatasync of `fd`; returns the job's number (1, 2, ...).
  uint64_t Submit(int fd);
  // Appends the jobs finished since the last call to *out.
  void TakeFinished(std::vector<Finished>* out);
  // Jobs submitted whose result has not been taken yet.
  uint64_t InFlight() const { return submitted_ - taken_; }
  // Blocks until every job submitted so far has finished (their results stay to be taken).
  void WaitIdle();
  // Called on a worker after each job (wakes the event loop); nullptr: none.
  void SetOnDone(void (*fn)(void*), void* arg);

 private:
  struct Job {
    uint64_t id;
    int fd;
  };
  void Run();

  const int max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> jobs_;
  std::vector<Finished> finished_;
  std::vector<std::thread> threads_;
  int idle_threads_ = 0;
  uint64_t running_ = 0;  // jobs queued or running
  bool stop_ = false;
  uint64_t submitted_ = 0;  // owner's thread only
  uint64_t taken_ = 0;      // owner's thread only
  void (*on_done_)(void*) = nullptr;
  void* on_done_arg_ = nullptr;
};

}  // namespace duet
