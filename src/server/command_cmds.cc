// COMMAND and its subcommands: COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP.
//
// Replies merge two sources: the CommandSpec a family registered (name, arity, flags, key
// range, ACL categories, subcommands: what duet actually does) and its CommandMeta (key specs,
// tips, documentation). The reply shapes are Redis 7.0's (server.c: addReplyCommandInfo,
// addReplyCommandDocs), including which aggregates are sets or maps in RESP3.
#include <string>
#include <vector>

#include "commands/acl_categories.h"
#include "commands/command_meta.h"
#include "commands/help_reply.h"
#include "commands/key_extraction.h"
#include "common/glob.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// Redis's lookupCommand over a call's argv (GETKEYS): a subcommand when the command has them
// and an argument follows.
const CommandSpec* LookupCall(const CommandTable& table, std::span<const std::string_view> argv) {
  const CommandSpec* spec = table.Find(argv[0]);
  if (!spec || !spec->IsContainer() || argv.size() == 1) return spec;
  return CommandTable::FindSub(*spec, argv[1]);
}

CmdFlag ReportedFlags(const CommandSpec& spec) {
  if (spec.meta && HasFlag(spec.meta->flags, CmdFlag::kMovableKeys)) {
    return spec.flags | CmdFlag::kMovableKeys;
  }
  return spec.flags;
}

void ReplyStatusSet(ReplyBuilder& r, const std::vector<std::string_view>& items) {
  r.SetHeader(items.size());
  for (std::string_view s : items) r.SimpleString(s);
}

void ReplyKeySpec(ReplyBuilder& r, const KeySpec& k) {
  r.MapHeader(k.notes.empty() ? 3 : 4);
  if (!k.notes.empty()) {
    r.Bulk("notes");
    r.Bulk(k.notes);
  }
  r.Bulk("flags");
  ReplyStatusSet(r, KeyFlagNames(k.flags));

  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  switch (k.begin.type) {
    case BeginSearch::Type::kIndex:
      r.Bulk("index");
      r.Bulk("spec");
      r.MapHeader(1);
      r.Bulk("index");
      r.Integer(k.begin.pos);
      break;
    case BeginSearch::Type::kKeyword:
      r.Bulk("keyword");
      r.Bulk("spec");
      r.MapHeader(2);
      r.Bulk("keyword");
      r.Bulk(k.begin.keyword);
      r.Bulk("startfrom");
      r.Integer(k.begin.pos);
      break;
    default:
      r.Bulk("unknown");
      r.Bulk("spec");
      r.MapHeader(0);
  }

  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  switch (k.find.type) {
    case FindKeys::Type::kRange:
      r.Bulk("range");
      r.Bulk("spec");
      r.MapHeader(3);
      r.Bulk("lastkey");
      r.Integer(k.find.lastkey);
      r.Bulk("keystep");
      r.Integer(k.find.keystep);
      r.Bulk("limit");
      r.Integer(k.find.limit);
      break;
    case FindKeys::Type::kKeynum:
      r.Bulk("keynum");
      r.Bulk("spec");
      r.MapHeader(3);
      r.Bulk("keynumidx");
      r.Integer(k.find.keynumidx);
      r.Bulk("firstkey");
      r.Integer(k.find.firstkey);
      r.Bulk("keystep");
      r.Integer(k.find.keystep);
      break;
    default:
      r.Bulk("unknown");
      r.Bulk("spec");
      r.MapHeader(0);
  }
}

// One element of COMMAND / COMMAND INFO: the 10-element array of addReplyCommandInfo.
void ReplyCommandInfo(ReplyBuilder& r, const CommandSpec& spec) {
  r.ArrayHeader(10);
  r.Bulk(spec.name);
  r.Integer(spec.arity);
  ReplyStatusSet(r, FlagNames(ReportedFlags(spec)));
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.step);
  ReplyStatusSet(r, AclCategoryNames(EffectiveAclCategories(spec)));
  const CommandMeta* m = spec.meta;
  if (m) {
    r.SetHeader(m->tips.size());
    for (std::string_view tip : m->tips) r.Bulk(tip);
    r.SetHeader(m->key_specs.size());
    for (const KeySpec& k : m->key_specs) ReplyKeySpec(r, k);
  } else {
    r.SetHeader(0);
    r.SetHeader(0);
  }
  if (!spec.IsContainer()) {
    r.SetHeader(0);
    return;
  }
  r.ArrayHeader(spec.subcommands.size());
  for (const CommandSpec& sub : spec.subcommands) ReplyCommandInfo(r, sub);
}

