// ACL users back as rules (ACL LIST, ACL GETUSER, ACL SAVE), as Redis 7.0.15 writes them:
// flags, password hashes, key and channel patterns, then the command rules rebuilt from the
// bitmap ("+@all -@string +incr", or "-@all +@read ..."), each category chosen as the best fit
// and single commands for the rest (acl.c's ACLDescribeSelectorCommandRules).
#pragma once

#include <string>

#include "server/acl_rules.h"
#include "server/acl_user.h"

namespace duet {

// The command rules of a selector ("+@all -debug +debug|digest").
std::string DescribeAclCommands(const AclSelector& s, const AclRuleContext& ctx);
// "~key* %R~x" (empty when none; "~*" for allkeys), as ACL GETUSER's "keys".
std::string DescribeAclKeys(const AclSelector& s);
// "&chan &x" (empty when none; "&*" for allchannels), as ACL GETUSER's "channels".
std::string DescribeAclChannels(const AclSelector& s);
// Everything after "user <name> " in ACL LIST and the aclfile.
std::string DescribeAclUser(const AclUser& u, const AclRuleContext& ctx);

}  // namespace duet
