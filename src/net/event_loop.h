// epoll event loop with millisecond timers. Single-threaded: every callback runs on the
// thread that calls Run(). Knows nothing of RESP or clients; it only dispatches readiness.
#pragma once

#include <sys/epoll.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace duet {

class EventLoop {
 public:
  // Called with the ready event mask (EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits).
  using FdHandler = std::function<void(uint32_t events)>;
  using TimerHandler = std::function<void()>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers fd for `events` (EPOLLIN and/or EPOLLOUT). The handler must stay valid until
  // RemoveFd(). Returns false if epoll_ctl fails.
  bool AddFd(int fd, uint32_t events, FdHandler handler);
  bool ModifyFd(int fd, uint32_t events);
  void RemoveFd(int fd);

  // Runs `fn` every `period_ms` (first run after one period). Returns an id for CancelTimer.
  uint64_t AddPeriodicTimer(int64_t period_ms, TimerHandler fn);
  void CancelTimer(uint64_t id);

  // Called once per iteration, after handlers ran and before the loop sleeps (Redis's
  // beforeSleep): flushes pending writes, propagates, etc.
  void SetBeforeSleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }
  // Limits how long the loop may sleep (e.g. 0 when work is pending).
  void RequestWakeWithinMs(int64_t ms) {
    if (ms < wake_within_ms_) wake_within_ms_ = ms;
  }

  // The next iteration dispatches at most `n` of the ready events (1..256); the others stay
  // ready in epoll for the iteration after it.
  void LimitNextIteration(int n) { next_max_events_ = std::clamp(n, 1, kMaxEvents); }

  // Runs until Stop() is called from a callback or a signal handler path.
  void Run();
  // Dispatches the fd events that are ready now, without waiting, timers or the
  // before-sleep hook (a script running past its time limit serves other clients with it).
  // Returns the number of events dispatched.
  int PollOnce();
  void Stop() { stop_ = true; }

 private:
  struct Timer {
    int64_t period_ms;
    TimerHandler fn;
  };
  int64_t NowMs() const;
  void RunDueTimers();
  // Dispatches the undispatched events of the current batch.
  void DispatchBatch();

  static constexpr int kMaxEvents = 256;
  epoll_event batch_[kMaxEvents];
  size_t batch_size_ = 0;
  size_t batch_pos_ = 0;

  int epfd_;
  int next_max_events_ = kMaxEvents;  // LimitNextIteration, for one iteration
  bool stop_ = false;
  int64_t wake_within_ms_ = INT64_MAX;
  std::vector<FdHandler*> handlers_;              // indexed by fd
  std::vector<FdHandler*> retired_;               // removed during dispatch, freed next iteration
  std::multimap<int64_t, uint64_t> timer_queue_;  // due time -> id
  std::map<uint64_t, Timer> timers_;
  uint64_t next_timer_id_ = 1;
  std::function<void()> before_sleep_;
};

}  // namespace duet