void ReplyArgs(ReplyBuilder& r, const std::vector<CommandArg>& args) {
  r.ArrayHeader(args.size());
  for (const CommandArg& a : args) {
    bool container = a.type == "oneof" || a.type == "block";
    size_t n = 2 + (a.key_spec_index >= 0) + a.has_token + !a.since.empty() +
               !a.deprecated_since.empty() + (a.flags != 0) + container;
    r.MapHeader(n);
    r.Bulk("name");
    r.Bulk(a.name);
    r.Bulk("type");
    r.Bulk(a.type);
    if (a.key_spec_index >= 0) {
      r.Bulk("key_spec_index");
      r.Integer(a.key_spec_index);
    }
    if (a.has_token) {
      r.Bulk("token");
      r.Bulk(a.token);
    }
    if (!a.since.empty()) {
      r.Bulk("since");
      r.Bulk(a.since);
    }
    if (!a.deprecated_since.empty()) {
      r.Bulk("deprecated_since");
      r.Bulk(a.deprecated_since);
    }
    if (a.flags) {
      std::vector<std::string_view> flags;
      if (a.flags & CommandArg::kOptional) flags.push_back("optional");
      if (a.flags & CommandArg::kMultiple) flags.push_back("multiple");
      if (a.flags & CommandArg::kMultipleToken) flags.push_back("multiple_token");
      r.Bulk("flags");
      ReplyStatusSet(r, flags);
    }
    if (container) {
      r.Bulk("arguments");
      ReplyArgs(r, a.args);
    }
  }
}

// One value of COMMAND DOCS: the map of addReplyCommandDocs.
void ReplyCommandDocs(ReplyBuilder& r, const CommandSpec& spec) {
  const CommandMeta* m = spec.meta;
  if (!m) {
    // Only reachable for a command registered without metadata (a unit test forbids it).
    r.MapHeader(spec.IsContainer() ? 2 : 1);
    r.Bulk("group");
    r.Bulk("generic");
  } else {
    const CommandMetaDef& d = *m->def;
    size_t n = 1 + !d.summary.empty() + !d.since.empty() + !d.complexity.empty() +
               !m->doc_flags.empty() + !d.deprecated_since.empty() + !d.replaced_by.empty() +
               !m->history.empty() + !m->args.empty() + spec.IsContainer();
    r.MapHeader(n);
    if (!d.summary.empty()) {
      r.Bulk("summary");
      r.Bulk(d.summary);
    }
    if (!d.since.empty()) {
      r.Bulk("since");
      r.Bulk(d.since);
    }
    r.Bulk("group");
    r.Bulk(m->group);
    if (!d.complexity.empty()) {
      r.Bulk("complexity");
      r.Bulk(d.complexity);
    }
    if (!m->doc_flags.empty()) {
      r.Bulk("doc_flags");
      ReplyStatusSet(r, m->doc_flags);
    }
    if (!d.deprecated_since.empty()) {
      r.Bulk("deprecated_since");
      r.Bulk(d.deprecated_since);
    }
    if (!d.replaced_by.empty()) {
      r.Bulk("replaced_by");
      r.Bulk(d.replaced_by);
    }
    if (!m->history.empty()) {
      r.Bulk("history");
      r.SetHeader(m->history.size());  // a set in RESP3, as Redis replies
      for (const auto& [version, text] : m->history) {
        r.ArrayHeader(2);
        r.Bulk(version);
        r.Bulk(text);
      }
    }
    if (!m->args.empty()) {
      r.Bulk("arguments");
      ReplyArgs(r, m->args);
    }
  }
  if (spec.IsContainer()) {
    r.Bulk("subcommands");
    r.MapHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      r.Bulk(sub.name);
      ReplyCommandDocs(r, sub);
    }
  }
}

void ReplyAllInfo(ServerContext& ctx) {
  const CommandTable& table = ctx.server().commands();
  ctx.reply().ArrayHeader(table.size());
  table.ForEach([&](const CommandSpec& spec) { ReplyCommandInfo(ctx.reply(), spec); });
}

// COMMAND with no subcommand: every command's info.
void CmdCommand(CommandContext& ctx, ArgReader& args) { ReplyAllInfo(ServerContext::From(ctx)); }

void CmdCommandCount(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Integer(static_cast<int64_t>(ServerContext::From(ctx).server().commands().size()));
}

void CmdCommandInfo(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  if (args.size() == 1) return ReplyAllInfo(sctx);
  const CommandTable& table = sctx.server().commands();
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t i = 1; i < args.size(); i++) {
    const CommandSpec* spec = table.FindFullName(args[i]);
    if (spec) {
      ReplyCommandInfo(ctx.reply(), *spec);
    } else {
      ctx.reply().Null();
    }
  }
}

void CmdCommandDocs(CommandContext& ctx, ArgReader& args) {
  const CommandTable& table = ServerContext::From(ctx).server().commands();
  ReplyBuilder& r = ctx.reply();
  if (args.size() == 1) {
    r.MapHeader(table.size());
    table.ForEach([&](const CommandSpec& spec) {
      r.Bulk(spec.name);
      ReplyCommandDocs(r, spec);
    });
    return;
  }
  std::vector<const CommandSpec*> found;
  for (size_t i = 1; i < args.size(); i++) {
    if (const CommandSpec* spec = table.FindFullName(args[i])) found.push_back(spec);
  }
  r.MapHeader(found.size());
  for (const CommandSpec* spec : found) {
    r.Bulk(spec->name);
    ReplyCommandDocs(r, *spec);
  }
}

