// The metrics endpoint's HTTP server (civetweb, on its own threads). It serves `/metrics`
// (RenderPrometheus) and `/` (the status page, status_page.h) from MetricsSnapshots that the
// event loop publishes; it never reads server state itself.
//
// Freshness: a request asks for a snapshot newer than the one it found (SnapshotWanted()
// turns true), and waits up to a second for the event loop to Publish() one; after that it
// serves the newest it has (503 if none was ever published).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "observe/metrics_snapshot.h"

struct mg_context;
struct mg_connection;

namespace duet {

class HttpExporter {
 public:
  HttpExporter() = default;
  ~HttpExporter() { Stop(); }
  HttpExporter(const HttpExporter&) = delete;
  HttpExporter& operator=(const HttpExporter&) = delete;

  // Listens on bind:port (an IPv4 or IPv6 address; port > 0). Returns "" or the error text.
  std::string Start(const std::string& bind, int port);
  // Stops listening and joins the HTTP threads (requests in flight are answered first).
  void Stop();
  bool running() const { return ctx_ != nullptr; }

  // Event-loop side. True while a request waits for a fresher snapshot.
  bool SnapshotWanted() const { return waiters_.load(std::memory_order_relaxed) > 0; }
  // Requests for /metrics so far (the event loop keeps discovery going only while watched).
  uint64_t scrapes() const { return scrapes_.load(std::memory_order_relaxed); }
  void Publish(MetricsSnapshot snap);

 private:
  static int HandleRequest(mg_connection* conn, void* self);
  // The newest snapshot after one newer than the current was published or a second passed.
  std::shared_ptr<const MetricsSnapshot> FreshSnapshot();

  mg_context* ctx_ = nullptr;
  std::mutex mu_;
  std::condition_variable published_;
  std::shared_ptr<const MetricsSnapshot> latest_;  // guarded by mu_
  uint64_t generation_ = 0;                        // guarded by mu_
  bool stopping_ = false;                          // guarded by mu_
  std::atomic<int> waiters_{0};
  std::atomic<uint64_t> scrapes_{0};
};

}  // namespace duet
