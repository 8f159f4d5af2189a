// SETBIT GETBIT BITCOUNT BITPOS BITOP: parse arguments, look strings up through
// types/string_storage.h, apply types/bitmap_type.h, reply. BITFIELD is in bitfield_cmds.cc.
//
// Argument checks happen in Redis's order, which is visible to clients: SETBIT/GETBIT parse
// their arguments before looking the key up, while BITCOUNT and BITPOS (in 7.0) look the key
// up first and answer 0 / -1 for a missing key without validating the range arguments.
#include <array>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/bitmap_type.h"
#include "types/string_storage.h"

namespace duet {

namespace {

void CmdSetBit(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  std::optional<uint64_t> offset =
      bitmap::ParseBitOffset(args.Next(), 0, ctx.config().proto_max_bulk_len);
  if (!offset) return ctx.reply().Error(errors::kBitOffset);
  std::optional<int64_t> on = ParseInt64(args.Next());
  if (!on || (*on & ~int64_t{1})) return ctx.reply().Error(errors::kBitValue);

  bool grown = false;
  Result<Entry*> e = strings::GetForWrite(ctx.db(), key, (*offset >> 3) + 1, &grown);
  if (!e.ok()) return ctx.reply().Error(e.status());
  bool old = bitmap::SetBit((*e)->mutable_str(), *offset, *on);
  // Like Redis, a write that neither creates, lengthens nor flips anything is not a change.
  if (grown || old != (*on == 1)) ctx.KeyModified(key, kNotifyString, "setbit");
  ctx.reply().Integer(old);
}

void CmdGetBit(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  std::optional<uint64_t> offset =
      bitmap::ParseBitOffset(args.Next(), 0, ctx.config().proto_max_bulk_len);
  if (!offset) return ctx.reply().Error(errors::kBitOffset);
  Result<const Entry*> e = strings::Get(ctx.db(), key);
  if (!e.ok()) return ctx.reply().Error(e.status());
  ctx.reply().Integer(*e && bitmap::GetBit((*e)->str(), *offset));
}

// Parses the optional trailing BYTE|BIT of BITCOUNT/BITPOS; replies a syntax error if bad.
bool ParseUnit(CommandContext& ctx, std::string_view arg, bitmap::RangeUnit* unit) {
  std::optional<bitmap::RangeUnit> u = bitmap::ParseRangeUnit(arg);
  if (!u) {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  *unit = *u;
  return true;
}

void CmdBitCount(CommandContext& ctx, ArgReader& args) {
  Result<const Entry*> e = strings::Get(ctx.db(), args.Next());
  if (!e.ok()) return ctx.reply().Error(e.status());
  if (!*e) return ctx.reply().Integer(0);
  std::string_view s = (*e)->str();
  if (!args.HasNext()) return ctx.reply().Integer(static_cast<int64_t>(bitmap::Popcount(s)));
  if (args.Remaining() != 2 && args.Remaining() != 3) return ctx.reply().Error(errors::kSyntax);
  std::optional<int64_t> start = ParseInt64(args.Next());
  if (!start) return ctx.reply().Error(errors::kNotInteger);
  std::optional<int64_t> end = ParseInt64(args.Next());
  if (!end) return ctx.reply().Error(errors::kNotInteger);
  // Redis answers a reversed all-negative range before it looks at the unit.
  if (*start < 0 && *end < 0 && *start > *end) return ctx.reply().Integer(0);
  bitmap::RangeUnit unit = bitmap::RangeUnit::kByte;
  if (args.HasNext() && !ParseUnit(ctx, args.Next(), &unit)) return;
  ctx.reply().Integer(static_cast<int64_t>(bitmap::CountRange(s, *start, *end, unit)));
}

void CmdBitPos(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args.Next();
  std::optional<int64_t> bit = ParseInt64(args.Next());
  if (!bit) return ctx.reply().Error(errors::kNotInteger);
  if (*bit != 0 && *bit != 1) return ctx.reply().Error(errors::kBitArgument);
  Result<const Entry*> e = strings::Get(ctx.db(), key);
  if (!e.ok()) return ctx.reply().Error(e.status());
  // A missing key is an endless run of zeros.
  if (!*e) return ctx.reply().Integer(*bit ? -1 : 0);
  std::string_view s = (*e)->str();
  if (!args.HasNext()) return ctx.reply().Integer(bitmap::FindBit(s, *bit));
  if (args.Remaining() > 3) return ctx.reply().Error(errors::kSyntax);
  std::optional<int64_t> start = ParseInt64(args.Next());
  if (!start) return ctx.reply().Error(errors::kNotInteger);
  // Redis checks the unit before it parses `end`.
  bitmap::RangeUnit unit = bitmap::RangeUnit::kByte;
  if (args.Remaining() == 2 && !ParseUnit(ctx, args[args.Position() + 1], &unit)) return;
  std::optional<int64_t> end;
  if (args.HasNext()) {
    end = ParseInt64(args.Next());
    if (!end) return ctx.reply().Error(errors::kNotInteger);
  }
  ctx.reply().Integer(bitmap::FindBit(s, *bit, *start, end, unit));
}

void CmdBitOp(CommandContext& ctx, ArgReader& args) {
  std::optional<bitmap::BitOpKind> op = bitmap::ParseBitOp(args.Next());
  if (!op) return ctx.reply().Error(errors::kSyntax);
  std::string_view dest = args.Next();
  if (*op == bitmap::BitOpKind::kNot && args.Remaining() != 1) {
    return ctx.reply().Error(errors::kBitOpNotArity);
  }

  // Source views stay valid until the destination is written (lookups only expire other keys,
  // which never moves a live entry).
  std::array<std::string_view, 16> inline_srcs;
  std::vector<std::string_view> heap_srcs;
  std::span<std::string_view> srcs(inline_srcs.data(), args.Remaining());
  if (args.Remaining() > inline_srcs.size()) {
    heap_srcs.resize(args.Remaining());
    srcs = heap_srcs;
  }
  size_t max_len = 0;
  for (std::string_view& src : srcs) {
    Result<const Entry*> e = strings::Get(ctx.db(), args.Next());
    if (!e.ok()) return ctx.reply().Error(e.status());
    src = *e ? (*e)->str() : std::string_view();
    max_len = std::max(max_len, src.size());
  }

  Db& db = ctx.db();
  if (max_len == 0) {
    if (db.Delete(dest)) ctx.KeyModified(dest, kNotifyGeneric, "del");
    return ctx.reply().Integer(0);
  }
  // The result replaces whatever `dest` held (any type, and its TTL), as SET would.
  Entry* result = Entry::NewStringWithCapacity(dest, {}, max_len, Entry::kNoExpire);
  result->set_str_len(max_len);
  bitmap::BitOp(*op, srcs, std::span<char>(result->mutable_str(), max_len));
  db.Upsert(result);
  ctx.KeyModified(dest, kNotifyString, "set");
  ctx.reply().Integer(static_cast<int64_t>(max_len));
}

}  // namespace

void RegisterBitmapCommands(CommandTable& table) {
  using enum CmdFlag;
  table.Add({.name = "setbit",
             .arity = 4,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdSetBit,
             .acl_categories = "@write @bitmap @slow"});
  table.Add({.name = "getbit",
             .arity = 3,
             .flags = kReadOnly | kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdGetBit,
             .acl_categories = "@read @bitmap @fast"});
  table.Add({.name = "bitcount",
             .arity = -2,
             .flags = kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdBitCount,
             .acl_categories = "@read @bitmap @slow"});
  table.Add({.name = "bitpos",
             .arity = -3,
             .flags = kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdBitPos,
             .acl_categories = "@read @bitmap @slow"});
  table.Add({.name = "bitop",
             .arity = -4,
             .flags = kWrite | kDenyOom,
             .first_key = 2,
             .last_key = -1,
             .step = 1,
             .handler = CmdBitOp,
             .acl_categories = "@write @bitmap @slow"});
}

}  // namespace duet