struct ListFilter {
  enum class Type { kNone, kModule, kAclCat, kPattern } type = Type::kNone;
  std::string_view arg;
  uint32_t aclcat = 0;

  bool Matches(const CommandSpec& spec) const {
    switch (type) {
      case Type::kNone:
        return true;
      case Type::kModule:
        return false;  // duet loads no modules
      case Type::kAclCat:
        return aclcat != 0 && (EffectiveAclCategories(spec) & aclcat);
      case Type::kPattern:
        return GlobMatch(arg, spec.name, /*nocase=*/true);
    }
    return false;
  }
};

void CollectNames(const CommandSpec& spec, const ListFilter& filter,
                  std::vector<std::string_view>* out) {
  if (filter.Matches(spec)) out->push_back(spec.name);
  for (const CommandSpec& sub : spec.subcommands) CollectNames(sub, filter, out);
}

void CmdCommandList(CommandContext& ctx, ArgReader& args) {
  ListFilter filter;
  for (size_t i = 1; i < args.size(); i++) {
    size_t more = args.size() - 1 - i;
    if (EqualsIgnoreCase(args[i], "filterby") && more == 2) {
      std::string_view type = args[i + 1];
      if (EqualsIgnoreCase(type, "module")) {
        filter.type = ListFilter::Type::kModule;
      } else if (EqualsIgnoreCase(type, "aclcat")) {
        filter.type = ListFilter::Type::kAclCat;
      } else if (EqualsIgnoreCase(type, "pattern")) {
        filter.type = ListFilter::Type::kPattern;
      } else {
        return ctx.reply().Error(errors::kSyntax);
      }
      filter.arg = args[i + 2];
      filter.aclcat = AclCategoryByName(filter.arg);
      i += 2;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  std::vector<std::string_view> names;
  ServerContext::From(ctx).server().commands().ForEach(
      [&](const CommandSpec& spec) { CollectNames(spec, filter, &names); });
  ctx.reply().BulkArray(names.data(), names.size());
}

void GetKeys(CommandContext& ctx, ArgReader& args, bool with_flags) {
  std::span<const std::string_view> call = args.All().subspan(1);
  const CommandSpec* spec = LookupCall(ServerContext::From(ctx).server().commands(), call);
  if (!spec) return ctx.reply().Error(errors::kInvalidCommandSpecified);
  if (!CommandHasKeys(*spec)) return ctx.reply().Error(errors::kCommandHasNoKeys);
  size_t argc = call.size();
  if ((spec->arity > 0 && static_cast<size_t>(spec->arity) != argc) ||
      (spec->arity < 0 && argc < static_cast<size_t>(-spec->arity))) {
    return ctx.reply().Error(errors::kInvalidNumberOfArgsForCommand);
  }
  std::vector<KeyRef> keys;
  if (!GetCommandKeys(*spec, call, &keys)) {
    if (HasFlag(spec->flags, CmdFlag::kNoMandatoryKeys)) return ctx.reply().ArrayHeader(0);
    return ctx.reply().Error(errors::kInvalidArgsForCommand);
  }
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(keys.size());
  for (const KeyRef& k : keys) {
    if (!with_flags) {
      r.Bulk(call[k.pos]);
      continue;
    }
    r.ArrayHeader(2);
    r.Bulk(call[k.pos]);
    ReplyStatusSet(r, KeyFlagNames(k.flags));
  }
}

void CmdCommandGetKeys(CommandContext& ctx, ArgReader& args) { GetKeys(ctx, args, false); }
void CmdCommandGetKeysAndFlags(CommandContext& ctx, ArgReader& args) { GetKeys(ctx, args, true); }

void CmdCommandHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), "command",
            {
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command.",
            });
}

}  // namespace

void RegisterCommandCommand(CommandTable& table) {
  using F = CmdFlag;
  constexpr CmdFlag kFlags = F::kLoading | F::kStale;
  constexpr const char* kAcl = "@slow @connection";
  auto sub = [&](const char* name, int arity, CommandHandler handler) {
    return CommandSpec{.name = std::string("command|") + name,
                       .arity = arity,
                       .flags = kFlags,
                       .handler = handler,
                       .acl_categories = kAcl};
  };
  table.Add({.name = "command",
             .arity = -1,
             .flags = kFlags,
             .handler = CmdCommand,
             .acl_categories = kAcl,
             .subcommands = {
                 sub("count", 2, CmdCommandCount),
                 sub("docs", -2, CmdCommandDocs),
                 sub("getkeys", -4, CmdCommandGetKeys),
                 sub("getkeysandflags", -4, CmdCommandGetKeysAndFlags),
                 sub("help", 2, CmdCommandHelp),
                 sub("info", -2, CmdCommandInfo),
                 sub("list", -2, CmdCommandList),
             }});
}

}  // namespace duet
