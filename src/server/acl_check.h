// Whether a user may run a command with given arguments: its command bit (or an allowed first
// argument), every key it names against the key patterns with the read/write access its key
// specs declare, and every channel it publishes or subscribes to. A command passes when one
// selector allows all of it (Redis 7.0.15's ACLCheckAllUserCommandPerm).
#pragma once

#include <span>
#include <string_view>

#include "server/acl_user.h"

namespace duet {

// Redis's ACL_* results; the order matters: with several selectors the denial reported is
// the highest one (then the last argument position).
enum class AclResult {
  kOk = 0,
  kDeniedCmd = 1,
  kDeniedKey = 2,
  kDeniedAuth = 3,
  kDeniedChannel = 4
};

// `argv` is the whole call (name, subcommand if `spec` is one, arguments) and satisfies the
// arity. On denial of a key or channel, *errpos is its index in argv.
AclResult AclCheckCommand(const AclUser& user, const CommandSpec& spec,
                          std::span<const std::string_view> argv, int* errpos);

// Redis's ACLUserCheckKeyPerm: may `user` access `key` with `key_flags` (KeyFlag bits)?
bool AclCheckKey(const AclUser& user, std::string_view key, uint32_t key_flags);
// Redis's ACLUserCheckChannelPerm; a pattern (PSUBSCRIBE) matches only an identical rule.
bool AclCheckChannel(const AclUser& user, std::string_view channel, bool is_pattern);
// Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess: one selector allows the command and has
// `key_flags` access to every key (SORT BY/GET).
bool AclCheckCommandWithAllKeys(const AclUser& user, const CommandSpec& spec,
                                std::span<const std::string_view> argv, uint32_t key_flags);
// A channel against a list of channel rules (as AclCheckChannel, for one list).
bool AclChannelInList(std::span<const std::string> rules, std::string_view channel,
                      bool is_pattern);

}  // namespace duet
