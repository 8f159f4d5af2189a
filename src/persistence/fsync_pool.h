// FsyncPool: fdatasyncs run concurrently on up to `max_threads` background threads, for the
// group commit of `appendfsync always`. The event loop starts one after each iteration that
// wrote to the AOF, while earlier ones may still run: an fdatasync returns once everything
// written to the file before it was called is durable, so any job that finishes makes the
// writes before its Submit durable, whichever order jobs finish in.
//
// A job may run as several copies at once, each an fdatasync of the same file on its own
// thread; the job finishes when the first copy does. A lone fdatasync can wait far longer
// than two overlapping ones (on this project's virtual disks, 4 ms against 0.2 ms: the
// waiting thread's wake-up after the flush completes is what is slow), so the caller can
// hedge against it at the price of a second flush request. The later copies finish silently
// (no report, no wake-up); a copy no thread has taken when the first one finishes is dropped.
//
// Each worker syncs through a descriptor of its own for the job's file (reopened through
// /proc/self/fd), so no two concurrent fdatasyncs share an open file description: the
// kernel reports a writeback error once per open file description, and two syncs on one
// could let the second return 0 for data the first saw fail. An error from any copy is
// sticky: that job and every job after it finish with it.
//
// Each job reports its number and result through TakeFinished(). A job only syncs: the
// caller keeps `fd` open until every job on it has finished, and calls ForgetFiles() (which
// waits for them) before it closes `fd` or opens another file that may get its number.
//
// Threading: Submit/TakeFinished/WaitIdle/ForgetFiles from the owner's thread; workers run
// the fdatasyncs and call the on-done hook when a job finishes. Threads start on demand and
// are joined on destruction (after the queued jobs ran).
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

  // Queues an fdatasync of `fd` as `copies` concurrent copies (1 .. max_threads); returns
  // the job's number (1, 2, ...).
  uint64_t Submit(int fd, int copies = 1);
  // Appends the jobs finished since the last call to *out.
  void TakeFinished(std::vector<Finished>* out);
  // Jobs submitted whose result has not been taken yet.
  uint64_t InFlight() const { return submitted_ - taken_; }
  // Copies queued or running (a job's later copies may run after it finished).
  int BusyCopies();
  // Blocks until every copy submitted so far has finished (their results stay to be taken).
  void WaitIdle();
  // WaitIdle, then closes the workers' own descriptors.
  void ForgetFiles();
  // Called on a worker when a job finishes (wakes the event loop); nullptr: none.
  void SetOnDone(void (*fn)(void*), void* arg);

 private:
  struct Copy {
    uint64_t job;
    int fd;
  };
  struct Worker {
    int src_fd = -1;  // the caller's descriptor own_fd was opened from
    int own_fd = -1;  // -1: sync through src_fd itself (reopening failed)
  };
  void Run(int index);
  // The descriptor worker `w` syncs `fd`'s file through (called without mu_ held: only
  // this worker touches its slot while it runs a job).
  int SyncFd(Worker& w, int fd);
  void CloseWorkerFds();

  const int max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Copy> copies_;
  std::vector<Finished> finished_;
  std::vector<std::thread> threads_;
  std::deque<Worker> workers_;  // one per thread; a deque keeps references stable
  struct JobState {
    uint64_t job;
    int copies_left;  // queued or running
    bool reported;    // in finished_ already (a copy finished)
  };
  std::vector<JobState> jobs_;  // jobs with copies queued or running
  int idle_threads_ = 0;
  int busy_ = 0;  // copies queued or running
  int sticky_error_ = 0;
  bool stop_ = false;
  uint64_t submitted_ = 0;  // owner's thread only
  uint64_t taken_ = 0;      // owner's thread only
  void (*on_done_)(void*) = nullptr;
  void* on_done_arg_ = nullptr;
};

}  // namespace duet
