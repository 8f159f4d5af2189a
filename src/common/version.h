// Version strings: duet's own, and the Redis version whose behaviour duet reproduces (what
// INFO's redis_version and HELLO's version report, and what clients check).
#pragma once

namespace duet {

inline constexpr const char* kDuetVersion = "0.1.0";
inline constexpr const char* kRedisVersion = "7.0.15";

}  // namespace duet
