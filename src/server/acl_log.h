// The ACL LOG: recent denials (commands, keys, channels, failed AUTH), newest first, with
// similar events within 60 s grouped into one entry with a count (Redis 7.0.15's ACLLog).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "server/acl_check.h"

namespace duet {

enum class AclLogContext { kToplevel, kMulti, kLua, kModule };

struct AclLogEntry {
  uint64_t count = 1;
  AclResult reason = AclResult::kDeniedCmd;
  AclLogContext context = AclLogContext::kToplevel;
  std::string object;       // the command, key, channel, or AUTH/HELLO as sent
  std::string username;     // the user denied (for AUTH: the name tried)
  int64_t ctime_ms = 0;     // last update
  std::string client_info;  // CLIENT INFO line of the (last) client
};

class AclLog {
 public:
  // Adds an entry, or bumps a matching one among the 10 newest (same reason, context,
  // object and user, within 60 s), then keeps at most `max_len` entries.
  void Add(AclLogEntry entry, size_t max_len);
  void Reset() { entries_.clear(); }
  const std::deque<AclLogEntry>& entries() const { return entries_; }

  // "command", "key", "channel", "auth"; "toplevel", "multi", "lua", "module".
  static std::string_view ReasonName(AclResult r);
  static std::string_view ContextName(AclLogContext c);

 private:
  std::deque<AclLogEntry> entries_;  // newest first
};

}  // namespace duet
