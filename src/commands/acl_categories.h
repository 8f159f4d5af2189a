// ACL command categories ("@read", "@string", ...) as a bitmask, in the order Redis 7.0 lists
// them (COMMAND INFO, ACL CAT), and the categories Redis derives from a command's flags.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "commands/command_table.h"

namespace duet {

enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclHyperloglog = 1u << 9,
  kAclGeo = 1u << 10,
  kAclStream = 1u << 11,
  kAclPubsub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

// The category of a name without '@' ("read", case-insensitive); 0 if unknown.
uint32_t AclCategoryByName(std::string_view name);

// Parses "@write @string @slow" (separators: spaces or commas; '@' optional). Unknown words are
// ignored; `*unknown` (if given) is set to true when one is found.
uint32_t ParseAclCategories(std::string_view text, bool* unknown = nullptr);

// "@write", "@string", ... for the bits of `cats`, in Redis's order.
std::vector<std::string_view> AclCategoryNames(uint32_t cats);

// The categories Redis 7.0 reports for a command: the declared ones plus those implied by its
// flags (write -> @write, readonly -> @read unless @scripting, admin -> @admin @dangerous,
// pubsub -> @pubsub, fast -> @fast, blocking -> @blocking, and @slow for every non-@fast one).
uint32_t EffectiveAclCategories(uint32_t declared, CmdFlag flags);
uint32_t EffectiveAclCategories(const CommandSpec& spec);

}  // namespace duet
