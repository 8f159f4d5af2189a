// FsyncThread: a background thread that makes files durable (fdatasync) and closes them, so
// the event loop never waits on the disk (Redis's bio AOF_FSYNC jobs).
//
// Jobs run in submission order. Completed() counts finished jobs, so a caller that tagged
// its writes with the job count at submission knows when they are durable. A failed fsync is
// remembered (failed()/last_errno()) until ClearError().
//
// Threading: Submit/Wait* from the owner's thread; the worker only touches the file
// descriptors handed to it. The thread starts on the first job and is joined on destruction
// (after the queued jobs ran).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace duet {

class FsyncThread {
 public:
  FsyncThread() = default;
  ~FsyncThread();
  FsyncThread(const FsyncThread&) = delete;
  FsyncThread& operator=(const FsyncThread&) = delete;

  // Queues an fdatasync of `fd` (then close(fd) when `close_after`). Returns the job's number
  // (1, 2, ...): the job is done once Completed() reaches it.
  uint64_t Submit(int fd, bool close_after);
  // Queues only a close (a file we stopped writing).
  void SubmitClose(int fd);
  uint64_t Completed() const { return completed_.load(std::memory_order_acquire); }
  // Jobs queued or running (INFO aof_pending_bio_fsync).
  uint64_t Pending() const { return submitted_ - Completed(); }
  // Blocks until every job submitted so far has run.
  void WaitIdle();
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  int last_errno() const { return last_errno_.load(std::memory_order_acquire); }
  void ClearError() { failed_.store(false, std::memory_order_release); }
  // Called on the worker after each job (wakes the event loop); nullptr: none.
  void SetOnDone(void (*fn)(void*), void* arg) {
    std::lock_guard<std::mutex> lock(mu_);
    on_done_ = fn;
    on_done_arg_ = arg;
  }

 private:
  struct Job {
    int fd;
    bool sync;
    bool close_after;
  };
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::thread thread_;
  uint64_t submitted_ = 0;  // owner's thread only
  std::atomic<uint64_t> completed_{0};
  std::atomic<bool> failed_{false};
  std::atomic<int> last_errno_{0};
  void (*on_done_)(void*) = nullptr;
  void* on_done_arg_ = nullptr;
};

}  // namespace duet
