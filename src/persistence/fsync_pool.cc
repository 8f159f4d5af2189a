#include "persistence/fsync_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace duet {

FsyncPool::~FsyncPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  CloseWorkerFds();
}

uint64_t FsyncPool::Submit(int fd, int copies) {
  uint64_t id = ++submitted_;
  copies = std::clamp(copies, 1, max_threads_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({id, copies, false});
    for (int i = 0; i < copies; i++) copies_.push_back({id, fd});
    busy_ += copies;
    // A thread per copy, so that the copies of a job run at the same time.
    int missing =
        std::min(copies - idle_threads_, max_threads_ - static_cast<int>(threads_.size()));
    for (int i = 0; i < missing; i++) {
      int index = static_cast<int>(threads_.size());
      workers_.emplace_back();
      threads_.emplace_back([this, index] { Run(index); });
    }
  }
  if (copies == 1) {
    cv_.notify_one();
  } else {
    cv_.notify_all();
  }
  return id;
}

void FsyncPool::TakeFinished(std::vector<Finished>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  taken_ += finished_.size();
  out->insert(out->end(), finished_.begin(), finished_.end());
  finished_.clear();
}

int FsyncPool::BusyCopies() {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_;
}

void FsyncPool::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return busy_ == 0; });
}

void FsyncPool::ForgetFiles() {
  WaitIdle();
  std::lock_guard<std::mutex> lock(mu_);
  CloseWorkerFds();
}

void FsyncPool::CloseWorkerFds() {
  for (Worker& w : workers_) {
    if (w.own_fd >= 0) close(w.own_fd);
    w = Worker();
  }
}

void FsyncPool::SetOnDone(void (*fn)(void*), void* arg) {
  std::lock_guard<std::mutex> lock(mu_);
  on_done_ = fn;
  on_done_arg_ = arg;
}

int FsyncPool::SyncFd(Worker& w, int fd) {
  if (fd < 0) return fd;
  if (w.src_fd != fd) {
    if (w.own_fd >= 0) close(w.own_fd);
    // A new open file description of the same file (O_RDONLY is enough for fdatasync).
    w.own_fd = open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
    w.src_fd = fd;
  }
  return w.own_fd >= 0 ? w.own_fd : fd;
}

void FsyncPool::Run(int index) {
  std::unique_lock<std::mutex> lock(mu_);
  Worker& w = workers_[index];
  while (true) {
    idle_threads_++;
    cv_.wait(lock, [this] { return stop_ || !copies_.empty(); });
    idle_threads_--;
    if (copies_.empty()) return;  // stop_ with nothing left
    Copy copy = copies_.front();
    copies_.pop_front();
    lock.unlock();
    int err = 0;
    if (fdatasync(SyncFd(w, copy.fd)) != 0) err = errno;
    lock.lock();
    // EINVAL (a file that cannot be synced) never hides a real error.
    if (err != 0 && (sticky_error_ == 0 || sticky_error_ == EINVAL)) sticky_error_ = err;
    auto it = std::find_if(jobs_.begin(), jobs_.end(),
                           [&copy](const JobState& j) { return j.job == copy.job; });
    bool report = !it->reported;
    it->reported = true;
    it->copies_left--;
    if (report) {
      // Copies no thread has taken yet would only repeat this one.
      size_t before = copies_.size();
      std::erase_if(copies_, [&copy](const Copy& c) { return c.job == copy.job; });
      int dropped = static_cast<int>(before - copies_.size());
      it->copies_left -= dropped;
      busy_ -= dropped;
    }
    if (it->copies_left == 0) jobs_.erase(it);
    if (report) finished_.push_back({copy.job, sticky_error_});
    busy_--;
    if (busy_ == 0) idle_cv_.notify_all();
    if (report && on_done_) on_done_(on_done_arg_);
  }
}

}  // namespace duet
