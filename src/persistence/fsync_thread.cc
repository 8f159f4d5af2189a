#include "persistence/fsync_thread.h"

#include <unistd.h>

#include <cerrno>

namespace duet {

FsyncThread::~FsyncThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t FsyncThread::Submit(int fd, bool close_after) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({fd, true, close_after});
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  cv_.notify_one();
  return ++submitted_;
}

void FsyncThread::SubmitClose(int fd) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({fd, false, true});
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  cv_.notify_one();
  ++submitted_;
}

void FsyncThread::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return Completed() == submitted_; });
}

void FsyncThread::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stop_ with nothing left
    Job job = jobs_.front();
    jobs_.pop_front();
    lock.unlock();
    if (job.sync && fdatasync(job.fd) != 0 && errno != EBADF && errno != EINVAL) {
      last_errno_.store(errno, std::memory_order_release);
      failed_.store(true, std::memory_order_release);
    }
    if (job.close_after) close(job.fd);
    lock.lock();
    completed_.fetch_add(1, std::memory_order_acq_rel);
    idle_cv_.notify_all();
    if (on_done_) on_done_(on_done_arg_);
  }
}

}  // namespace duet
