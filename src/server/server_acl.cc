// The Server's side of ACL: startup loading, the permission checks of the dispatcher, EXEC
// and scripts with their -NOPERM texts and ACL LOG entries, authentication, and closing the
// connections of users that are deleted or lose channels (Redis 7.0.15's acl.c, server.c,
// multi.c and script.c behaviour).
#include <algorithm>

#include "common/log.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/client_list.h"
#include "server/server.h"

namespace duet {

namespace {

AclLogContext ContextOf(const Client& c) {
  return c.multi ? AclLogContext::kMulti : AclLogContext::kToplevel;
}

// The ACL LOG object of a denial: the command's full name, or the key/channel argument.
std::string DeniedObject(AclResult r, const CommandSpec& spec,
                         std::span<const std::string_view> args, int errpos) {
  if (r == AclResult::kDeniedCmd) return spec.name;
  return std::string(args[errpos]);
}

}  // namespace

AclRuleContext Server::AclContext() const {
  auto it = config_->other.find("acl-pubsub-default");
  bool all = it != config_->other.end() && it->second == "allchannels";
  return acl_.Context(all);
}

std::string Server::AclFileName() const {
  auto it = config_->other.find("aclfile");
  return it == config_->other.end() ? std::string() : it->second;
}

Status Server::LoadAclAtStartup() {
  std::vector<std::vector<std::string>> lines;
  auto it = config_->other.find("user");
  if (it != config_->other.end()) {
    size_t start = 0;
    const std::string& all = it->second;
    while (start <= all.size()) {
      size_t nl = all.find('\n', start);
      if (nl == std::string::npos) nl = all.size();
      std::vector<std::string> argv;
      if (SplitArgs(std::string_view(all).substr(start, nl - start), &argv) && argv.size() >= 2) {
        lines.push_back(std::move(argv));
      }
      start = nl + 1;
    }
  }
  std::string aclfile = AclFileName();
  if (!aclfile.empty() && !lines.empty()) {
    return Status::Error(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file "
        "path is invalid. This setup is very likely to lead to configuration errors and security "
        "holes, please define either an ACL file or declare users directly in your redis.conf, "
        "but not both.");
  }
  AclRuleContext ctx = AclContext();
  if (std::string err = acl_.LoadConfiguredUsers(lines, ctx); !err.empty()) {
    return Status::Error(err + "\nCritical error while loading ACLs. Exiting.");
  }
  if (!aclfile.empty()) {
    std::vector<std::unique_ptr<AclUser>> replaced;
    if (std::string err = acl_.LoadFile(aclfile, ctx, &replaced); !err.empty()) {
      return Status::Error("Aborting Redis startup because of ACL errors: " + err);
    }
  }
  return Status::Ok();
}

void Server::AddAclLogEntry(const Client& c, AclResult reason, AclLogContext context,
                            std::string object, std::string_view username,
                            std::span<const std::string_view> argv) {
  const Client& real = c.is_script && caller_ ? *caller_ : c;
  AclLogEntry e;
  e.reason = reason;
  e.context = context;
  e.object = std::move(object);
  e.username = std::string(username);
  e.ctime_ms = clock_->NowMs();
  ClientInfoContext info;
  info.now_ms = keyspace_.ctx().now_ms;
  info.current = &real;
  for (std::string_view a : argv) info.current_argv_bytes += a.size();
  AppendClientInfo(e.client_info, real, info);
  std::string max_len = config_table_->GetValue("acllog-max-len");
  acl_.log().Add(std::move(e), static_cast<size_t>(ParseInt64(max_len).value_or(128)));
}

bool Server::RejectedByAcl(Client& c, const CommandSpec& spec,
                           std::span<const std::string_view> args) {
  int errpos = 0;
  AclResult r = AclCheckCommand(*c.user, spec, args, &errpos);
  if (r == AclResult::kOk) return false;
  AddAclLogEntry(c, r, ContextOf(c), DeniedObject(r, spec, args, errpos), c.user->name, args);
  switch (r) {
    case AclResult::kDeniedCmd:
      Reject(c, &spec, errors::NoPermCommand(spec.name));
      break;
    case AclResult::kDeniedKey:
      Reject(c, &spec, errors::kNoPermKey);
      break;
    case AclResult::kDeniedChannel:
      Reject(c, &spec, errors::kNoPermChannel);
      break;
    default:
      Reject(c, &spec, "ERR no permission");
      break;
  }
  return true;
}

bool Server::RejectedByAclInExec(Client& c, const CommandSpec& spec,
                                 std::span<const std::string_view> args) {
  if (!c.user || c.user->unrestricted) return false;
  int errpos = 0;
  AclResult r = AclCheckCommand(*c.user, spec, args, &errpos);
  if (r == AclResult::kOk) return false;
  std::string_view reason = "no permission";
  if (r == AclResult::kDeniedCmd) {
    reason = "no permission to execute the command or subcommand";
  } else if (r == AclResult::kDeniedKey) {
    reason = "no permission to touch the specified keys";
  } else if (r == AclResult::kDeniedChannel) {
    reason = "no permission to access one of the channels used as arguments";
  }
  AddAclLogEntry(c, r, AclLogContext::kMulti, DeniedObject(r, spec, args, errpos), c.user->name,
                 args);
  std::string text = errors::NoPermExec(reason);
  c.reply().ErrorCountedBefore(text);
  CountError(text);
  return true;
}

std::string_view Server::ScriptAclRejection(Client& caller, const CommandSpec& spec,
                                            std::span<const std::string_view> args) {
  if (!caller.user || caller.user->unrestricted) return {};
  int errpos = 0;
  AclResult r = AclCheckCommand(*caller.user, spec, args, &errpos);
  if (r == AclResult::kOk) return {};
  AddAclLogEntry(caller, r, AclLogContext::kLua, DeniedObject(r, spec, args, errpos),
                 caller.user->name, caller_args_);
  if (r == AclResult::kDeniedKey) return errors::kScriptNoPermKey;
  if (r == AclResult::kDeniedChannel) return errors::kScriptNoPermChannel;
  return errors::kScriptNoPermCommand;
}

bool Server::AuthenticateClient(Client& c, std::string_view user, std::string_view pass,
                                std::string_view command_as_sent) {
  AclUser* u = acl_.CheckCredentials(user, pass);
  if (!u) {
    AddAclLogEntry(c, AclResult::kDeniedAuth, ContextOf(c), std::string(command_as_sent), user,
                   caller_args_);
    return false;
  }
  c.user = u;
  c.authenticated = true;
  return true;
}

bool Server::UserMayReadAnyKey(const Client& c, const CommandSpec& spec,
                               std::span<const std::string_view> args) const {
  const Client& who = c.is_script && caller_ ? *caller_ : c;
  if (!who.user || who.user->unrestricted) return true;
  return AclCheckCommandWithAllKeys(*who.user, spec, args, kKeyAccess);
}

void Server::SetDefaultUser(Client& c) {
  c.user = acl_.default_user();
  c.authenticated = acl_.NewClientAuthenticated();
}

void Server::CloseClientsOfUser(const AclUser* user) {
  std::vector<Client*> doomed;
  for (auto& [id, c] : clients_) {
    if (c->user != user) continue;
    c->user = acl_.default_user();
    c->authenticated = false;
    if (c.get() == current_client_) {
      c->close_after_reply = true;  // its reply is still written (CLOSE_AFTER_COMMAND)
    } else {
      doomed.push_back(c.get());
    }
  }
  for (Client* c : doomed) CloseClient(*c);
}

void Server::KillRevokedSubscribers(const AclUser& before, const AclUser& user) {
  for (const AclSelector& s : user.selectors) {
    if (s.flags & AclSelector::kAllChannels) return;
  }
  std::vector<std::string> upcoming;
  for (const AclSelector& s : user.selectors) {
    upcoming.insert(upcoming.end(), s.channels.begin(), s.channels.end());
  }
  bool superset = true;
  for (const AclSelector& s : before.selectors) {
    if (s.flags & AclSelector::kAllChannels) {
      superset = false;
      break;
    }
    for (const std::string& ch : s.channels) {
      if (std::find(upcoming.begin(), upcoming.end(), ch) == upcoming.end()) {
        superset = false;
        break;
      }
    }
    if (!superset) break;
  }
  if (superset) return;
  std::vector<Client*> doomed;
  for (auto& [id, c] : clients_) {
    if (c->user != &user || TypeOf(*c) != ClientType::kPubSub || !c->subscriptions) continue;
    const ClientSubscriptions& subs = *c->subscriptions;
    bool kill = false;
    for (const std::string& p : subs.patterns) {
      if (!AclChannelInList(upcoming, p, true)) kill = true;
    }
    for (const std::string& ch : subs.channels) {
      if (!kill && !AclChannelInList(upcoming, ch, false)) kill = true;
    }
    for (const std::string& ch : subs.shard_channels) {
      if (!kill && !AclChannelInList(upcoming, ch, false)) kill = true;
    }
    if (kill) doomed.push_back(c.get());
  }
  for (Client* c : doomed) CloseClient(*c);
}

}  // namespace duet
