// XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XACK, XSETID: Redis 7.0.15's
// xgroupCommand, xackCommand and xsetidCommand, error order included.
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/help_reply.h"
#include "commands/stream_common.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using namespace stream_cmds;  // NOLINT: the family's own helpers
using stream::StreamGroup;

// Every XGROUP subcommand but HELP; `sub` is its name as typed, args start at the key.
void XgroupCommand(CommandContext& ctx, ArgReader& args, std::string_view sub) {
  sub = args[0];                                                // as typed
  std::span<const std::string_view> a = args.All().subspan(1);  // key group [...]
  size_t argc = a.size() + 2;                                   // as Redis counts (XGROUP SUB ...)
  bool create = EqualsIgnoreCase(sub, "create");
  bool setid = EqualsIgnoreCase(sub, "setid");
  bool mkstream = false;
  int64_t entries_read = -1;
  StreamValue* s = nullptr;
  StreamGroup* cg = nullptr;
  std::string_view key = a[0];
  std::string_view grp = a[1];
  for (size_t i = 3; i < a.size();) {
    if (create && EqualsIgnoreCase(a[i], "mkstream")) {
      mkstream = true;
      i++;
    } else if ((create || setid) && EqualsIgnoreCase(a[i], "entriesread") && i + 1 < a.size()) {
      std::optional<int64_t> v = ParseInt64(a[i + 1]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      if (*v < 0 && *v != -1) return ctx.reply().Error(errors::kEntriesReadRange);
      entries_read = *v;
      i += 2;
    } else {
      return ctx.reply().Error(errors::SubcommandSyntax("xgroup", sub));
    }
  }
  bool failed = false;
  s = LookupWrite(ctx, key, &failed);
  if (failed) return;
  if (!mkstream) {
    if (s == nullptr) return ctx.reply().Error(errors::kXgroupNeedKey);
    cg = s->FindGroup(grp);
    if (cg == nullptr && !create && !EqualsIgnoreCase(sub, "destroy")) {
      return ctx.reply().Error(errors::NoSuchGroupForKey(grp, key));
    }
  }
  ReplyBuilder& r = ctx.reply();
  if (create && argc >= 5 && argc <= 8) {
    StreamID id;
    if (a[2] == "$") {
      id = s ? s->last_id() : StreamID{};
    } else {
      std::optional<StreamID> p = ParseIdOrReply(ctx, a[2], 0, true);
      if (!p) return;
      id = *p;
    }
    if (s == nullptr) {
      s = CreateAt(ctx, key);
      ctx.KeyModifiedInDb(ctx.db_index(), key);  // signalled, not counted, as in Redis
    }
    if (s->CreateGroup(grp, id, entries_read) != nullptr) {
      r.Ok();
      ctx.AddDirty(1);
      ctx.Notify(kNotifyStream, "xgroup-create", key);
    } else {
      r.Error(errors::kBusyGroup);
    }
  } else if (setid && (argc == 5 || argc == 7)) {
    StreamID id;
    if (a[2] == "$") {
      id = s->last_id();
    } else {
      std::optional<StreamID> p = ParseIdOrReply(ctx, a[2], 0, false);
      if (!p) return;
      id = *p;
    }
    cg->last_id = id;
    cg->entries_read = entries_read;
    r.Ok();
    ctx.AddDirty(1);
    ctx.Notify(kNotifyStream, "xgroup-setid", key);
  } else if (EqualsIgnoreCase(sub, "destroy") && argc == 4) {
    if (cg != nullptr) {
      s->DestroyGroup(grp);
      r.Integer(1);
      ctx.AddDirty(1);
      ctx.Notify(kNotifyStream, "xgroup-destroy", key);
      ctx.db().SignalReady(key);
    } else {
      r.Integer(0);
    }
  } else if (EqualsIgnoreCase(sub, "createconsumer") && argc == 5) {
    bool created = false;
    cg->ConsumerFor(a[2], ctx.now_ms(), &created);
    if (created) {
      ctx.AddDirty(1);
      ctx.Notify(kNotifyStream, "xgroup-createconsumer", key);
    }
    r.Integer(created ? 1 : 0);
  } else if (EqualsIgnoreCase(sub, "delconsumer") && argc == 5) {
    int64_t pending = cg->DeleteConsumer(a[2]);
    if (pending >= 0) {
      ctx.AddDirty(1);
      ctx.Notify(kNotifyStream, "xgroup-delconsumer", key);
    }
    r.Integer(pending < 0 ? 0 : pending);
  } else {
    r.Error(errors::SubcommandSyntax("xgroup", sub));
  }
}

void CmdXgroupCreate(CommandContext& ctx, ArgReader& args) { XgroupCommand(ctx, args, "create"); }
void CmdXgroupSetid(CommandContext& ctx, ArgReader& args) { XgroupCommand(ctx, args, "setid"); }
void CmdXgroupDestroy(CommandContext& ctx, ArgReader& args) { XgroupCommand(ctx, args, "destroy"); }
void CmdXgroupCreateConsumer(CommandContext& ctx, ArgReader& args) {
  XgroupCommand(ctx, args, "createconsumer");
}
void CmdXgroupDelConsumer(CommandContext& ctx, ArgReader& args) {
  XgroupCommand(ctx, args, "delconsumer");
}

void CmdXgroupHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(
      ctx.reply(), "xgroup",
      {"CREATE <key> <groupname> <id|$> [option]",
       "    Create a new consumer group. Options are:", "    * MKSTREAM",
       "      Create the empty stream if it does not exist.", "    * ENTRIESREAD entries_read",
       "      Set the group's entries_read counter (internal use).",
       "CREATECONSUMER <key> <groupname> <consumer>",
       "    Create a new consumer in the specified group.",
       "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
       "DESTROY <key> <groupname>", "    Remove the specified group.",
       "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
       "    Set the current group ID and entries_read counter."});
}

