#include "commands/command_table.h"

#include <cctype>
#include <cstring>

#include "commands/command_meta.h"

namespace duet {

namespace {
// Redis 7.0's order (addReplyFlagsForCommand); may_replicate is hidden there too.
constexpr std::pair<CmdFlag, std::string_view> kFlagNames[] = {
    {CmdFlag::kWrite, "write"},
    {CmdFlag::kReadOnly, "readonly"},
    {CmdFlag::kDenyOom, "denyoom"},
    {CmdFlag::kAdmin, "admin"},
    {CmdFlag::kPubSub, "pubsub"},
    {CmdFlag::kNoScript, "noscript"},
    {CmdFlag::kBlocking, "blocking"},
    {CmdFlag::kLoading, "loading"},
    {CmdFlag::kStale, "stale"},
    {CmdFlag::kSkipMonitor, "skip_monitor"},
    {CmdFlag::kSkipSlowlog, "skip_slowlog"},
    {CmdFlag::kAsking, "asking"},
    {CmdFlag::kFast, "fast"},
    {CmdFlag::kNoAuth, "no_auth"},
    {CmdFlag::kNoMandatoryKeys, "no_mandatory_keys"},
    {CmdFlag::kNoAsyncLoading, "no_async_loading"},
    {CmdFlag::kNoMulti, "no_multi"},
    {CmdFlag::kMovableKeys, "movablekeys"},
    {CmdFlag::kAllowBusy, "allow_busy"},
};
}  // namespace

std::vector<std::string_view> FlagNames(CmdFlag flags) {
  std::vector<std::string_view> out;
  for (const auto& [f, n] : kFlagNames) {
    if (HasFlag(flags, f)) out.push_back(n);
  }
  return out;
}

CmdFlag FlagByName(std::string_view name) {
  for (const auto& [f, n] : kFlagNames) {
    if (n == name) return f;
  }
  return CmdFlag::kNone;
}

void CommandTable::Add(CommandSpec spec) {
  spec.meta = FindCommandMeta(spec.name);
  for (CommandSpec& sub : spec.subcommands) sub.meta = FindCommandMeta(sub.name);
  std::string name = spec.name;
  commands_.insert_or_assign(std::move(name), std::move(spec));
  ClearNameCache();
}

namespace {
// Lower-cases into a stack buffer; returns false if the name is too long to be a command.
bool LowerName(std::string_view in, char* buf, size_t cap, std::string_view* out) {
  if (in.size() > cap) return false;
  for (size_t i = 0; i < in.size(); i++) {
    char c = in[i];
    buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;  // ASCII, no locale
  }
  *out = std::string_view(buf, in.size());
  return true;
}
}  // namespace

const CommandSpec* CommandTable::Find(std::string_view name) const {
  if (name.empty()) return nullptr;
  bool cacheable = name.size() <= sizeof(CachedName::words);
  uint64_t words[2] = {0, 0};
  size_t i = 0;
  if (cacheable) {
    memcpy(words, name.data(), name.size());
    i = NameCacheSlot(words, name.size());
    // The probe ends at an empty slot; the table is never more than 3/4 full.
    for (;; i = (i + 1) & (kNameCacheSlots - 1)) {
      const CachedName& slot = name_cache_[i];
      if (!slot.spec) break;
      if (slot.words[0] == words[0] && slot.words[1] == words[1] && slot.len == name.size()) {
        return slot.spec;
      }
    }
  }
  char buf[64];
  std::string_view lower;
  if (!LowerName(name, buf, sizeof(buf), &lower)) return nullptr;
  auto it = commands_.find(lower);
  if (it == commands_.end()) return nullptr;
  if (cacheable) {
    if (name_cache_used_ >= kNameCacheMaxUsed) {
      ClearNameCache();
      i = NameCacheSlot(words, name.size());
    }
    CachedName& slot = name_cache_[i];
    slot.words[0] = words[0];
    slot.words[1] = words[1];
    slot.len = name.size();
    slot.spec = &it->second;
    name_cache_used_++;
  }
  return &it->second;
}

const CommandSpec* CommandTable::FindSub(const CommandSpec& parent, std::string_view sub) {
  char buf[64];
  std::string_view lower;
  if (!LowerName(sub, buf, sizeof(buf), &lower)) return nullptr;
  size_t prefix = parent.name.size() + 1;  // "config|"
  for (const CommandSpec& s : parent.subcommands) {
    if (std::string_view(s.name).substr(prefix) == lower) return &s;
  }
  return nullptr;
}

const CommandSpec* CommandTable::FindFullName(std::string_view name) const {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return name.empty() ? nullptr : Find(name);
  std::string_view base = name.substr(0, bar), sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const CommandSpec* parent = Find(base);
  if (!parent || !parent->IsContainer()) return nullptr;
  return FindSub(*parent, sub);
}

bool CommandTable::Rename(std::string_view from, std::string_view to) {
  std::string old_key(from), new_key(to);
  for (char& c : old_key) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  for (char& c : new_key) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  auto it = commands_.find(old_key);
  if (it == commands_.end()) return false;
  if (!new_key.empty() && new_key != old_key && commands_.count(new_key)) return false;
  ClearNameCache();
  auto node = commands_.extract(it);
  if (new_key.empty()) return true;
  node.key() = std::move(new_key);
  commands_.insert(std::move(node));
  return true;
}

void CommandTable::ResetStats() {
  for (auto& [name, spec] : commands_) {
    spec.calls = spec.usec = spec.rejected_calls = spec.failed_calls = 0;
    spec.latency_histogram.reset();
    for (auto& sub : spec.subcommands) {
      sub.calls = sub.usec = sub.rejected_calls = sub.failed_calls = 0;
      sub.latency_histogram.reset();
    }
  }
}

}  // namespace duet
