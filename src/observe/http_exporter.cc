#include "observe/http_exporter.h"

#include <civetweb.h>

#include <chrono>
#include <cstring>
#include <string_view>

#include "observe/prometheus.h"
#include "observe/status_page.h"

namespace duet {

namespace {

void Send(mg_connection* conn, int status, std::string_view content_type, std::string_view body,
          bool head) {
  const char* reason = status == 200   ? "OK"
                       : status == 404 ? "Not Found"
                       : status == 405 ? "Method Not Allowed"
                                       : "Service Unavailable";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n",
            status, reason, static_cast<int>(content_type.size()), content_type.data(),
            body.size());
  if (!head) mg_write(conn, body.data(), body.size());
}

int QuietLog(const mg_connection*, const char*) { return 1; }

}  // namespace

std::string HttpExporter::Start(const std::string& bind, int port) {
  Stop();
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  std::string ports = bind.find(':') != std::string::npos ? "[" + bind + "]" : bind;
  ports += ":" + std::to_string(port);
  const char* options[] = {
      "listening_ports", ports.c_str(),       "num_threads", "2",    "request_timeout_ms",
      "10000",           "enable_keep_alive", "yes",         nullptr};
  mg_callbacks callbacks;
  memset(&callbacks, 0, sizeof(callbacks));
  callbacks.log_message = QuietLog;
  mg_init_library(0);
  mg_init_data init{&callbacks, this, options};
  char text[256] = "";
  unsigned code = 0;
  mg_error_data error{&code, text, sizeof(text)};
  ctx_ = mg_start2(&init, &error);
  if (ctx_ == nullptr) {
    mg_exit_library();
    return "Can't listen on " + ports +
           " for metrics: " + (text[0] ? std::string(text) : std::string("unknown error"));
  }
  mg_set_request_handler(ctx_, "/", &HttpExporter::HandleRequest, this);
  return "";
}

void HttpExporter::Stop() {
  if (ctx_ == nullptr) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  published_.notify_all();
  mg_stop(ctx_);
  ctx_ = nullptr;
  mg_exit_library();
}

void HttpExporter::Publish(MetricsSnapshot snap) {
  auto shared = std::make_shared<const MetricsSnapshot>(std::move(snap));
  {
    std::lock_guard lock(mu_);
    latest_ = std::move(shared);
    generation_++;
  }
  published_.notify_all();
}

std::shared_ptr<const MetricsSnapshot> HttpExporter::FreshSnapshot() {
  scrapes_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mu_);
  uint64_t seen = generation_;
  waiters_.fetch_add(1, std::memory_order_relaxed);
  published_.wait_for(lock, std::chrono::seconds(1),
                      [&] { return generation_ != seen || stopping_; });
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  return latest_;
}

int HttpExporter::HandleRequest(mg_connection* conn, void* self) {
  auto* exporter = static_cast<HttpExporter*>(self);
  const mg_request_info* req = mg_get_request_info(conn);
  std::string_view method = req->request_method ? req->request_method : "";
  std::string_view uri = req->local_uri ? req->local_uri : "";
  bool head = method == "HEAD";
  if (method != "GET" && !head) {
    Send(conn, 405, "text/plain; charset=utf-8", "method not allowed\n", head);
    return 405;
  }
  if (uri == "/" || uri == "/index.html") {
    Send(conn, 200, "text/html; charset=utf-8", kStatusPageHtml, head);
    return 200;
  }
  if (uri != "/metrics") {
    Send(conn, 404, "text/plain; charset=utf-8", "not found: try /metrics or /\n", head);
    return 404;
  }
  std::shared_ptr<const MetricsSnapshot> snap = exporter->FreshSnapshot();
  if (!snap) {
    Send(conn, 503, "text/plain; charset=utf-8", "no snapshot yet\n", head);
    return 503;
  }
  Send(conn, 200, kPrometheusContentType, RenderPrometheus(*snap), head);
  return 200;
}

}  // namespace duet
