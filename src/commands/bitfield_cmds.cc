// BITFIELD and BITFIELD_RO: integer fields of arbitrary width inside a string.
//
// The subcommand list is walked twice: once to validate every argument (Redis answers an
// error before touching the key if any subcommand is malformed) and to find how long the
// string must be, then again to execute. Re-parsing a few arguments is cheaper than
// allocating an array of operations per call.
#include <algorithm>
#include <span>

#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/bitmap_type.h"
#include "types/string_storage.h"

namespace duet {

namespace {

using bitmap::FieldOp;

struct FieldCall {
  FieldOp op;  // kGet, kSet or kIncrBy
  bitmap::FieldType type;
  uint64_t offset;
  int64_t value;  // SET value or INCRBY increment
  bitmap::Overflow overflow;
};

// Walks the subcommands in `a`, calling fn(const FieldCall&) for each GET/SET/INCRBY with
// the OVERFLOW policy in force at that point. Returns the error to reply, or an empty view
// when every subcommand parsed.
template <typename Fn>
std::string_view WalkCalls(std::span<const std::string_view> a, int64_t max_bytes, Fn&& fn) {
  bitmap::Overflow overflow = bitmap::Overflow::kWrap;
  for (size_t j = 0; j < a.size(); j++) {
    size_t remaining = a.size() - j - 1;
    std::optional<FieldOp> op = bitmap::ParseFieldOp(a[j]);
    size_t needed = !op ? 0 : *op == FieldOp::kGet ? 2 : *op == FieldOp::kOverflow ? 1 : 3;
    if (!op || remaining < needed) return errors::kSyntax;
    if (*op == FieldOp::kOverflow) {
      std::optional<bitmap::Overflow> ow = bitmap::ParseOverflow(a[++j]);
      if (!ow) return errors::kBitfieldOverflow;
      overflow = *ow;
      continue;
    }
    FieldCall call{*op, {}, 0, 0, overflow};
    std::optional<bitmap::FieldType> type = bitmap::ParseFieldType(a[j + 1]);
    if (!type) return errors::kBitfieldType;
    call.type = *type;
    std::optional<uint64_t> offset = bitmap::ParseBitOffset(a[j + 2], type->bits, max_bytes);
    if (!offset) return errors::kBitOffset;
    call.offset = *offset;
    if (*op != FieldOp::kGet) {
      std::optional<int64_t> value = ParseInt64(a[j + 3]);
      if (!value) return errors::kNotInteger;
      call.value = *value;
    }
    fn(call);
    j += needed;
  }
  return {};
}

void Bitfield(CommandContext& ctx, ArgReader& args, bool read_only_cmd) {
  std::string_view key = args.Next();
  std::span<const std::string_view> subcmds = args.Rest();
  const int64_t max_bytes = ctx.config().proto_max_bulk_len;

  size_t ncalls = 0;
  bool writes = false;
  uint64_t highest_bit = 0;  // last bit any SET/INCRBY touches
  std::string_view err = WalkCalls(subcmds, max_bytes, [&](const FieldCall& c) {
    ncalls++;
    if (c.op == FieldOp::kGet) return;
    writes = true;
    highest_bit = std::max(highest_bit, c.offset + c.type.bits - 1);
  });
  if (!err.empty()) return ctx.reply().Error(err);

  Entry* entry = nullptr;  // the string, when the key exists (or was created for writing)
  bool grown = false;
  if (!writes) {
    Result<const Entry*> e = strings::Get(ctx.db(), key);
    if (!e.ok()) return ctx.reply().Error(e.status());
    entry = const_cast<Entry*>(*e);
  } else {
    if (read_only_cmd) return ctx.reply().Error(errors::kBitfieldReadOnly);
    // The string is extended up front, even if an OVERFLOW FAIL later skips every write.
    Result<Entry*> e = strings::GetForWrite(ctx.db(), key, (highest_bit >> 3) + 1, &grown);
    if (!e.ok()) return ctx.reply().Error(e.status());
    entry = *e;
  }

  ctx.reply().ArrayHeader(ncalls);
  uint64_t changes = 0;
  WalkCalls(subcmds, max_bytes, [&](const FieldCall& c) {
    std::string_view s = entry ? entry->str() : std::string_view();
    int64_t old = bitmap::GetField(s, c.offset, c.type);
    if (c.op == FieldOp::kGet) return ctx.reply().Integer(old);
    std::optional<int64_t> stored = c.op == FieldOp::kSet
                                        ? bitmap::FieldSet(c.type, c.value, c.overflow)
                                        : bitmap::FieldIncr(c.type, old, c.value, c.overflow);
    if (!stored) return ctx.reply().Null();  // OVERFLOW FAIL: nothing written
    bitmap::SetField(entry->mutable_str(), c.offset, c.type, *stored);
    if (grown || *stored != old) changes++;
    ctx.reply().Integer(c.op == FieldOp::kSet ? old : *stored);
  });
  if (changes) {
    ctx.KeyModified(key, kNotifyString, "setbit");
    ctx.AddDirty(changes - 1);
  }
}

void CmdBitfield(CommandContext& ctx, ArgReader& args) { Bitfield(ctx, args, false); }
void CmdBitfieldRo(CommandContext& ctx, ArgReader& args) { Bitfield(ctx, args, true); }

}  // namespace

void RegisterBitfieldCommands(CommandTable& table) {
  using enum CmdFlag;
  table.Add({.name = "bitfield",
             .arity = -2,
             .flags = kWrite | kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdBitfield,
             .acl_categories = "@write @bitmap @slow"});
  table.Add({.name = "bitfield_ro",
             .arity = -2,
             .flags = kReadOnly | kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdBitfieldRo,
             .acl_categories = "@read @bitmap @fast"});
}

}  // namespace duet
