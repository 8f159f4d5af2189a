#include "server/acl_rules.h"

#include <algorithm>
#include <cctype>

#include "commands/acl_categories.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/strutil.h"

namespace duet {

namespace {

bool ValidPasswordHash(std::string_view h) {
  if (h.size() != 64) return false;
  for (char c : h) {
    if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) return false;
  }
  return true;
}

void SetBit(AclSelector& s, uint32_t id, bool allow) {
  s.allowed.set(id, allow);
  if (!allow) s.flags &= ~AclSelector::kAllCommands;
}

void CategoryLogic(AclSelector& s, const CommandSpec& spec, uint32_t cat, bool allow,
                   const AclCommandIndex& index) {
  if (index.categories(spec) & cat) AclChangeCommandPerm(s, spec, allow);
  for (const CommandSpec& sub : spec.subcommands) CategoryLogic(s, sub, cat, allow, index);
}

AclRuleError AddKeyPattern(AclSelector& s, std::string_view op) {
  if (s.flags & AclSelector::kAllKeys) return AclRuleError::kKeyAfterAll;
  uint8_t perm = 0;
  size_t offset = 1;
  if (op[0] == '%') {
    for (; offset < op.size(); offset++) {
      char c = static_cast<char>(toupper(static_cast<unsigned char>(op[offset])));
      if (c == 'R' && !(perm & kAclKeyRead)) {
        perm |= kAclKeyRead;
      } else if (c == 'W' && !(perm & kAclKeyWrite)) {
        perm |= kAclKeyWrite;
      } else if (op[offset] == '~') {
        offset++;
        break;
      } else {
        return AclRuleError::kSyntax;
      }
    }
  } else {
    perm = kAclKeyAll;
  }
  std::string_view pattern = op.substr(std::min(offset, op.size()));
  if (AclStringHasSpaces(pattern)) return AclRuleError::kSyntax;
  auto it = std::find_if(s.keys.begin(), s.keys.end(),
                         [&](const AclKeyPattern& k) { return k.pattern == pattern; });
  if (it == s.keys.end()) {
    s.keys.push_back({std::string(pattern), perm});
  } else {
    it->perm |= perm;
  }
  s.flags &= ~AclSelector::kAllKeys;
  return AclRuleError::kOk;
}

AclRuleError AddChannelPattern(AclSelector& s, std::string_view op) {
  if (s.flags & AclSelector::kAllChannels) return AclRuleError::kChannelAfterAll;
  std::string_view pattern = op.substr(1);
  if (AclStringHasSpaces(pattern)) return AclRuleError::kSyntax;
  if (std::find(s.channels.begin(), s.channels.end(), pattern) == s.channels.end()) {
    s.channels.emplace_back(pattern);
  }
  s.flags &= ~AclSelector::kAllChannels;
  return AclRuleError::kOk;
}

void AddFirstArg(AclSelector& s, uint32_t id, std::string_view arg) {
  std::vector<std::string>& args = s.first_args[id];
  for (const std::string& a : args) {
    if (EqualsIgnoreCase(a, arg)) return;
  }
  args.emplace_back(arg);
}

// "+name" without '@'.
AclRuleError AllowCommand(AclSelector& s, std::string_view name, const AclRuleContext& ctx) {
  size_t bar = name.rfind('|');
  if (bar == std::string_view::npos) {
    const CommandSpec* spec = ctx.index.Lookup(name);
    if (!spec) return AclRuleError::kUnknownName;
    AclChangeCommandPerm(s, *spec, true);
    return AclRuleError::kOk;
  }
  std::string_view base = name.substr(0, bar), sub = name.substr(bar + 1);
  const CommandSpec* spec = ctx.index.Lookup(base);
  if (!spec) return AclRuleError::kUnknownName;
  if (spec->name.find('|') != std::string::npos) return AclRuleError::kFirstArgOfSubcmd;
  if (sub.empty()) return AclRuleError::kSyntax;
  if (spec->IsContainer()) {
    const CommandSpec* subspec = ctx.index.Lookup(name);
    if (!subspec) return AclRuleError::kUnknownName;
    AclChangeCommandPerm(s, *subspec, true);
    return AclRuleError::kOk;
  }
  Log(LogLevel::kWarning,
      "Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of "
      "ACL and may get disabled in the future (offender: +{})",
      name);
  AddFirstArg(s, spec->acl_id, sub);
  return AclRuleError::kOk;
}

}  // namespace

