// The clients cron: Redis 7.0.15's clientsCron resizing of each client's query buffer and
// reply buffer, and DEBUG REPLYBUFFER, which tunes the latter.
//
// Query buffer (clientsCronResizeQueryBuffer): a buffer wasting more than 4 KB is freed down
// to its contents once the client has been idle for more than 2 s, or, when it is larger than
// 32 KB and more than twice the most it held since the last visit, trimmed to that peak (and
// never below the command still being received). The peak restarts at every visit.
//
// Reply buffer (clientsCronResizeOutputBuffer): Redis keeps a static reply buffer per client,
// 16 KB at first, halves it down (not below 1 KB) for clients whose replies never fill half
// of it, and doubles it back (up to 16 KB) for clients that filled it; the peak restarts every
// 5 s (DEBUG REPLYBUFFER PEAK-RESET-TIME). duet's reply buffer is one string that grows as
// replies need, so the size is the figure CLIENT LIST reports (rbs=) and the cron's decision
// is applied as a bound: an idle client's string holding more than that is released.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace duet {

namespace {
constexpr size_t kQueryWasteMin = 4 * 1024;          // resize only buffers wasting more
constexpr size_t kQueryResizeThreshold = 32 * 1024;  // PROTO_RESIZE_THRESHOLD
constexpr int64_t kQueryIdleSeconds = 2;
constexpr size_t kReplyMinBytes = 1024;         // PROTO_REPLY_MIN_BYTES
constexpr size_t kReplyChunkBytes = 16 * 1024;  // PROTO_REPLY_CHUNK_BYTES
constexpr int64_t kReplyPeakResetDefaultMs = 5000;
constexpr size_t kMinClientsPerCron = 5;  // CLIENTS_CRON_MIN_ITERATIONS

// The usable size of a jemalloc allocation of `n` bytes (Redis's zmalloc_usable for the
// reply buffer): 8-byte steps to 128, then four size classes per power of two.
size_t MallocSizeClass(size_t n) {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) / 16 * 16;
  size_t pow2 = size_t{1} << (63 - __builtin_clzll(n - 1));  // largest power of 2 below n
  size_t step = pow2 / 4;
  return (n + step - 1) / step * step;
}
}  // namespace

void Server::ClientsCron(int64_t now_ms) {
  size_t n = clients_.size();
  if (n == 0) return;
  int hz = config_->hz > 0 ? config_->hz : 1;
  size_t visits = std::max(n / static_cast<size_t>(hz), std::min(n, kMinClientsPerCron));
  size_t slots = clients_by_fd_.size();
  for (size_t scanned = 0; visits > 0 && scanned < slots; scanned++) {
    if (clients_cron_fd_ >= slots) clients_cron_fd_ = 0;
    Client* c = clients_by_fd_[clients_cron_fd_++];
    if (!c) continue;
    visits--;
    ResizeQueryBuffer(*c, now_ms);
    ResizeReplyBuffer(*c, now_ms);
  }
}

void Server::ResizeQueryBuffer(Client& c, int64_t now_ms) {
  IoBuffer& q = c.query();
  size_t used = q.size();
  // A command still being received needs its announced bytes (Redis's bulklen floor).
  size_t receiving = c.read_hint != 0 ? used + c.read_hint : 0;
  if (q.capacity() - used > kQueryWasteMin) {
    int64_t idle_s = now_ms / 1000 - c.last_interaction_ms / 1000;
    if (idle_s > kQueryIdleSeconds) {
      q.Resize(used);
    } else if (q.capacity() > kQueryResizeThreshold && q.capacity() / 2 > c.query_peak) {
      q.Resize(std::max({used, c.query_peak, receiving}));
    }
  }
  c.query_peak = std::max(used, receiving);
}

void Server::ResizeReplyBuffer(Client& c, int64_t now_ms) {
  if (!reply_buffer_resizing_) return;
  size_t size = c.reply_buf_size;
  size_t resized = 0;
  if (size / 2 >= kReplyMinBytes && c.out_peak < size / 2) {
    resized = std::max(kReplyMinBytes, c.out_peak + 1);
    stats_.reply_buffer_shrinks++;
  } else if (size * 2 < kReplyChunkBytes * 2 && c.out_peak == size) {
    resized = std::min(kReplyChunkBytes, size * 2);
    stats_.reply_buffer_expands++;
  }
  if (reply_peak_reset_ms_ >= 0 && now_ms - c.out_peak_reset_ms >= reply_peak_reset_ms_) {
    c.out_peak = std::min(c.out().size(), c.reply_buf_size);
    c.out_peak_reset_ms = now_ms;
  }
  if (resized != 0) c.reply_buf_size = MallocSizeClass(resized);
  // Nothing pending: give back what a past large reply left allocated beyond the bound.
  if (c.out().empty() && c.out().capacity() > c.reply_buf_size) std::string().swap(c.out());
}

void Server::DebugReplyBuffer(ReplyBuilder& reply, std::string_view cmd, std::string_view sub,
                              std::string_view option, std::string_view value) {
  if (EqualsIgnoreCase(option, "peak-reset-time")) {
    if (EqualsIgnoreCase(value, "never")) {
      reply_peak_reset_ms_ = -1;
    } else if (EqualsIgnoreCase(value, "reset")) {
      reply_peak_reset_ms_ = kReplyPeakResetDefaultMs;
    } else {
      std::optional<int64_t> ms = ParseInt64(value);
      if (!ms) return reply.Error(errors::kNotInteger);
      reply_peak_reset_ms_ = *ms;
    }
  } else if (EqualsIgnoreCase(option, "resizing")) {
    // Redis reads the flag with atoi: leading digits, anything else is 0.
    reply_buffer_resizing_ = atoi(std::string(value).c_str()) != 0;
  } else {
    return reply.Error(errors::SubcommandSyntax(cmd, sub));
  }
  reply.Ok();
}

}  // namespace duet
