// LFU access counters, for when an LFU maxmemory-policy (allkeys-lfu, volatile-lfu) is set.
//
// Redis keeps 24 bits per object under LFU: a 16-bit "last decrement time" in minutes and an
// 8-bit logarithmic access counter. duet keeps its per-key access metadata in the 16 spare
// bits of the key's table slot, so the counter keeps its 8 bits and the time keeps the low 8
// bits of the minute clock. Counters, their logarithmic growth (lfu-log-factor) and decay
// (lfu-decay-time) follow Redis exactly while a key is touched at least every 255 minutes;
// past that the elapsed time wraps, so an idle key decays by (idle minutes mod 256) periods
// instead of all of them (Redis's own clock wraps the same way after 45 days).
//
// The same 16 bits hold the LRU clock (seconds) under the other policies; switching policy
// at runtime reinterprets them, as Redis does ("LRU and LFU data will take some time to
// adjust").
#pragma once

#include <cstdint>
#include <string_view>

namespace duet::lfu {

inline constexpr uint8_t kInitVal = 5;  // LFU_INIT_VAL: a new key's counter

// Whether a maxmemory-policy value selects LFU (volatile-lfu, allkeys-lfu).
inline bool IsLfuPolicy(std::string_view policy) { return policy.ends_with("-lfu"); }

// The 8-bit minute clock at `now_ms`.
inline uint8_t Minutes(int64_t now_ms) { return static_cast<uint8_t>(now_ms / 60000); }

inline uint16_t Pack(uint8_t minutes, uint8_t counter) {
  return static_cast<uint16_t>((uint16_t{minutes} << 8) | counter);
}

// Metadata for a key created now.
inline uint16_t NewMeta(int64_t now_ms) { return Pack(Minutes(now_ms), kInitVal); }

// The counter after decay (Redis's LFUDecrAndReturn): one step down per `decay_time`
// minutes since the stamp; OBJECT FREQ reports this.
inline uint8_t DecayedCounter(uint16_t meta, int64_t now_ms, int decay_time) {
  uint8_t counter = static_cast<uint8_t>(meta & 0xff);
  if (decay_time <= 0) return counter;
  uint8_t elapsed = static_cast<uint8_t>(Minutes(now_ms) - static_cast<uint8_t>(meta >> 8));
  unsigned periods = elapsed / static_cast<unsigned>(decay_time);
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

// Redis's LFULogIncr: increments with probability 1 / ((counter - kInitVal) * factor + 1).
// `r` is uniform in [0, 1).
inline uint8_t LogIncr(uint8_t counter, int log_factor, double r) {
  if (counter == 255) return 255;
  double base = counter > kInitVal ? counter - kInitVal : 0;
  double p = 1.0 / (base * log_factor + 1);
  return r < p ? static_cast<uint8_t>(counter + 1) : counter;
}

// Metadata after one access (Redis's updateLFU): decay, then a logarithmic increment.
inline uint16_t Touch(uint16_t meta, int64_t now_ms, int log_factor, int decay_time, double r) {
  uint8_t counter = LogIncr(DecayedCounter(meta, now_ms, decay_time), log_factor, r);
  return Pack(Minutes(now_ms), counter);
}

}  // namespace duet::lfu
