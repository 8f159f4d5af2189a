// The status page served at `/` of the metrics endpoint: one self-contained HTML document
// (inline CSS and JS, nothing fetched from elsewhere) that reads /metrics every 2 seconds and
// shows the instance's health, memory against maxmemory, ops/s, hit ratio, evictions,
// persistence and BullMQ queue depths. Laid out for phone screens first.
#pragma once

#include <string_view>

namespace duet {

extern const std::string_view kStatusPageHtml;

}  // namespace duet
