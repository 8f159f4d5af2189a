#include "server/acl_check.h"

#include <optional>
#include <vector>

#include "commands/key_extraction.h"
#include "common/glob.h"
#include "common/strutil.h"

namespace duet {

namespace {

uint8_t NeededPerm(uint32_t key_flags) {
  uint8_t perm = 0;
  if (key_flags & kKeyAccess) perm |= kAclKeyRead;
  if (key_flags & (kKeyInsert | kKeyDelete | kKeyUpdate)) perm |= kAclKeyWrite;
  return perm;
}

bool SelectorAllowsKey(const AclSelector& s, std::string_view key, uint32_t key_flags) {
  if (s.flags & AclSelector::kAllKeys) return true;
  uint8_t need = NeededPerm(key_flags);
  for (const AclKeyPattern& k : s.keys) {
    if ((k.perm & need) != need) continue;
    if (GlobMatch(k.pattern, key)) return true;
  }
  return false;
}

bool SelectorHasAllKeys(const AclSelector& s, uint32_t key_flags) {
  if (s.flags & AclSelector::kAllKeys) return true;
  uint8_t need = NeededPerm(key_flags);
  for (const AclKeyPattern& k : s.keys) {
    if ((k.perm & need) == need && k.pattern == "*") return true;
  }
  return false;
}

// The channel arguments Redis checks (commands_with_channels, publish/subscribe only):
// first index, whether all following arguments are channels, and pattern matching.
struct ChannelArgs {
  bool any = false;
  bool all_rest = false;
  bool pattern = false;
};
ChannelArgs ChannelsOf(const CommandSpec& spec) {
  const std::string& n = spec.name;
  if (n == "publish" || n == "spublish") return {true, false, false};
  if (n == "subscribe" || n == "ssubscribe") return {true, true, false};
  if (n == "psubscribe") return {true, true, true};
  return {};
}

// The keys of a call, found once for all selectors.
struct KeyCache {
  bool init = false;
  std::vector<KeyRef> keys;
};

AclResult SelectorCheck(const AclSelector& s, const CommandSpec& spec,
                        std::span<const std::string_view> argv, int* errpos, KeyCache* cache) {
  if (!(s.flags & AclSelector::kAllCommands) && !HasFlag(spec.flags, CmdFlag::kNoAuth) &&
      !s.allowed.test(spec.acl_id)) {
    auto it = s.first_args.find(spec.acl_id);
    if (argv.size() < 2 || it == s.first_args.end()) return AclResult::kDeniedCmd;
    size_t idx = spec.name.find('|') != std::string::npos ? 2 : 1;
    bool found = false;
    if (idx < argv.size()) {
      for (const std::string& a : it->second) {
        if (EqualsIgnoreCase(argv[idx], a)) {
          found = true;
          break;
        }
      }
    }
    if (!found) return AclResult::kDeniedCmd;
  }
  if (!(s.flags & AclSelector::kAllKeys) && CommandHasKeys(spec)) {
    if (!cache->init) {
      if (!GetCommandKeys(spec, argv, &cache->keys)) cache->keys.clear();
      cache->init = true;
    }
    for (const KeyRef& k : cache->keys) {
      if (!SelectorAllowsKey(s, argv[k.pos], k.flags)) {
        *errpos = k.pos;
        return AclResult::kDeniedKey;
      }
    }
  }
  if (!(s.flags & AclSelector::kAllChannels)) {
    ChannelArgs ch = ChannelsOf(spec);
    if (ch.any) {
      size_t stop = ch.all_rest ? argv.size() : std::min<size_t>(2, argv.size());
      for (size_t i = 1; i < stop; i++) {
        if (!AclChannelInList(s.channels, argv[i], ch.pattern)) {
          *errpos = static_cast<int>(i);
          return AclResult::kDeniedChannel;
        }
      }
    }
  }
  return AclResult::kOk;
}

}  // namespace

bool AclChannelInList(std::span<const std::string> rules, std::string_view channel,
                      bool is_pattern) {
  for (const std::string& r : rules) {
    if (is_pattern ? r == channel : GlobMatch(r, channel)) return true;
  }
  return false;
}

AclResult AclCheckCommand(const AclUser& user, const CommandSpec& spec,
                          std::span<const std::string_view> argv, int* errpos) {
  AclResult relevant = AclResult::kDeniedCmd;
  int local = 0, last = 0;
  KeyCache cache;
  for (const AclSelector& s : user.selectors) {
    AclResult r = SelectorCheck(s, spec, argv, &local, &cache);
    if (r == AclResult::kOk) return r;
    if (r > relevant || (r == relevant && local > last)) {
      relevant = r;
      last = local;
    }
  }
  *errpos = last;
  return relevant;
}

bool AclCheckKey(const AclUser& user, std::string_view key, uint32_t key_flags) {
  for (const AclSelector& s : user.selectors) {
    if (SelectorAllowsKey(s, key, key_flags)) return true;
  }
  return false;
}

bool AclCheckChannel(const AclUser& user, std::string_view channel, bool is_pattern) {
  for (const AclSelector& s : user.selectors) {
    if (s.flags & AclSelector::kAllChannels) return true;
    if (AclChannelInList(s.channels, channel, is_pattern)) return true;
  }
  return false;
}

bool AclCheckCommandWithAllKeys(const AclUser& user, const CommandSpec& spec,
                                std::span<const std::string_view> argv, uint32_t key_flags) {
  KeyCache cache;
  int pos = 0;
  for (const AclSelector& s : user.selectors) {
    if (SelectorCheck(s, spec, argv, &pos, &cache) == AclResult::kOk &&
        SelectorHasAllKeys(s, key_flags)) {
      return true;
    }
  }
  return false;
}

}  // namespace duet
