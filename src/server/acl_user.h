// ACL users and selectors as Redis 7.0.15 models them (acl.c), and the index of the commands
// their rules name. Plain values: a user is copied to stage an ACL SETUSER and copied back
// when every rule applied (server/acl_rules.h changes them, server/acl_check.h reads them).
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commands/command_table.h"

namespace duet {

// Every command and subcommand of the table under its original name (rename-command does not
// change what ACL rules mean, as Redis's orig_commands), with the id that indexes the
// selectors' command bitmaps (CommandSpec::acl_id) and its effective ACL categories.
class AclCommandIndex {
 public:
  // Redis's USER_COMMAND_BITS_COUNT; the last bit is never a command: +@all sets it, and
  // ACL LIST then starts from "+@all" (the user may run commands added later).
  static constexpr size_t kBits = 1024;
  static constexpr uint32_t kFutureBit = kBits - 1;

  // Assigns the ids (name order) and records the categories. Call once the table is final.
  void Build(const CommandTable& table);

  // "get", "config|get" (case-insensitive, one level of subcommand); nullptr if unknown.
  const CommandSpec* Lookup(std::string_view fullname) const;
  // The top-level commands, in name order (subcommands hang off each spec).
  const std::vector<const CommandSpec*>& commands() const { return top_; }
  uint32_t categories(const CommandSpec& spec) const { return categories_[spec.acl_id]; }

 private:
  std::vector<const CommandSpec*> top_;
  std::unordered_map<std::string, const CommandSpec*> by_name_;
  std::vector<uint32_t> categories_;  // by acl_id
};

// Key pattern permissions (%R~, %W~, ~ is both).
enum AclKeyPerm : uint8_t { kAclKeyRead = 1, kAclKeyWrite = 2, kAclKeyAll = 3 };

struct AclKeyPattern {
  std::string pattern;
  uint8_t perm = kAclKeyAll;
};

// One set of permissions: the root selector (rules outside parentheses) or a "(...)" one.
// A command runs when any selector of its user allows all of it.
struct AclSelector {
  enum Flag : uint32_t { kRoot = 1, kAllKeys = 2, kAllCommands = 4, kAllChannels = 8 };
  uint32_t flags = 0;
  std::bitset<AclCommandIndex::kBits> allowed;
  // "+select|0": first arguments allowed for a command whose bit is clear, by acl_id.
  std::map<uint32_t, std::vector<std::string>> first_args;
  std::vector<AclKeyPattern> keys;
  std::vector<std::string> channels;
};

struct AclUser {
  // In the order ACL LIST / GETUSER show them (kAclUserFlagNames).
  enum Flag : uint32_t {
    kEnabled = 1,
    kDisabled = 2,
    kNoPass = 4,
    kSkipSanitizePayload = 8,
    kSanitizePayload = 16,
  };
  std::string name;
  uint32_t flags = kDisabled;
  std::vector<std::string> passwords;  // SHA-256 hex digests, in the order added
  std::vector<AclSelector> selectors;  // [0] is the root selector

  // True when the root selector allows every command, key and channel: the dispatcher then
  // skips every check (the default user's common case). Kept by UpdateUnrestricted().
  bool unrestricted = false;
  void UpdateUnrestricted() {
    constexpr uint32_t kAll =
        AclSelector::kAllCommands | AclSelector::kAllKeys | AclSelector::kAllChannels;
    unrestricted = !selectors.empty() && (selectors[0].flags & kAll) == kAll;
  }
  bool enabled() const { return !(flags & kDisabled); }
  bool nopass() const { return flags & kNoPass; }
};

// The user flags with their names, in the order ACL LIST / GETUSER show them.
inline constexpr std::pair<uint32_t, std::string_view> kAclUserFlagNames[] = {
    {AclUser::kEnabled, "on"},
    {AclUser::kDisabled, "off"},
    {AclUser::kNoPass, "nopass"},
    {AclUser::kSkipSanitizePayload, "skip-sanitize-payload"},
    {AclUser::kSanitizePayload, "sanitize-payload"},
};

}  // namespace duet