void CmdXgroup(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Error(errors::SubcommandSyntax("xgroup", args[0]));
}

// XACK key group id [id ...]
void CmdXack(CommandContext& ctx, ArgReader& args) {
  bool failed = false;
  StreamValue* s = LookupRead(ctx, args[0], &failed);
  if (failed) return;
  StreamGroup* g = s ? s->FindGroup(args[1]) : nullptr;
  if (g == nullptr) return ctx.reply().Integer(0);
  std::vector<StreamID> ids;
  for (size_t j = 2; j < args.size(); j++) {
    std::optional<StreamID> id = ParseIdOrReply(ctx, args[j], 0, true);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t acked = 0;
  for (StreamID id : ids) {
    if (g->Ack(id)) acked++;
  }
  ctx.AddDirty(acked);
  ctx.reply().Integer(acked);
}

// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
void CmdXsetid(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All();
  std::optional<StreamID> id = ParseIdOrReply(ctx, a[1], 0, true);
  if (!id) return;
  int64_t entries_added = -1;
  StreamID max_xdel;
  for (size_t i = 2; i < a.size();) {
    size_t more = a.size() - 1 - i;
    if (EqualsIgnoreCase(a[i], "entriesadded") && more) {
      std::optional<int64_t> v = ParseInt64(a[i + 1]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      if (*v < 0) return ctx.reply().Error(errors::kEntriesAddedPositive);
      entries_added = *v;
      i += 2;
    } else if (EqualsIgnoreCase(a[i], "maxdeletedid") && more) {
      std::optional<StreamID> m = ParseIdOrReply(ctx, a[i + 1], 0, true);
      if (!m) return;
      if (*id < *m) return ctx.reply().Error(errors::kXsetidSmallerThanMaxDeleted);
      max_xdel = *m;
      i += 2;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  bool failed = false;
  StreamValue* s = LookupWrite(ctx, a[0], &failed);
  if (failed) return;
  if (s == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  if (s->length() > 0) {
    StreamID maxid;
    s->Range(StreamID{}, StreamID::Max(), true, 1, [&](const stream::EntryView& e) {
      maxid = e.id;
      return false;
    });
    if (*id < maxid) return ctx.reply().Error(errors::kXsetidSmallerThanTop);
    if (entries_added != -1 && s->length() > static_cast<uint64_t>(entries_added)) {
      return ctx.reply().Error(errors::kXsetidEntriesAdded);
    }
  }
  s->set_last_id(*id);
  if (entries_added != -1) s->set_entries_added(static_cast<uint64_t>(entries_added));
  if (!max_xdel.IsZero()) s->set_max_deleted_id(max_xdel);
  ctx.reply().Ok();
  ctx.AddDirty(1);
  ctx.Notify(kNotifyStream, "xsetid", a[0]);
}

CommandSpec XgroupSub(const char* name, int arity, CommandHandler handler, CmdFlag flags,
                      const char* acl = "@write @stream @slow") {
  return {.name = name,
          .arity = arity,
          .flags = flags,
          .first_key = name == std::string_view("xgroup|help") ? 0 : 2,
          .last_key = name == std::string_view("xgroup|help") ? 0 : 2,
          .step = name == std::string_view("xgroup|help") ? 0 : 1,
          .handler = handler,
          .acl_categories = acl};
}

}  // namespace

void RegisterStreamGroupCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add(
      {.name = "xgroup",
       .arity = -2,
       .handler = CmdXgroup,
       .acl_categories = "@slow",
       .subcommands = {
           XgroupSub("xgroup|create", -5, CmdXgroupCreate, F::kWrite | F::kDenyOom),
           XgroupSub("xgroup|setid", -5, CmdXgroupSetid, F::kWrite),
           XgroupSub("xgroup|destroy", 4, CmdXgroupDestroy, F::kWrite),
           XgroupSub("xgroup|createconsumer", 5, CmdXgroupCreateConsumer, F::kWrite | F::kDenyOom),
           XgroupSub("xgroup|delconsumer", 5, CmdXgroupDelConsumer, F::kWrite),
           XgroupSub("xgroup|help", 2, CmdXgroupHelp, F::kLoading | F::kStale, "@stream @slow"),
       }});
  table.Add({.name = "xack",
             .arity = -4,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXack,
             .acl_categories = "@write @stream @fast"});
  table.Add({.name = "xsetid",
             .arity = -3,
             .flags = F::kWrite | F::kDenyOom | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXsetid,
             .acl_categories = "@write @stream @fast"});
}

}  // namespace duet
