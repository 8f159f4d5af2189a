// ACL: SETUSER GETUSER DELUSER USERS LIST WHOAMI CAT GENPASS LOG DRYRUN SAVE LOAD HELP, with
// Redis 7.0.15's replies (acl.c's aclCommand). The users live in server/acl.h.
#include <optional>

#include "commands/acl_categories.h"
#include "commands/help_reply.h"
#include "common/sha256.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

constexpr int kCategoryCount = 21;

void CmdAclSetUser(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  ServerContext& sctx = ServerContext::From(ctx);
  Server& server = sctx.server();
  std::string_view name = a[0];
  for (char c : name) {
    if (isspace(static_cast<unsigned char>(c)) || c == 0) {
      return ctx.reply().Error(errors::kAclUsernameSpaces);
    }
  }
  std::vector<std::string> rules;
  for (size_t i = 1; i < a.size(); i++) rules.emplace_back(a[i]);
  std::optional<AclUser> before;
  AclUser* user = nullptr;
  std::string err = server.acl().SetUser(name, rules, server.AclContext(), &before, &user);
  if (!err.empty()) return ctx.reply().Error(errors::AclError(err));
  if (before) server.KillRevokedSubscribers(*before, *user);
  ctx.reply().Ok();
}

void CmdAclDelUser(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  Server& server = ServerContext::From(ctx).server();
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i] == "default") return ctx.reply().Error(errors::kAclDeleteDefault);
  }
  int64_t deleted = 0;
  for (size_t i = 0; i < a.size(); i++) {
    std::unique_ptr<AclUser> u = server.acl().Remove(a[i]);
    if (!u) continue;
    server.CloseClientsOfUser(u.get());
    deleted++;
  }
  ctx.reply().Integer(deleted);
}

void ReplySelector(ReplyBuilder& r, const AclSelector& s, const AclRuleContext& actx) {
  r.Bulk("commands");
  r.Bulk(DescribeAclCommands(s, actx));
  r.Bulk("keys");
  r.Bulk(DescribeAclKeys(s));
  r.Bulk("channels");
  r.Bulk(DescribeAclChannels(s));
}

void CmdAclGetUser(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  Server& server = ServerContext::From(ctx).server();
  const AclUser* u = server.acl().Find(a[0]);
  ReplyBuilder& r = ctx.reply();
  if (!u) return r.Null();
  AclRuleContext actx = server.AclContext();
  r.MapHeader(6);
  r.Bulk("flags");
  size_t nflags = 0;
  for (const auto& [flag, name] : kAclUserFlagNames) nflags += (u->flags & flag) ? 1 : 0;
  r.SetHeader(nflags);
  for (const auto& [flag, name] : kAclUserFlagNames) {
    if (u->flags & flag) r.Bulk(name);
  }
  r.Bulk("passwords");
  r.ArrayHeader(u->passwords.size());
  for (const std::string& p : u->passwords) r.Bulk(p);
  ReplySelector(r, u->selectors[0], actx);
  r.Bulk("selectors");
  r.ArrayHeader(u->selectors.size() - 1);
  for (size_t i = 1; i < u->selectors.size(); i++) {
    r.MapHeader(3);
    ReplySelector(r, u->selectors[i], actx);
  }
}

void ReplyUsers(CommandContext& ctx, bool names_only) {
  Server& server = ServerContext::From(ctx).server();
  const Acl::UserMap& users = server.acl().users();
  ctx.reply().ArrayHeader(users.size());
  if (names_only) {
    for (const auto& [name, u] : users) ctx.reply().Bulk(name);
    return;
  }
  for (const std::string& line : server.acl().UserLines(server.AclContext())) {
    ctx.reply().Bulk(line);
  }
}

void CmdAclUsers(CommandContext& ctx, ArgReader& args) { ReplyUsers(ctx, true); }
void CmdAclList(CommandContext& ctx, ArgReader& args) { ReplyUsers(ctx, false); }

void CmdAclWhoami(CommandContext& ctx, ArgReader& args) {
  const Client& c = ServerContext::From(ctx).client();
  if (!c.user) return ctx.reply().Null();
  ctx.reply().Bulk(c.user->name);
}

