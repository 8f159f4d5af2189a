// Finding the key arguments of a command call from its key specs, as Redis 7.0 does for
// COMMAND GETKEYS / GETKEYSANDFLAGS (getKeysFromCommandWithSpecs): the key specs first, then
// the command's own key finder for commands whose specs cannot say (SORT's STORE, SET's GET
// changing the key's flags, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "commands/command_meta.h"
#include "commands/command_table.h"

namespace duet {

struct KeyRef {
  int pos;         // index in argv (argv[0] is the command name)
  uint32_t flags;  // KeyFlag bits
};

// True if the command has key arguments at all: a key finder of its own, or at least one key
// spec not marked not_key. (COMMAND GETKEYS replies "The command has no key arguments" else.)
bool CommandHasKeys(const CommandSpec& spec);

// Fills `keys` with the key arguments of `argv` (the full call: command name, subcommand if
// any, arguments). Returns false when the arguments do not let the keys be found (a key count
// that is not a number or points past the end, ...): COMMAND GETKEYS then replies
// "Invalid arguments specified for command", or an empty array for no_mandatory_keys commands.
// `argv` must already satisfy the command's arity.
bool GetCommandKeys(const CommandSpec& spec, std::span<const std::string_view> argv,
                    std::vector<KeyRef>* keys);

// Only the key specs (Redis's getKeysUsingKeySpecs): -1 if a spec cannot be applied to these
// arguments, else the number of keys appended to `keys`. Exposed for tests.
int GetKeysFromSpecs(std::span<const KeySpec> specs, std::span<const std::string_view> argv,
                     std::vector<KeyRef>* keys);

}  // namespace duet
