// The ACL rule language of ACL SETUSER, `user` directives and the aclfile: one rule at a time
// applied to a user or a selector, with Redis 7.0.15's meaning and errors (acl.c's
// ACLSetUser/ACLSetSelector), and the merging of "(...)" selectors split over arguments.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl_user.h"

namespace duet {

// Why a rule was refused (Redis's errno values in ACLSetUser).
enum class AclRuleError {
  kOk,
  kUnknownName,       // ENOENT: no such command or category
  kSyntax,            // EINVAL
  kKeyAfterAll,       // EEXIST: a key pattern after allkeys
  kChannelAfterAll,   // EISDIR: a channel pattern after allchannels
  kNoSuchPassword,    // ENODEV: <pass / !hash of a password the user does not have
  kBadHash,           // EBADMSG
  kDuplicateUser,     // EALREADY (config files)
  kFirstArgOfSubcmd,  // ECHILD: +config|get|x
};
// ACLSetUserStringError's text ("Syntax error", ...).
std::string_view AclRuleErrorText(AclRuleError e);

struct AclRuleContext {
  const AclCommandIndex& index;
  // acl-pubsub-default allchannels: new selectors (and "reset") start with every channel.
  bool allchannels_default = false;
};

// A new user as Redis creates it: off, no password, a root selector with no permission.
AclUser NewAclUser(std::string name, const AclRuleContext& ctx);
// Redis's ACLStringHasSpaces: spaces and NULs are refused in user names and patterns.
bool AclStringHasSpaces(std::string_view s);
// The "default" user: on, nopass, +@all ~* &*.
AclUser NewDefaultAclUser(const AclRuleContext& ctx);

// Applies one rule ("on", ">pass", "~key*", "+@read", "(~x +get)", "reset", ...). On error
// the user may be partly changed: callers stage on a copy.
AclRuleError ApplyAclRule(AclUser& user, std::string_view op, const AclRuleContext& ctx);
// The selector rules (keys, channels, commands).
AclRuleError ApplySelectorRule(AclSelector& s, std::string_view op, const AclRuleContext& ctx);

// +cmd / -cmd: the command's bit, and those of all its subcommands; forgets its first args.
void AclChangeCommandPerm(AclSelector& s, const CommandSpec& spec, bool allow);
// +@cat / -@cat on every command (and subcommand) of the category; false if it is unknown.
bool AclChangeCategoryPerm(AclSelector& s, std::string_view category, bool allow,
                           const AclCommandIndex& index);

// Redis's ACLMergeSelectorArguments: "(~x" "+get)" become "(~x +get)". Returns false on an
// unmatched '(' and sets *bad to the index of the argument that opened it.
bool MergeSelectorArgs(std::span<const std::string> in, std::vector<std::string>* out, size_t* bad);

}  // namespace duet
