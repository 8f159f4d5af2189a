// Time source. Everything that reads the time goes through a Clock so tests can drive it
// (TTL tests never sleep). The server reads it once per command (see
// Server::CommandStartUs), and each command sees that one time throughout, as in Redis.
#pragma once

#include <cstdint>

namespace duet {

// The real monotonic clock in microseconds, for CPU-time budgets that must hold whatever
// Clock the server runs with (eviction and active-expiry rounds).
int64_t MonotonicNowUs();

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (expiry, TIME).
  virtual int64_t NowMs() const = 0;
  // Wall-clock microseconds since the Unix epoch.
  virtual int64_t NowUs() const = 0;
  // Monotonic microseconds, for durations (SLOWLOG, latency, timers).
  virtual int64_t MonotonicUs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t NowUs() const override;
  int64_t MonotonicUs() const override;
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms = 1'700'000'000'000) : now_us_(now_ms * 1000) {}
  int64_t NowMs() const override { return now_us_ / 1000; }
  int64_t NowUs() const override { return now_us_; }
  int64_t MonotonicUs() const override { return now_us_; }
  void AdvanceMs(int64_t ms) { now_us_ += ms * 1000; }
  void SetMs(int64_t ms) { now_us_ = ms * 1000; }

 private:
  int64_t now_us_;
};

}  // namespace duet
