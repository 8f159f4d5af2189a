// The command table: one plain aggregate per command, registered explicitly by each family's
// Register*Commands() function (see register_all.cc). No macros, no static registration.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace duet {

class CommandContext;
class LatencyHistogram;  // common/latency_histogram.h
class ArgReader;

// Command flags, named as Redis's COMMAND INFO reports them.
enum class CmdFlag : uint32_t {
  kNone = 0,
  kWrite = 1 << 0,
  kReadOnly = 1 << 1,
  kDenyOom = 1 << 2,
  kAdmin = 1 << 3,
  kPubSub = 1 << 4,
  kNoScript = 1 << 5,
  kBlocking = 1 << 6,
  kLoading = 1 << 7,  // allowed while loading
  kStale = 1 << 8,
  kSkipMonitor = 1 << 9,
  kSkipSlowlog = 1 << 10,
  kFast = 1 << 11,
  kNoAuth = 1 << 12,  // allowed before AUTH
  kMayReplicate = 1 << 13,
  kNoMulti = 1 << 14,  // cannot be queued in MULTI
  kAllowBusy = 1 << 15,
  kNoMandatoryKeys = 1 << 16,
  kNoAsyncLoading = 1 << 17,
  kAsking = 1 << 18,
  // Keys cannot be found from first/last/step alone. Families need not set it: COMMAND INFO
  // adds it from the command's metadata (commands/command_meta.h).
  kMovableKeys = 1 << 19,
  // DEBUG / MODULE: refused unless enable-debug-command / enable-module-command allow the
  // caller (Redis's CMD_PROTECTED). COMMAND INFO does not list it, as in Redis.
  kProtected = 1 << 20,
  // EVAL/EVALSHA/FCALL: a script's shebang flags decide write/denyoom/stale/may_replicate
  // (Server::EffectiveFlags); not shown by COMMAND INFO.
  kScriptFlags = 1 << 21,
};
constexpr CmdFlag operator|(CmdFlag a, CmdFlag b) {
  return static_cast<CmdFlag>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}
constexpr bool HasFlag(CmdFlag set, CmdFlag f) {
  return (static_cast<uint32_t>(set) & static_cast<uint32_t>(f)) != 0;
}
// Names of the set flags in Redis's COMMAND INFO order (e.g. "write", "denyoom", "fast").
// may_replicate is not listed: Redis hides it too.
std::vector<std::string_view> FlagNames(CmdFlag flags);
// The flag of a COMMAND INFO flag name ("denyoom"); kNone if unknown.
CmdFlag FlagByName(std::string_view name);

struct CommandMeta;  // commands/command_meta.h

using CommandHandler = void (*)(CommandContext& ctx, ArgReader& args);

struct CommandSpec {
  std::string name;  // lower case; "config|get" style for subcommands
  int arity = 0;     // Redis convention: >0 exact argc, <0 at least -arity (argc counts the name)
  CmdFlag flags = CmdFlag::kNone;
  int first_key = 0;
  int last_key = 0;
  int step = 0;
  CommandHandler handler = nullptr;
  std::string acl_categories = {};            // "@write @string @slow" as COMMAND INFO lists them
  std::vector<CommandSpec> subcommands = {};  // container commands (CONFIG, CLIENT, OBJECT ...)
  // Key specs, tips and docs (COMMAND INFO/DOCS/GETKEYS). Set by CommandTable::Add from the
  // metadata tables; families leave it null.
  const CommandMeta* meta = nullptr;

  // Mutable statistics (INFO commandstats). Owned by the table entry.
  mutable uint64_t calls = 0;
  mutable uint64_t usec = 0;
  mutable uint64_t rejected_calls = 0;
  mutable uint64_t failed_calls = 0;
  // INFO latencystats; allocated on the first recorded call (shared: specs are copied).
  mutable std::shared_ptr<LatencyHistogram> latency_histogram = nullptr;
  // The command's bit in ACL selectors (server/acl_user.h), assigned once the table is final.
  mutable uint32_t acl_id = 0;

  bool IsContainer() const { return !subcommands.empty(); }
};

class CommandTable {
 public:
  CommandTable() = default;
  // Not copyable: Find's one-entry cache points into this table's own specs.
  CommandTable(const CommandTable&) = delete;
  CommandTable& operator=(const CommandTable&) = delete;

  // Adds a command. A duplicate name replaces the earlier entry.
  void Add(CommandSpec spec);
  // Add() for a plain command, in the one-line form of the families' registration tables.
  void Add(const char* name, int arity, CmdFlag flags, int first_key, int last_key, int step,
           CommandHandler handler, const char* acl_categories) {
    Add(CommandSpec{.name = name,
                    .arity = arity,
                    .flags = flags,
                    .first_key = first_key,
                    .last_key = last_key,
                    .step = step,
                    .handler = handler,
                    .acl_categories = acl_categories});
  }
  // Case-insensitive lookup of a top-level command; nullptr if unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Case-insensitive lookup of a subcommand of a container command; nullptr if unknown.
  static const CommandSpec* FindSub(const CommandSpec& parent, std::string_view sub);
  // Redis's lookupCommandBySds: "get", or "config|get" for a subcommand (one level only;
  // "get|x" is nullptr since GET has no subcommands).
  const CommandSpec* FindFullName(std::string_view name) const;

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [name, spec] : commands_) fn(spec);
  }
  size_t size() const { return commands_.size(); }
  void ResetStats();
  // rename-command: the command `from` answers to `to` instead (case-insensitive; removed when
  // `to` is empty). Its CommandSpec::name, and so INFO commandstats, keeps the original name,
  // as in Redis. Returns false if `from` is unknown or `to` is already a command.
  bool Rename(std::string_view from, std::string_view to);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, CommandSpec, Hash, std::equal_to<>> commands_;
  // Names Find resolved, byte for byte as the client sent them (up to 16 bytes), and their
  // results, in a small open-addressed table (linear probing): pipelines repeat one command
  // and a BullMQ job's scripts call ~25 different ones, and hashing a few bytes plus a
  // 16-byte compare is cheaper than lower-casing and hashing into the table. Cleared
  // whenever the table changes (Add, Rename) and when it fills up (spellings are unbounded).
  struct CachedName {
    uint64_t words[2] = {};  // the name's bytes, zero-padded
    size_t len = 0;
    const CommandSpec* spec = nullptr;
  };
  static constexpr size_t kNameCacheSlots = 128;  // a power of two
  static constexpr size_t kNameCacheMaxUsed = 96;
  static size_t NameCacheSlot(const uint64_t words[2], size_t len) {
    uint64_t h = (words[0] * 0x9E3779B97F4A7C15ULL) ^ (words[1] * 0xC2B2AE3D27D4EB4FULL) ^ len;
    return static_cast<size_t>(h >> 57) & (kNameCacheSlots - 1);
  }
  void ClearNameCache() const {
    name_cache_.fill(CachedName{});
    name_cache_used_ = 0;
  }
  mutable std::array<CachedName, kNameCacheSlots> name_cache_{};
  mutable size_t name_cache_used_ = 0;
};

// Registers every command family (commands/register_all.cc).
void RegisterAllCommands(CommandTable& table);

}  // namespace duet
