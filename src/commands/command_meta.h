// Command metadata: what COMMAND INFO, COMMAND DOCS and COMMAND GETKEYS report about a command
// beyond the CommandSpec a family registers (name, arity, flags, key range, ACL categories,
// handler): key specifications, tips, documentation (group, since, complexity, history, the
// argument tree) and the facts Redis 7.0 reports, kept to check every CommandSpec against.
//
// The data lives in command_meta_<group>.cc: one constexpr CommandMetaDef per command or
// subcommand, keyed by Redis's full name ("get", "config|get"). Its facts come from
// redis-server 7.0.15 (COMMAND INFO / COMMAND DOCS); the one-line summaries are duet's own.
// Families never touch it: CommandTable::Add attaches the parsed CommandMeta to each spec.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"

namespace duet {

// Key-spec flags, in the order COMMAND INFO lists them.
enum KeyFlag : uint32_t {
  kKeyRO = 1u << 0,
  kKeyRW = 1u << 1,
  kKeyOW = 1u << 2,
  kKeyRM = 1u << 3,
  kKeyAccess = 1u << 4,
  kKeyUpdate = 1u << 5,
  kKeyInsert = 1u << 6,
  kKeyDelete = 1u << 7,
  kKeyNotKey = 1u << 8,
  kKeyIncomplete = 1u << 9,
  kKeyVariableFlags = 1u << 10,
};
// "RO", "access", ... for the bits of `flags`, in Redis's order.
std::vector<std::string_view> KeyFlagNames(uint32_t flags);

// How to find the first key (begin_search) and then the keys (find_keys); Redis 7.0 semantics.
struct BeginSearch {
  enum class Type : uint8_t { kInvalid, kIndex, kKeyword, kUnknown };
  Type type = Type::kInvalid;
  int pos = 0;  // kIndex: argv index; kKeyword: startfrom (negative counts from the end)
  std::string_view keyword;
};
struct FindKeys {
  enum class Type : uint8_t { kRange, kKeynum, kUnknown };
  Type type = Type::kRange;
  int lastkey = 0;  // kRange: relative to the first key; negative counts from the end
  int keystep = 0;
  int limit = 0;      // kRange
  int keynumidx = 0;  // kKeynum: index (relative to begin) of the key count argument
  int firstkey = 0;   // kKeynum: index (relative to begin) of the first key
};
struct KeySpec {
  uint32_t flags = 0;  // KeyFlag bits; 0 marks an unused slot of CommandMetaDef::key_specs
  BeginSearch begin;
  FindKeys find;
  std::string_view notes;
};

constexpr BeginSearch Index(int pos) { return {BeginSearch::Type::kIndex, pos, {}}; }
constexpr BeginSearch Keyword(std::string_view keyword, int startfrom) {
  return {BeginSearch::Type::kKeyword, startfrom, keyword};
}
constexpr BeginSearch UnknownBegin() { return {BeginSearch::Type::kUnknown, 0, {}}; }
constexpr FindKeys Range(int lastkey, int keystep, int limit) {
  return {FindKeys::Type::kRange, lastkey, keystep, limit, 0, 0};
}
constexpr FindKeys Keynum(int keynumidx, int firstkey, int keystep) {
  return {FindKeys::Type::kKeynum, 0, keystep, 0, keynumidx, firstkey};
}
constexpr FindKeys UnknownFind() { return {FindKeys::Type::kUnknown, 0, 0, 0, 0, 0}; }
constexpr KeySpec Spec(uint32_t flags, BeginSearch begin, FindKeys find,
                       std::string_view notes = {}) {
  return {flags, begin, find, notes};
}

// One command's metadata as written in the data files (all views of string literals).
struct CommandMetaDef {
  std::string_view name = {};        // full lower-case name: "get", "config|get"
  std::string_view summary = {};     // duet's one-line description
  std::string_view since = {};       // Redis version that introduced the command
  std::string_view complexity = {};  // may be empty
  // Redis 7.0's COMMAND INFO facts: "<arity> <first> <last> <step> <flags> <acl>", flags and
  // ACL categories comma-separated ("-" when empty), e.g. "2 1 1 1 readonly,fast @read,@fast".
  std::string_view redis = {};
  std::string_view tips = {};  // space-separated, in Redis's order
  std::array<KeySpec, 3> key_specs{};
  // The argument tree, space-separated items:  type:name[=TOKEN|='TOK'][#keyspec][?][*][+]
  // [@since][!deprecated_since][[children]]  with type one of key string integer double
  // pattern unix-time pure-token oneof block; ? optional, * multiple, + multiple_token.
  std::string_view args = {};
  std::string_view history = {};    // "<version> <text>" entries separated by '\n'
  std::string_view doc_flags = {};  // space-separated: deprecated, syscmd
  std::string_view deprecated_since = {};
  std::string_view replaced_by = {};
};

// One data file's table (command_meta_<group>.cc).
struct CommandMetaGroup {
  std::string_view group;  // "string", "sorted-set", ... as COMMAND DOCS reports it
  std::span<const CommandMetaDef> defs;
};

// A node of a command's argument tree (COMMAND DOCS "arguments").
struct CommandArg {
  enum Flag : uint8_t { kOptional = 1, kMultiple = 2, kMultipleToken = 4 };
  std::string_view name;
  std::string_view type;  // "key", "string", ..., "oneof", "block"
  std::string_view token;
  bool has_token = false;
  int key_spec_index = -1;
  uint8_t flags = 0;
  std::string_view since;
  std::string_view deprecated_since;
  std::vector<CommandArg> args;  // oneof / block children
};

// A command's metadata, parsed once from its CommandMetaDef. Immutable; lives for the process.
struct CommandMeta {
  const CommandMetaDef* def = nullptr;
  std::string_view group;
  std::vector<KeySpec> key_specs;
  std::vector<std::string_view> tips;
  std::vector<std::pair<std::string_view, std::string_view>> history;  // version, text
  std::vector<std::string_view> doc_flags;
  std::vector<CommandArg> args;
  // Redis 7.0's facts for this command (see CommandMetaDef::redis).
  int arity = 0;
  int first_key = 0, last_key = 0, step = 0;
  CmdFlag flags = CmdFlag::kNone;  // includes kMovableKeys when Redis reports it
  uint32_t acl_categories = 0;
};

// The metadata of a full lower-case command name ("get", "config|get"); nullptr if none.
const CommandMeta* FindCommandMeta(std::string_view fullname);

// Every parsed entry, for tests and tools.
std::span<const CommandMeta> AllCommandMeta();

// Problems found while parsing the data files (malformed argument trees, bad facts); empty
// when the tables are well-formed. A unit test keeps it empty.
std::span<const std::string> CommandMetaErrors();

// Parses an argument tree (CommandMetaDef::args syntax) into `out`; returns false (with a
// message in `*error`) on malformed text.
bool ParseCommandArgs(std::string_view text, std::vector<CommandArg>* out, std::string* error);

// The data files, one per Redis command group.
CommandMetaGroup StringCommandMeta();
CommandMetaGroup BitmapCommandMeta();
CommandMetaGroup GenericCommandMeta();
CommandMetaGroup ConnectionCommandMeta();
CommandMetaGroup ServerCommandMeta();
CommandMetaGroup ScriptingCommandMeta();
CommandMetaGroup TransactionsCommandMeta();
CommandMetaGroup ListCommandMeta();
CommandMetaGroup HashCommandMeta();
CommandMetaGroup SetCommandMeta();
CommandMetaGroup SortedSetCommandMeta();
CommandMetaGroup StreamCommandMeta();
CommandMetaGroup PubsubCommandMeta();
CommandMetaGroup GeoCommandMeta();
CommandMetaGroup HyperloglogCommandMeta();
CommandMetaGroup ClusterCommandMeta();

}  // namespace duet