void CmdAclLoad(CommandContext& ctx, ArgReader& args) {
  Server& server = ServerContext::From(ctx).server();
  std::string path = server.AclFileName();
  if (path.empty()) return ctx.reply().Error(errors::kAclNoFile);
  std::vector<std::unique_ptr<AclUser>> replaced;
  std::string err = server.acl().LoadFile(path, server.AclContext(), &replaced);
  if (!err.empty()) return ctx.reply().Error(errors::AclError(err));
  for (const std::unique_ptr<AclUser>& u : replaced) server.CloseClientsOfUser(u.get());
  ctx.reply().Ok();
}

void CmdAclSave(CommandContext& ctx, ArgReader& args) {
  Server& server = ServerContext::From(ctx).server();
  std::string path = server.AclFileName();
  if (path.empty()) return ctx.reply().Error(errors::kAclNoFile);
  if (!server.acl().SaveFile(path, server.AclContext())) {
    return ctx.reply().Error(errors::kAclSaveFailed);
  }
  ctx.reply().Ok();
}

void CatCommands(ReplyBuilder& r, const CommandSpec& spec, uint32_t cat,
                 const AclCommandIndex& index, size_t* n) {
  if (index.categories(spec) & cat) {
    r.Bulk(spec.name);
    (*n)++;
  }
  for (const CommandSpec& sub : spec.subcommands) CatCommands(r, sub, cat, index, n);
}

void CmdAclCat(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  ReplyBuilder& r = ctx.reply();
  if (a.size() > 1) return r.Error(errors::SubcommandSyntax(ctx.name(), args.All()[0]));
  if (a.size() == 0) {
    r.ArrayHeader(kCategoryCount);
    for (int j = 0; j < kCategoryCount; j++) r.Bulk(AclCategoryNames(1u << j)[0].substr(1));
    return;
  }
  uint32_t cat = AclCategoryByName(a[0]);
  if (cat == 0) return r.Error(errors::AclUnknownCategory(a[0]));
  const AclCommandIndex& index = ServerContext::From(ctx).server().acl().index();
  size_t mark = r.Mark(), n = 0;
  for (const CommandSpec* spec : index.commands()) CatCommands(r, *spec, cat, index, &n);
  r.InsertArrayHeader(mark, n);
}

void CmdAclGenPass(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  if (a.size() > 1) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args.All()[0]));
  int64_t bits = 256;
  if (a.size() == 1) {
    std::optional<int64_t> v = ParseInt64(a[0]);
    if (!v) return ctx.reply().Error(errors::kNotInteger);
    bits = *v;
  }
  if (bits <= 0 || bits > 4096) return ctx.reply().Error(errors::kAclGenpassBits);
  ctx.reply().Bulk(RandomHexChars(static_cast<size_t>((bits + 3) / 4)));
}

void CmdAclLog(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  Server& server = ServerContext::From(ctx).server();
  ReplyBuilder& r = ctx.reply();
  if (a.size() > 1) return r.Error(errors::SubcommandSyntax(ctx.name(), args.All()[0]));
  int64_t count = 10;
  if (a.size() == 1) {
    if (EqualsIgnoreCase(a[0], "reset")) {
      server.acl().log().Reset();
      return r.Ok();
    }
    std::optional<int64_t> v = ParseInt64(a[0]);
    if (!v) return r.Error(errors::kNotInteger);
    count = *v < 0 ? 0 : *v;
  }
  const std::deque<AclLogEntry>& entries = server.acl().log().entries();
  size_t n = std::min<size_t>(static_cast<size_t>(count), entries.size());
  r.ArrayHeader(n);
  int64_t now = server.clock().NowMs();
  for (size_t i = 0; i < n; i++) {
    const AclLogEntry& e = entries[i];
    r.MapHeader(7);
    r.Bulk("count");
    r.Integer(static_cast<int64_t>(e.count));
    r.Bulk("reason");
    r.Bulk(AclLog::ReasonName(e.reason));
    r.Bulk("context");
    r.Bulk(AclLog::ContextName(e.context));
    r.Bulk("object");
    r.Bulk(e.object);
    r.Bulk("username");
    r.Bulk(e.username);
    r.Bulk("age-seconds");
    r.Double(static_cast<double>(now - e.ctime_ms) / 1000);
    r.Bulk("client-info");
    r.Bulk(e.client_info);
  }
}

