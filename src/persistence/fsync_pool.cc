#include "persistence/fsync_pool.h"

#include <unistd.h>

#include <cerrno>

namespace duet {

FsyncPool::~FsyncPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

uint64_t FsyncPool::Submit(int fd) {
  uint64_t id = ++submitted_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back({id, fd});
    running_++;
    if (idle_threads_ == 0 && static_cast<int>(threads_.size()) < max_threads_) {
      threads_.emplace_back([this] { Run(); });
    }
  }
  cv_.notify_one();
  return id;
}

void FsyncPool::TakeFinished(std::vector<Finished>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  taken_ += finished_.size();
  out->insert(out->end(), finished_.begin(), finished_.end());
  finished_.clear();
}

void FsyncPool::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return running_ == 0; });
}

void FsyncPool::SetOnDone(void (*fn)(void*), void* arg) {
  std::lock_guard<std::mutex> lock(mu_);
  on_done_ = fn;
  on_done_arg_ = arg;
}

void FsyncPool::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    idle_threads_++;
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    idle_threads_--;
    if (jobs_.empty()) return;  // stop_ with nothing left
    Job job = jobs_.front();
    jobs_.pop_front();
    lock.unlock();
    int err = 0;
    if (fdatasync(job.fd) != 0) err = errno;
    lock.lock();
    finished_.push_back({job.id, err});
    running_--;
    if (running_ == 0) idle_cv_.notify_all();
    if (on_done_) on_done_(on_done_arg_);
  }
}

}  // namespace duet
