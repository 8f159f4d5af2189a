// Acl: the users of one server (Redis 7.0.15's ACL users, the "default" one always present),
// the command index their rules use, the ACL LOG, and loading/saving the aclfile. Knows no
// clients: the Server closes the connections of users that go away (server/server_acl.cc).
//
// Owned by the Server; event-loop thread only. User objects stay at one address for their
// whole life (clients point at them); ACL LOAD copies the new "default" into the old one.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/acl_describe.h"
#include "server/acl_log.h"
#include "server/acl_rules.h"
#include "server/acl_user.h"

namespace duet {

class Acl {
 public:
  using UserMap = std::map<std::string, std::unique_ptr<AclUser>, std::less<>>;

  // Indexes `table` (final: after rename-command) and creates the default user.
  void Init(const CommandTable& table);

  const AclCommandIndex& index() const { return index_; }
  AclRuleContext Context(bool allchannels_default) const { return {index_, allchannels_default}; }

  // Users in name order (ACL LIST, ACL USERS, ACL SAVE).
  const UserMap& users() const { return users_; }
  AclUser* Find(std::string_view name);
  AclUser* default_user() { return default_; }
  const AclUser* default_user() const { return default_; }
  // Redis's authRequired, its user half: the default user has a password or is off.
  bool DefaultNeedsAuth() const {
    return !(default_->flags & AclUser::kNoPass) || (default_->flags & AclUser::kDisabled);
  }
  // Whether a new connection starts authenticated (the default user is on and nopass).
  bool NewClientAuthenticated() const { return !DefaultNeedsAuth(); }

  // Redis's ACLCheckUserCredentials: the user when it exists, is on and `pass` opens it.
  AclUser* CheckCredentials(std::string_view user, std::string_view pass);
  // requirepass: the default user gets this one password, or nopass when empty.
  void SetDefaultPassword(std::string_view pass, const AclRuleContext& ctx);

  // ACL SETUSER: every rule is applied to a copy first; on success the user is created or
  // replaced. Returns "" or the error text (without "ERR "). *before receives the previous
  // state of an existing user; *user the user changed.
  std::string SetUser(std::string_view name, std::span<const std::string> rules,
                      const AclRuleContext& ctx, std::optional<AclUser>* before, AclUser** user);
  // Removes a user other than "default"; null when there is none.
  std::unique_ptr<AclUser> Remove(std::string_view name);

  // `user` directives of the config file, validated as Redis does while reading it (a fake
  // user takes the rules; unknown commands are only reported at load). "" or the error of
  // "Error in user declaration '...': ..." (`argv` is the whole line, "user" first).
  std::string ValidateUserDirective(const std::vector<std::string>& argv,
                                    const AclRuleContext& ctx);
  // Creates the users of the `user` directives (Redis's ACLLoadConfiguredUsers); "" or the
  // warning to log before exiting.
  std::string LoadConfiguredUsers(const std::vector<std::vector<std::string>>& lines,
                                  const AclRuleContext& ctx);
  // ACL LOAD / aclfile at startup: the whole file or nothing. "" on success, when
  // *replaced receives the users that were dropped (their clients must be closed), or Redis's
  // error text naming the file and lines.
  std::string LoadFile(const std::string& path, const AclRuleContext& ctx,
                       std::vector<std::unique_ptr<AclUser>>* replaced);
  // ACL SAVE: writes every user through a temp file and rename; false (logged) on I/O error.
  bool SaveFile(const std::string& path, const AclRuleContext& ctx) const;
  // "user <name> <rules>" lines for every user (ACL LIST, ACL SAVE, CONFIG REWRITE).
  std::vector<std::string> UserLines(const AclRuleContext& ctx) const;

  AclLog& log() { return log_; }

 private:
  AclCommandIndex index_;
  UserMap users_;
  AclUser* default_ = nullptr;
  AclLog log_;
  std::set<std::string> config_user_names_;  // `user` directives seen (duplicates)
};

}  // namespace duet
