#include "server/acl_log.h"

#include <cstdlib>

namespace duet {

namespace {
constexpr int64_t kGroupingMaxDeltaMs = 60000;
constexpr int kScanForMatch = 10;

bool Similar(const AclLogEntry& a, const AclLogEntry& b) {
  return a.reason == b.reason && a.context == b.context &&
         std::llabs(a.ctime_ms - b.ctime_ms) <= kGroupingMaxDeltaMs && a.object == b.object &&
         a.username == b.username;
}
}  // namespace

void AclLog::Add(AclLogEntry entry, size_t max_len) {
  int scanned = 0;
  for (auto it = entries_.begin(); it != entries_.end() && scanned < kScanForMatch;
       ++it, ++scanned) {
    if (!Similar(*it, entry)) continue;
    AclLogEntry match = std::move(*it);
    entries_.erase(it);
    match.client_info = std::move(entry.client_info);
    match.ctime_ms = entry.ctime_ms;
    match.count++;
    entries_.push_front(std::move(match));
    return;
  }
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

std::string_view AclLog::ReasonName(AclResult r) {
  switch (r) {
    case AclResult::kDeniedCmd:
      return "command";
    case AclResult::kDeniedKey:
      return "key";
    case AclResult::kDeniedChannel:
      return "channel";
    case AclResult::kDeniedAuth:
      return "auth";
    default:
      return "unknown";
  }
}

std::string_view AclLog::ContextName(AclLogContext c) {
  switch (c) {
    case AclLogContext::kToplevel:
      return "toplevel";
    case AclLogContext::kMulti:
      return "multi";
    case AclLogContext::kLua:
      return "lua";
    case AclLogContext::kModule:
      return "module";
  }
  return "unknown";
}

}  // namespace duet