void CmdAclDryRun(CommandContext& ctx, ArgReader& args) {
  // The arguments after the subcommand name.
  std::span<const std::string_view> a = args.All().subspan(1);
  Server& server = ServerContext::From(ctx).server();
  ReplyBuilder& r = ctx.reply();
  const AclUser* u = server.acl().Find(a[0]);
  if (!u) return r.Error(errors::AclUserNotFound(a[0]));
  std::vector<std::string_view> argv;
  for (size_t i = 1; i < a.size(); i++) argv.push_back(a[i]);
  const CommandSpec* spec = server.commands().Find(argv[0]);
  if (spec && spec->IsContainer() && argv.size() >= 2) {
    spec = CommandTable::FindSub(*spec, argv[1]);
  }
  if (!spec) return r.Error(errors::AclCommandNotFound(argv[0]));
  size_t argc = argv.size();
  bool arity_ok = spec->arity > 0 ? argc == static_cast<size_t>(spec->arity)
                                  : argc >= static_cast<size_t>(-spec->arity);
  if (!arity_ok) return r.Error(errors::WrongArity(spec->name));
  int errpos = 0;
  AclResult res = AclCheckCommand(*u, *spec, argv, &errpos);
  switch (res) {
    case AclResult::kOk:
      return r.Ok();
    case AclResult::kDeniedCmd:
      return r.Bulk("This user has no permissions to run the '" + spec->name + "' command");
    case AclResult::kDeniedKey:
      return r.Bulk("This user has no permissions to access the '" + std::string(argv[errpos]) +
                    "' key");
    default:
      return r.Bulk("This user has no permissions to access the '" + std::string(argv[errpos]) +
                    "' channel");
  }
}

void CmdAclHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"CAT [<category>]",
             "    List all commands that belong to <category>, or all command categories",
             "    when no category is specified.",
             "DELUSER <username> [<username> ...]",
             "    Delete a list of users.",
             "DRYRUN <username> <command> [<arg> ...]",
             "    Returns whether the user can execute the given command without executing the "
             "command.",
             "GETUSER <username>",
             "    Get the user's details.",
             "GENPASS [<bits>]",
             "    Generate a secure 256-bit user password. The optional `bits` argument can",
             "    be used to specify a different size.",
             "LIST",
             "    Show users details in config file format.",
             "LOAD",
             "    Reload users from the ACL file.",
             "LOG [<count> | RESET]",
             "    Show the ACL log entries.",
             "SAVE",
             "    Save the current config to the ACL file.",
             "SETUSER <username> <attribute> [<attribute> ...]",
             "    Create or modify a user with the specified attributes.",
             "USERS",
             "    List all the registered usernames.",
             "WHOAMI",
             "    Return the current connection username."});
}

}  // namespace

void RegisterAclCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kBase = F::kNoScript | F::kLoading | F::kStale;
  constexpr F kAdmin = F::kAdmin | kBase;
  constexpr const char* kAdminAcl = "@admin @slow @dangerous";
  auto sub = [](const char* name, int arity, F flags, CommandHandler h, const char* acl) {
    return CommandSpec{
        .name = name, .arity = arity, .flags = flags, .handler = h, .acl_categories = acl};
  };
  table.Add({.name = "acl",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 sub("acl|cat", -2, kBase, CmdAclCat, "@slow"),
                 sub("acl|deluser", -3, kAdmin, CmdAclDelUser, kAdminAcl),
                 sub("acl|dryrun", -4, kAdmin, CmdAclDryRun, kAdminAcl),
                 sub("acl|genpass", -2, kBase, CmdAclGenPass, "@slow"),
                 sub("acl|getuser", 3, kAdmin, CmdAclGetUser, kAdminAcl),
                 sub("acl|help", 2, F::kLoading | F::kStale, CmdAclHelp, "@slow"),
                 sub("acl|list", 2, kAdmin, CmdAclList, kAdminAcl),
                 sub("acl|load", 2, kAdmin, CmdAclLoad, kAdminAcl),
                 sub("acl|log", -2, kAdmin, CmdAclLog, kAdminAcl),
                 sub("acl|save", 2, kAdmin, CmdAclSave, kAdminAcl),
                 sub("acl|setuser", -3, kAdmin, CmdAclSetUser, kAdminAcl),
                 sub("acl|users", 2, kAdmin, CmdAclUsers, kAdminAcl),
                 sub("acl|whoami", 2, kBase, CmdAclWhoami, "@slow"),
             }});
}

}  // namespace duet
