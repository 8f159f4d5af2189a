#include "net/parallel_sender.h"

#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace duet {

ParallelSender::~ParallelSender() {
  if (!helper_.joinable()) return;
  stop_.store(true, std::memory_order_relaxed);
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
  helper_.join();
}

void ParallelSender::Send(Job& job) {
  while (job.sent < job.len) {
    ssize_t n = send(job.fd, job.data + job.sent, job.len - job.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      job.error = errno;
      return;
    }
    job.sent += static_cast<size_t>(n);
  }
}

void ParallelSender::Work(bool wait_open) {
  auto last_seen = std::chrono::steady_clock::time_point();
  for (;;) {
    // Acquire: a claim in a batch sees the jobs_ published with it (and the jobs added
    // before it). The batch cannot end (and jobs_ change) before this claim's job is
    // counted done.
    uint64_t s = state_.load(std::memory_order_acquire);
    uint64_t published = s & kIdxMask;
    uint64_t next = (s >> kNextShift) & kIdxMask;
    if (next < published) {
      if (!state_.compare_exchange_weak(s, s + (uint64_t{1} << kNextShift),
                                        std::memory_order_acq_rel, std::memory_order_acquire)) {
        continue;
      }
      Send(jobs_[next]);
      done_.fetch_add(1, std::memory_order_acq_rel);
      done_.notify_one();
      last_seen = std::chrono::steady_clock::time_point();
      continue;
    }
    if (!wait_open || (s & kClosed)) return;
    // The batch is open: more jobs are coming (the caller serves the next reader). Spin, but
    // not for ever: a caller that takes long between two jobs sends the rest itself.
    auto now = std::chrono::steady_clock::now();
    if (last_seen == std::chrono::steady_clock::time_point()) last_seen = now;
    if (now - last_seen > std::chrono::microseconds(200)) return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

void ParallelSender::HelperMain() {
  uint64_t seen = 0;
  for (;;) {
    wake_.wait(seen, std::memory_order_acquire);
    seen = wake_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_relaxed)) return;
    Work(/*wait_open=*/true);
  }
}

void ParallelSender::AvoidCallerCpu() {
  int cpu = sched_getcpu();  // served from the vDSO/rseq area: no system call
  if (cpu < 0 || cpu == avoided_cpu_) return;
  if (CPU_COUNT(&allowed_) < 2 || !CPU_ISSET(cpu, &allowed_)) return;
  cpu_set_t set = allowed_;
  CPU_CLR(cpu, &set);
  if (pthread_setaffinity_np(helper_.native_handle(), sizeof(set), &set) == 0) avoided_cpu_ = cpu;
}

bool ParallelSender::HelperMayRunOn(int cpu) {
  if (!helper_.joinable()) return true;
  cpu_set_t set;
  if (pthread_getaffinity_np(helper_.native_handle(), sizeof(set), &set) != 0) return true;
  return CPU_ISSET(cpu, &set);
}

void ParallelSender::AwaitDone(uint64_t count) {
  // One loopback send takes ~5-10 us: spinning up to 50 us usually sees the helper finish,
  // where a futex sleep would leave the loop waiting for the scheduler to run it again.
  auto spin_end = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
  while (done_.load(std::memory_order_acquire) < count) {
    if (std::chrono::steady_clock::now() > spin_end) break;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  for (uint64_t d; (d = done_.load(std::memory_order_acquire)) < count;) {
    done_.wait(d, std::memory_order_acquire);
  }
}

void ParallelSender::Open(Job* jobs, uint64_t published, bool closed) {
  if (!helper_.joinable()) {
    // The CPUs the process may use (the caller's mask, which the helper inherits).
    CPU_ZERO(&allowed_);
    if (sched_getaffinity(0, sizeof(allowed_), &allowed_) != 0) CPU_ZERO(&allowed_);
    helper_ = std::thread([this] { HelperMain(); });
  }
  AvoidCallerCpu();
  jobs_ = jobs;
  done_.store(0, std::memory_order_relaxed);
  generation_++;
  state_.store(((generation_ & kGenMask) << kGenShift) | (closed ? kClosed : 0) | published,
               std::memory_order_release);
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
}

void ParallelSender::Run(std::span<Job> jobs) {
  while (jobs.size() > kMaxJobs) {
    Run(jobs.first(kMaxJobs));
    jobs = jobs.subspan(kMaxJobs);
  }
  if (jobs.empty()) return;
  Open(jobs.data(), jobs.size(), /*closed=*/true);
  Work(/*wait_open=*/false);
  // The helper may still be sending the job it claimed last.
  AwaitDone(jobs.size());
}

void ParallelSender::Begin(std::span<Job> storage) {
  streaming_ = true;
  capacity_ = std::min<size_t>(storage.size(), kMaxJobs);
  added_ = 0;
  Open(storage.data(), 0, /*closed=*/false);
}

bool ParallelSender::Add(const Job& job) {
  if (added_ >= capacity_) return false;
  jobs_[added_++] = job;
  // Release: a helper that claims this job sees its fields.
  state_.fetch_add(1, std::memory_order_release);
  return true;
}

std::span<ParallelSender::Job> ParallelSender::Finish() {
  streaming_ = false;
  state_.fetch_or(kClosed, std::memory_order_release);
  Work(/*wait_open=*/false);
  AwaitDone(added_);
  return {jobs_, static_cast<size_t>(added_)};
}

}  // namespace duet