std::string_view AclRuleErrorText(AclRuleError e) {
  switch (e) {
    case AclRuleError::kUnknownName:
      return "Unknown command or category name in ACL";
    case AclRuleError::kSyntax:
      return "Syntax error";
    case AclRuleError::kKeyAfterAll:
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
             "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    case AclRuleError::kChannelAfterAll:
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
             "and does not have any effect. Try 'resetchannels' to start with an empty list of "
             "channels";
    case AclRuleError::kNoSuchPassword:
      return "The password you are trying to remove from the user does not exist";
    case AclRuleError::kBadHash:
      return "The password hash must be exactly 64 characters and contain only lowercase "
             "hexadecimal characters";
    case AclRuleError::kDuplicateUser:
      return "Duplicate user found. A user can only be defined once in config files";
    case AclRuleError::kFirstArgOfSubcmd:
      return "Allowing first-arg of a subcommand is not supported";
    case AclRuleError::kOk:
      break;
  }
  return "Wrong format";
}

void AclChangeCommandPerm(AclSelector& s, const CommandSpec& spec, bool allow) {
  SetBit(s, spec.acl_id, allow);
  s.first_args.erase(spec.acl_id);
  for (const CommandSpec& sub : spec.subcommands) SetBit(s, sub.acl_id, allow);
}

bool AclChangeCategoryPerm(AclSelector& s, std::string_view category, bool allow,
                           const AclCommandIndex& index) {
  uint32_t cat = AclCategoryByName(category);
  if (cat == 0) return false;
  for (const CommandSpec* spec : index.commands()) CategoryLogic(s, *spec, cat, allow, index);
  return true;
}

bool AclStringHasSpaces(std::string_view s) {
  for (char c : s) {
    if (isspace(static_cast<unsigned char>(c)) || c == 0) return true;
  }
  return false;
}

AclUser NewAclUser(std::string name, const AclRuleContext& ctx) {
  AclUser u;
  u.name = std::move(name);
  u.flags = AclUser::kDisabled;
  AclSelector root;
  root.flags =
      AclSelector::kRoot | (ctx.allchannels_default ? uint32_t{AclSelector::kAllChannels} : 0u);
  u.selectors.push_back(std::move(root));
  return u;
}

AclUser NewDefaultAclUser(const AclRuleContext& ctx) {
  AclUser u = NewAclUser("default", ctx);
  for (std::string_view op : {"+@all", "~*", "&*", "on", "nopass"}) ApplyAclRule(u, op, ctx);
  return u;
}

AclRuleError ApplySelectorRule(AclSelector& s, std::string_view op, const AclRuleContext& ctx) {
  if (op.empty()) return AclRuleError::kSyntax;
  if (EqualsIgnoreCase(op, "allkeys") || op == "~*") {
    s.flags |= AclSelector::kAllKeys;
    s.keys.clear();
  } else if (EqualsIgnoreCase(op, "resetkeys")) {
    s.flags &= ~AclSelector::kAllKeys;
    s.keys.clear();
  } else if (EqualsIgnoreCase(op, "allchannels") || op == "&*") {
    s.flags |= AclSelector::kAllChannels;
    s.channels.clear();
  } else if (EqualsIgnoreCase(op, "resetchannels")) {
    s.flags &= ~AclSelector::kAllChannels;
    s.channels.clear();
  } else if (EqualsIgnoreCase(op, "allcommands") || EqualsIgnoreCase(op, "+@all")) {
    s.allowed.set();
    s.flags |= AclSelector::kAllCommands;
    s.first_args.clear();
  } else if (EqualsIgnoreCase(op, "nocommands") || EqualsIgnoreCase(op, "-@all")) {
    s.allowed.reset();
    s.flags &= ~AclSelector::kAllCommands;
    s.first_args.clear();
  } else if (op[0] == '~' || op[0] == '%') {
    return AddKeyPattern(s, op);
  } else if (op[0] == '&') {
    return AddChannelPattern(s, op);
  } else if (op[0] == '+' && (op.size() < 2 || op[1] != '@')) {
    return AllowCommand(s, op.substr(1), ctx);
  } else if (op[0] == '-' && (op.size() < 2 || op[1] != '@')) {
    const CommandSpec* spec = ctx.index.Lookup(op.substr(1));
    if (!spec) return AclRuleError::kUnknownName;
    AclChangeCommandPerm(s, *spec, false);
  } else if (op[0] == '+' || op[0] == '-') {  // +@cat / -@cat
    if (!AclChangeCategoryPerm(s, op.substr(2), op[0] == '+', ctx.index)) {
      return AclRuleError::kUnknownName;
    }
  } else {
    return AclRuleError::kSyntax;
  }
  return AclRuleError::kOk;
}

