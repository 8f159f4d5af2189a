#include "net/event_loop.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace duet {

EventLoop::EventLoop() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}

EventLoop::~EventLoop() {
  for (FdHandler* h : handlers_) delete h;
  for (FdHandler* h : retired_) delete h;
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::AddFd(int fd, uint32_t events, FdHandler handler) {
  if (fd < 0) return false;
  if (static_cast<size_t>(fd) >= handlers_.size()) handlers_.resize(fd + 1, nullptr);
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  delete handlers_[fd];
  handlers_[fd] = new FdHandler(std::move(handler));
  return true;
}

bool EventLoop::ModifyFd(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::RemoveFd(int fd) {
  if (fd < 0 || static_cast<size_t>(fd) >= handlers_.size() || !handlers_[fd]) return;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  // The handler may be running right now (a client closing itself): free it after the
  // current dispatch by parking it; Run() frees parked handlers each iteration.
  retired_.push_back(handlers_[fd]);
  handlers_[fd] = nullptr;
}

uint64_t EventLoop::AddPeriodicTimer(int64_t period_ms, TimerHandler fn) {
  uint64_t id = next_timer_id_++;
  timers_[id] = Timer{period_ms, std::move(fn)};
  timer_queue_.emplace(NowMs() + period_ms, id);
  return id;
}

void EventLoop::CancelTimer(uint64_t id) { timers_.erase(id); }

int64_t EventLoop::NowMs() const {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

void EventLoop::RunDueTimers() {
  int64_t now = NowMs();
  while (!timer_queue_.empty() && timer_queue_.begin()->first <= now) {
    uint64_t id = timer_queue_.begin()->second;
    timer_queue_.erase(timer_queue_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled
    int64_t period = it->second.period_ms;
    TimerHandler fn = it->second.fn;  // copy: the timer may cancel itself
    fn();
    if (timers_.count(id)) timer_queue_.emplace(NowMs() + period, id);
  }
}

void EventLoop::DispatchBatch() {
  // The position advances before each handler runs, so a nested PollOnce (a handler that
  // serves events itself) dispatches the rest of this batch and the outer loop skips them:
  // with edge-triggered sockets an event taken from epoll and never dispatched is lost.
  while (batch_pos_ < batch_size_) {
    const epoll_event& ev = batch_[batch_pos_++];
    int fd = ev.data.fd;
    if (static_cast<size_t>(fd) < handlers_.size() && handlers_[fd]) (*handlers_[fd])(ev.events);
  }
}

int EventLoop::PollOnce() {
  int pending = static_cast<int>(batch_size_ - batch_pos_);
  DispatchBatch();
  int n = epoll_wait(epfd_, batch_, kMaxEvents, 0);
  batch_size_ = n < 0 ? 0 : static_cast<size_t>(n);
  batch_pos_ = 0;
  DispatchBatch();
  return pending + static_cast<int>(batch_size_);
}

void EventLoop::Run() {
  while (!stop_) {
    if (before_sleep_) before_sleep_();
    for (FdHandler* h : retired_) delete h;
    retired_.clear();
    if (stop_) break;
    int64_t timeout = -1;
    if (!timer_queue_.empty()) {
      timeout = timer_queue_.begin()->first - NowMs();
      if (timeout < 0) timeout = 0;
    }
    if (wake_within_ms_ != INT64_MAX && (timeout < 0 || wake_within_ms_ < timeout)) {
      timeout = wake_within_ms_;
    }
    wake_within_ms_ = INT64_MAX;
    int max_events = next_max_events_;
    next_max_events_ = kMaxEvents;
    int n = epoll_wait(epfd_, batch_, max_events, static_cast<int>(timeout));
    if (n < 0 && errno != EINTR) break;
    batch_size_ = n < 0 ? 0 : static_cast<size_t>(n);
    batch_pos_ = 0;
    DispatchBatch();
    RunDueTimers();
  }
}

}  // namespace duet
