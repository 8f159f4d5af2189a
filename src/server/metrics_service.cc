#include "server/metrics_service.h"

#include "common/log.h"
#include "server/info_sections.h"
#include "server/server.h"

namespace duet {

std::string MetricsService::Reconfigure() {
  const Config& c = server_.config();
  if (exporter_.running() && c.metrics_port == running_port_ && c.metrics_bind == running_bind_) {
    return "";
  }
  exporter_.Stop();
  running_port_ = 0;
  running_bind_.clear();
  if (c.metrics_port == 0) {
    if (timer_id_ != 0) server_.loop().CancelTimer(timer_id_);
    timer_id_ = 0;
    return "";
  }
  std::string err = exporter_.Start(c.metrics_bind, c.metrics_port);
  if (!err.empty()) {
    Log(LogLevel::kWarning, "{}", err);
    if (timer_id_ != 0) server_.loop().CancelTimer(timer_id_);
    timer_id_ = 0;
    return err;
  }
  running_port_ = c.metrics_port;
  running_bind_ = c.metrics_bind;
  if (timer_id_ == 0) timer_id_ = server_.loop().AddPeriodicTimer(100, [this] { Tick(); });
  Log(LogLevel::kNotice, "Metrics endpoint listening on {}:{} (/metrics, status page at /)",
      c.metrics_bind, c.metrics_port);
  return "";
}

void MetricsService::Tick(bool force) {
  bool wanted = force || exporter_.SnapshotWanted();
  if (uint64_t n = exporter_.scrapes(); n != scrapes_seen_) {
    scrapes_seen_ = n;
    watched_ticks_left_ = kWatchedTicks;
  }
  if (wanted || watched_ticks_left_ > 0) {
    if (watched_ticks_left_ > 0) watched_ticks_left_--;
    bullmq_.Step(server_.keyspace(), server_.config().metrics_bullmq_prefix, kDiscoveryBudget);
  }
  if (wanted) exporter_.Publish(TakeSnapshot());
}

MetricsSnapshot MetricsService::TakeSnapshot() {
  MetricsSnapshot snap;
  InfoRequest req;
  req.all = true;
  req.everything = true;
  snap.info = GenerateInfo(server_, req);
  snap.bullmq_prefix = server_.config().metrics_bullmq_prefix;
  snap.queues = bullmq_.Depths(server_.keyspace());
  return snap;
}

}  // namespace duet
