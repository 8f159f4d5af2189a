#include "commands/acl_categories.h"

#include "common/strutil.h"

namespace duet {

namespace {
constexpr std::pair<AclCategory, std::string_view> kCategories[] = {
    {kAclKeyspace, "keyspace"},
    {kAclRead, "read"},
    {kAclWrite, "write"},
    {kAclSet, "set"},
    {kAclSortedSet, "sortedset"},
    {kAclList, "list"},
    {kAclHash, "hash"},
    {kAclString, "string"},
    {kAclBitmap, "bitmap"},
    {kAclHyperloglog, "hyperloglog"},
    {kAclGeo, "geo"},
    {kAclStream, "stream"},
    {kAclPubsub, "pubsub"},
    {kAclAdmin, "admin"},
    {kAclFast, "fast"},
    {kAclSlow, "slow"},
    {kAclBlocking, "blocking"},
    {kAclDangerous, "dangerous"},
    {kAclConnection, "connection"},
    {kAclTransaction, "transaction"},
    {kAclScripting, "scripting"},
};
// The same names with the '@' that COMMAND INFO prints, so replies need no formatting.
constexpr std::string_view kAtNames[] = {
    "@keyspace",   "@read",        "@write",     "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",    "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",      "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting",
};
static_assert(std::size(kAtNames) == std::size(kCategories));
}  // namespace

uint32_t AclCategoryByName(std::string_view name) {
  for (const auto& [bit, n] : kCategories) {
    if (EqualsIgnoreCase(name, n)) return bit;
  }
  return 0;
}

uint32_t ParseAclCategories(std::string_view text, bool* unknown) {
  uint32_t out = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) i++;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',') i++;
    std::string_view word = text.substr(start, i - start);
    if (word.empty()) continue;
    if (word[0] == '@') word.remove_prefix(1);
    uint32_t bit = AclCategoryByName(word);
    if (bit == 0 && unknown) *unknown = true;
    out |= bit;
  }
  return out;
}

std::vector<std::string_view> AclCategoryNames(uint32_t cats) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < std::size(kCategories); i++) {
    if (cats & kCategories[i].first) out.push_back(kAtNames[i]);
  }
  return out;
}

uint32_t EffectiveAclCategories(uint32_t cats, CmdFlag flags) {
  if (HasFlag(flags, CmdFlag::kWrite)) cats |= kAclWrite;
  // Redis keeps scripting commands (EVAL_RO ...) out of @read even though they are readonly.
  if (HasFlag(flags, CmdFlag::kReadOnly) && !(cats & kAclScripting)) cats |= kAclRead;
  if (HasFlag(flags, CmdFlag::kAdmin)) cats |= kAclAdmin | kAclDangerous;
  if (HasFlag(flags, CmdFlag::kPubSub)) cats |= kAclPubsub;
  if (HasFlag(flags, CmdFlag::kFast)) cats |= kAclFast;
  if (HasFlag(flags, CmdFlag::kBlocking)) cats |= kAclBlocking;
  if (!(cats & kAclFast)) cats |= kAclSlow;
  return cats;
}

uint32_t EffectiveAclCategories(const CommandSpec& spec) {
  return EffectiveAclCategories(ParseAclCategories(spec.acl_categories), spec.flags);
}

}  // namespace duet
