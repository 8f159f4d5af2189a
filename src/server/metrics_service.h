// The metrics endpoint's event-loop side (directives metrics-port, metrics-bind,
// metrics-bullmq-prefix). While metrics-port is non-zero a 100 ms timer advances BullMQ queue
// discovery by a bounded step (only while someone scrapes: within a minute of the last
// /metrics request, the page's included) and, when an HTTP request waits for data, builds a
// MetricsSnapshot (INFO everything through the INFO command's own code, plus the queue
// depths) and publishes it to the HttpExporter, whose threads render and serve it. Nothing
// on the HTTP threads reads server state.
#pragma once

#include <cstdint>
#include <string>

#include "observe/http_exporter.h"
#include "observe/metrics_snapshot.h"
#include "server/bullmq_tracker.h"

namespace duet {

class Server;

class MetricsService {
 public:
  // Keys visited per discovery step (one step per 100 ms tick).
  static constexpr size_t kDiscoveryBudget = 1000;
  // Discovery keeps going this many ticks (100 ms) after the last scrape.
  static constexpr int kWatchedTicks = 600;

  explicit MetricsService(Server& server) : server_(server) {}
  ~MetricsService() { exporter_.Stop(); }
  MetricsService(const MetricsService&) = delete;
  MetricsService& operator=(const MetricsService&) = delete;

  // Starts, restarts or stops the endpoint to match the configuration (at startup and on
  // CONFIG SET metrics-*). Returns "" or the error text (the endpoint is then off).
  std::string Reconfigure();

  // One discovery step and, if wanted, a published snapshot (the timer's work; public for
  // tests). `force` publishes even when no request waits.
  void Tick(bool force = false);

  // The snapshot the endpoint would serve now.
  MetricsSnapshot TakeSnapshot();

 private:
  Server& server_;
  HttpExporter exporter_;
  BullmqTracker bullmq_;
  uint64_t timer_id_ = 0;
  uint64_t scrapes_seen_ = 0;
  int watched_ticks_left_ = 0;
  std::string running_bind_;
  int running_port_ = 0;
};

}  // namespace duet