AclRuleError ApplyAclRule(AclUser& u, std::string_view op, const AclRuleContext& ctx) {
  if (op.empty()) return AclRuleError::kOk;  // an empty rule does nothing
  if (EqualsIgnoreCase(op, "on")) {
    u.flags = (u.flags | AclUser::kEnabled) & ~AclUser::kDisabled;
  } else if (EqualsIgnoreCase(op, "off")) {
    u.flags = (u.flags | AclUser::kDisabled) & ~AclUser::kEnabled;
  } else if (EqualsIgnoreCase(op, "skip-sanitize-payload")) {
    u.flags = (u.flags | AclUser::kSkipSanitizePayload) & ~AclUser::kSanitizePayload;
  } else if (EqualsIgnoreCase(op, "sanitize-payload")) {
    u.flags = (u.flags | AclUser::kSanitizePayload) & ~AclUser::kSkipSanitizePayload;
  } else if (EqualsIgnoreCase(op, "nopass")) {
    u.flags |= AclUser::kNoPass;
    u.passwords.clear();
  } else if (EqualsIgnoreCase(op, "resetpass")) {
    u.flags &= ~AclUser::kNoPass;
    u.passwords.clear();
  } else if (op[0] == '>' || op[0] == '#') {
    std::string hash;
    if (op[0] == '>') {
      hash = Sha256Hex(op.substr(1));
    } else {
      if (!ValidPasswordHash(op.substr(1))) return AclRuleError::kBadHash;
      hash = std::string(op.substr(1));
    }
    if (std::find(u.passwords.begin(), u.passwords.end(), hash) == u.passwords.end()) {
      u.passwords.push_back(std::move(hash));
    }
    u.flags &= ~AclUser::kNoPass;
  } else if (op[0] == '<' || op[0] == '!') {
    std::string hash;
    if (op[0] == '<') {
      hash = Sha256Hex(op.substr(1));
    } else {
      if (!ValidPasswordHash(op.substr(1))) return AclRuleError::kBadHash;
      hash = std::string(op.substr(1));
    }
    auto it = std::find(u.passwords.begin(), u.passwords.end(), hash);
    if (it == u.passwords.end()) return AclRuleError::kNoSuchPassword;
    u.passwords.erase(it);
  } else if (op[0] == '(' && op.back() == ')') {
    AclSelector s;
    s.flags = ctx.allchannels_default ? uint32_t{AclSelector::kAllChannels} : 0u;
    std::vector<std::string> parts;
    if (!SplitArgs(op.substr(1, op.size() - 2), &parts)) parts.clear();
    for (const std::string& part : parts) {
      AclRuleError e = ApplySelectorRule(s, part, ctx);
      if (e != AclRuleError::kOk) return e;
    }
    u.selectors.push_back(std::move(s));
  } else if (EqualsIgnoreCase(op, "clearselectors")) {
    u.selectors.resize(1);
  } else if (EqualsIgnoreCase(op, "reset")) {
    for (std::string_view r : {"resetpass", "resetkeys", "resetchannels"}) {
      ApplyAclRule(u, r, ctx);
    }
    if (ctx.allchannels_default) ApplyAclRule(u, "allchannels", ctx);
    for (std::string_view r : {"off", "sanitize-payload", "clearselectors", "-@all"}) {
      ApplyAclRule(u, r, ctx);
    }
  } else {
    AclRuleError e = ApplySelectorRule(u.selectors[0], op, ctx);
    if (e != AclRuleError::kOk) return e;
  }
  u.UpdateUnrestricted();
  return AclRuleError::kOk;
}

bool MergeSelectorArgs(std::span<const std::string> in, std::vector<std::string>* out,
                       size_t* bad) {
  out->clear();
  bool open = false;
  size_t open_at = 0;
  std::string selector;
  for (size_t j = 0; j < in.size(); j++) {
    const std::string& op = in[j];
    if (!op.empty() && op[0] == '(' && op.back() != ')') {
      // Redis restarts the selector at a second opening argument.
      selector = op;
      open = true;
      open_at = j;
      continue;
    }
    if (open) {
      selector += ' ';
      selector += op;
      if (!op.empty() && op.back() == ')') {
        open = false;
        out->push_back(std::move(selector));
        selector.clear();
      }
      continue;
    }
    out->push_back(op);
  }
  if (open) {
    if (bad) *bad = open_at;
    return false;
  }
  return true;
}

}  // namespace duet
