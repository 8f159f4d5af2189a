#include "common/clock.h"

#include <time.h>

namespace duet {

namespace {
int64_t ReadUs(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}
}  // namespace

int64_t MonotonicNowUs() { return ReadUs(CLOCK_MONOTONIC); }

int64_t SystemClock::NowMs() const { return ReadUs(CLOCK_REALTIME) / 1000; }
int64_t SystemClock::NowUs() const { return ReadUs(CLOCK_REALTIME); }
int64_t SystemClock::MonotonicUs() const { return ReadUs(CLOCK_MONOTONIC); }

}  // namespace duet
