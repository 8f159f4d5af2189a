// Prometheus text exposition (format 0.0.4) of a MetricsSnapshot: `duet_`-prefixed metrics
// with HELP and TYPE lines, values read from the snapshot's INFO text.
#pragma once

#include <string>
#include <string_view>

#include "observe/metrics_snapshot.h"

namespace duet {

// Content-Type of the exposition.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Renders the snapshot. INFO fields that are missing (e.g. aof_* on a build without them)
// leave their metric out; everything else is always present, in a fixed order.
std::string RenderPrometheus(const MetricsSnapshot& snap);

// A label value escaped as the format requires (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view v);

}  // namespace duet
