// SADD SREM SISMEMBER SMISMEMBER SCARD SMEMBERS SMOVE SSCAN: parse, call types/set_*.h,
// reply. Random picks (SPOP SRANDMEMBER) are in set_random_cmds.cc, the algebra in
// set_algebra_cmds.cc.
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/scan_args.h"
#include "commands/set_random_cmds.h"
#include "common/glob.h"
#include "keyspace/scan.h"
#include "protocol/errors.h"
#include "types/set_ops.h"

namespace duet {

namespace {

using F = CmdFlag;

size_t MaxIntset(CommandContext& ctx) {
  return static_cast<size_t>(ctx.config().set_max_intset_entries);
}

void CmdSAdd(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  Result<SetValue*> set = sets::FindOrCreate(ctx.db(), key, args[1]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  size_t max_intset = MaxIntset(ctx);
  int64_t added = 0;
  for (size_t i = 1; i < args.size(); i++) added += (*set)->Add(args[i], max_intset);
  if (added) {
    ctx.KeyModified(key, kNotifySet, "sadd");
    ctx.AddDirty(added - 1);
  }
  ctx.reply().Integer(added);
}

void CmdSRem(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  Result<SetValue*> set = sets::FindForWrite(ctx.db(), key);
  if (!set.ok()) return ctx.reply().Error(set.status());
  if (!*set) return ctx.reply().Integer(0);
  int64_t removed = 0;
  for (size_t i = 1; i < args.size(); i++) {
    removed += (*set)->Remove(args[i]);
    if ((*set)->size() == 0) {
      ctx.db().Delete(key);
      break;
    }
  }
  if (removed) {
    ctx.KeyModified(key, kNotifySet, "srem");
    ctx.NotifyDelIfGone(key);
    ctx.AddDirty(removed - 1);
  }
  ctx.reply().Integer(removed);
}

void CmdSIsMember(CommandContext& ctx, ArgReader& args) {
  Result<SetValue*> set = sets::FindForRead(ctx.db(), args[0]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  ctx.reply().Integer(*set && (*set)->Contains(args[1]) ? 1 : 0);
}

void CmdSMIsMember(CommandContext& ctx, ArgReader& args) {
  Result<SetValue*> set = sets::FindForRead(ctx.db(), args[0]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t i = 1; i < args.size(); i++) {
    ctx.reply().Integer(*set && (*set)->Contains(args[i]) ? 1 : 0);
  }
}

void CmdSCard(CommandContext& ctx, ArgReader& args) {
  Result<SetValue*> set = sets::FindForRead(ctx.db(), args[0]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  ctx.reply().Integer(*set ? static_cast<int64_t>((*set)->size()) : 0);
}

// SMEMBERS is SINTER of one key in Redis 7.0: a set reply in RESP3.
void CmdSMembers(CommandContext& ctx, ArgReader& args) {
  Result<SetValue*> set = sets::FindForRead(ctx.db(), args[0]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  if (!*set) return ctx.reply().SetHeader(0);
  ctx.reply().SetHeader((*set)->size());
  (*set)->ForEach([&](std::string_view m) { ctx.reply().Bulk(m); });
}

// SMOVE source destination member, with Redis's checks in order: a missing source is 0
// whatever the destination holds; then both types; source == destination only tests
// membership.
void CmdSMove(CommandContext& ctx, ArgReader& args) {
  std::string_view src_key = args[0], dst_key = args[1], member = args[2];
  Db& db = ctx.db();
  Result<SetValue*> src = sets::FindForWrite(db, src_key);
  if (src.ok() && !*src) return ctx.reply().Integer(0);
  if (!src.ok()) return ctx.reply().Error(src.status());
  Result<SetValue*> dst = sets::FindForWrite(db, dst_key);
  if (!dst.ok()) return ctx.reply().Error(dst.status());
  if (*src == *dst) return ctx.reply().Integer((*src)->Contains(member) ? 1 : 0);
  if (!(*src)->Remove(member)) return ctx.reply().Integer(0);
  ctx.Notify(kNotifySet, "srem", src_key);
  if ((*src)->size() == 0) {
    db.Delete(src_key);
    ctx.Notify(kNotifyGeneric, "del", src_key);
  }
  Result<SetValue*> target = *dst;
  if (!*dst) target = sets::FindOrCreate(db, dst_key, member);
  ctx.KeyModified(src_key);
  if ((*target)->Add(member, MaxIntset(ctx))) ctx.KeyModified(dst_key, kNotifySet, "sadd");
  ctx.reply().Integer(1);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the
// key (a missing key is an empty scan whatever the options), then the options.
void CmdSScan(CommandContext& ctx, ArgReader& args) {
  std::optional<uint64_t> cursor = ParseScanCursor(args[1]);
  if (!cursor) return ctx.reply().Error(errors::kInvalidCursor);
  Result<SetValue*> set = sets::FindForRead(ctx.db(), args[0]);
  if (!set.ok()) return ctx.reply().Error(set.status());
  ReplyBuilder& reply = ctx.reply();
  if (!*set) {
    reply.ArrayHeader(2);
    reply.Bulk("0");
    return reply.ArrayHeader(0);
  }
  args.Next();
  args.Next();
  ScanOptions opts;
  if (auto err = ParseScanOptions(args, /*allow_type=*/false, &opts)) return reply.Error(*err);
  bool match_all = opts.pattern == "*";
  std::vector<std::string> found;
  uint64_t next = (*set)->Scan(*cursor, opts.count, [&](std::string_view m) {
    if (match_all || GlobMatch(opts.pattern, m)) found.emplace_back(m);
  });
  char buf[24];
  reply.ArrayHeader(2);
  reply.Bulk(FormatScanCursor(next, buf));
  reply.ArrayHeader(found.size());
  for (const std::string& m : found) reply.Bulk(m);
}

// A set command whose keys are arguments first_key..last_key.
CommandSpec SetSpec(std::string name, int arity, CmdFlag flags, CommandHandler handler,
                    std::string acl, int last_key = 1) {
  return {.name = std::move(name),
          .arity = arity,
          .flags = flags,
          .first_key = 1,
          .last_key = last_key,
          .step = 1,
          .handler = handler,
          .acl_categories = std::move(acl)};
}

}  // namespace

void RegisterSetCommands(CommandTable& table) {
  const CmdFlag write_fast = F::kWrite | F::kFast, read_fast = F::kReadOnly | F::kFast;
  table.Add(SetSpec("sadd", -3, write_fast | F::kDenyOom, CmdSAdd, "@write @set @fast"));
  table.Add(SetSpec("srem", -3, write_fast, CmdSRem, "@write @set @fast"));
  table.Add(SetSpec("sismember", 3, read_fast, CmdSIsMember, "@read @set @fast"));
  table.Add(SetSpec("smismember", -3, read_fast, CmdSMIsMember, "@read @set @fast"));
  table.Add(SetSpec("scard", 2, read_fast, CmdSCard, "@read @set @fast"));
  table.Add(SetSpec("smembers", 2, F::kReadOnly, CmdSMembers, "@read @set @slow"));
  table.Add(SetSpec("smove", 4, write_fast, CmdSMove, "@write @set @fast", /*last_key=*/2));
  table.Add(SetSpec("sscan", -3, F::kReadOnly, CmdSScan, "@read @set @slow"));
  table.Add(SetSpec("spop", -2, write_fast, CmdSPop, "@write @set @fast"));
  table.Add(SetSpec("srandmember", -2, F::kReadOnly, CmdSRandMember, "@read @set @slow"));
}

}  // namespace duet
