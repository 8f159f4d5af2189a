// LruClock: the 16-bit clock that stamps each key's table slot under the LRU policies (and
// OBJECT IDLETIME everywhere but under LFU).
//
// Why not Redis's clock in seconds: with 16 bits, seconds wrap after 18 hours, and — worse
// for eviction — every key touched within the same second looks equally old, so under a
// fast workload (a cache that turns over in a few seconds) sampling cannot tell the hot
// keys from the cold ones. This clock ticks once a second OR once every
// max(64, keys / 1024) key accesses, whichever comes first, so one cache turnover spans
// about a thousand ticks at any request rate, which is what lets the sampler approximate
// exact LRU (see Evictor). The wall time of each of the last 65536 ticks is kept in a ring
// (256 KB), so OBJECT IDLETIME still answers in seconds.
//
// Wrap-around: ages are 16-bit differences. The keyspace sweeps every slot once per
// kSweepTicks ticks and clamps ages above kMaxAge to kMaxAge (Keyspace::AgeSweepStep), so
// no stamp ever gets old enough to wrap and look new. Idle times therefore saturate at the
// age of tick now-kMaxAge (~13.6 hours on an idle server, less under a heavy workload);
// Redis's own 24-bit clock saturates after 194 days.
#pragma once

#include <cstdint>
#include <vector>

namespace duet {

class LruClock {
 public:
  static constexpr uint16_t kMaxAge = 49152;
  // Every slot is visited at least once per this many ticks.
  static constexpr uint32_t kSweepTicks = 8192;

  LruClock() : tick_seconds_(65536, 0) {}

  uint16_t now() const { return now_; }
  // Ticks since startup, not wrapped (for ordering stamps read at different times).
  uint64_t ticks() const { return ticks_; }
  // Ticks when a second has passed since the last tick or `accesses` (a running count of
  // key accesses) moved by max(64, keys / 1024) since then. Returns whether it ticked.
  bool Update(int64_t now_ms, uint64_t accesses, size_t keys) {
    if (last_tick_ms_ < 0) {  // first call: tick 0 happened now
      last_tick_ms_ = now_ms;
      tick_accesses_ = accesses;
      // The ticks before startup count as one a second, so an idle time given before any
      // tick could age a key (RESTORE IDLETIME, the RDB's IDLE opcode at load) still maps to
      // a stamp that old, up to kMaxAge seconds. Real ticks overwrite them as they come.
      int64_t start = now_ms / 1000;
      for (uint32_t age = 0; age < tick_seconds_.size(); age++) {
        int64_t t = start - age;
        tick_seconds_[static_cast<uint16_t>(now_ - age)] = static_cast<uint32_t>(t > 0 ? t : 0);
      }
      return false;
    }
    uint64_t every = keys / 1024 > 64 ? keys / 1024 : 64;
    if (now_ms - last_tick_ms_ < 1000 && accesses - tick_accesses_ < every) return false;
    now_++;
    ticks_++;
    last_tick_ms_ = now_ms;
    tick_accesses_ = accesses;
    tick_seconds_[now_] = static_cast<uint32_t>(now_ms / 1000);
    return true;
  }
  // Ticks since `stamp`, at most kMaxAge.
  uint16_t Age(uint16_t stamp) const {
    uint16_t a = static_cast<uint16_t>(now_ - stamp);
    return a > kMaxAge ? kMaxAge : a;
  }
  // The stamp of a key last touched kMaxAge ticks ago (what the sweep clamps to).
  uint16_t OldestStamp() const { return static_cast<uint16_t>(now_ - kMaxAge); }
  // Seconds since the tick `stamp` (OBJECT IDLETIME).
  uint64_t IdleSeconds(uint16_t stamp, int64_t now_ms) const {
    uint16_t tick = static_cast<uint16_t>(now_ - Age(stamp));
    int64_t then = tick_seconds_[tick];
    int64_t s = now_ms / 1000 - then;
    return s > 0 ? static_cast<uint64_t>(s) : 0;
  }
  // The stamp of a key idle for `idle_s` seconds at `now_ms` (RDB's IDLE opcode, RESTORE
  // IDLETIME): the most recent tick at least that old, or the oldest stamp (kMaxAge ticks
  // ago) when no tick is. A binary search over the tick times, which never decrease.
  uint16_t StampForIdle(uint64_t idle_s, int64_t now_ms) const {
    int64_t target = now_ms / 1000 - static_cast<int64_t>(idle_s);
    uint32_t lo = 0, hi = kMaxAge;  // smallest age whose tick is at or before `target`
    while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (static_cast<int64_t>(tick_seconds_[static_cast<uint16_t>(now_ - mid)]) <= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return static_cast<uint16_t>(now_ - lo);
  }

 private:
  uint16_t now_ = 0;
  uint64_t ticks_ = uint64_t{1} << 20;  // starts high: ticks() - kMaxAge never underflows
  int64_t last_tick_ms_ = -1;
  uint64_t tick_accesses_ = 0;
  std::vector<uint32_t> tick_seconds_;  // wall-clock second of each tick, by tick & 0xffff
};

}  // namespace duet
