// HGET HMGET HEXISTS HLEN HSTRLEN HKEYS HVALS HGETALL HRANDFIELD HSCAN: parse, call
// types/hash_type.h, reply.
#include <vector>

#include "commands/hash_cmds.h"
#include "commands/scan_args.h"
#include "common/glob.h"
#include "keyspace/scan.h"
#include "protocol/errors.h"
#include "types/hash_type.h"

namespace duet::hash_cmds {

namespace {

using hashes::HashView;
using hashes::NumBuf;

void BulkValue(ReplyBuilder& reply, const lp::Value& v) {
  char buf[24];
  reply.Bulk(v.View(buf));
}

}  // namespace

void CmdHget(CommandContext& ctx, ArgReader& args) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  NumBuf num;
  std::optional<std::string_view> v;
  if (h->has_value()) v = (*h)->Get(args[1], num);
  if (!v) return ctx.reply().Null();
  ctx.reply().Bulk(*v);
}

void CmdHmget(CommandContext& ctx, ArgReader& args) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  ctx.reply().ArrayHeader(args.size() - 1);
  NumBuf num;
  for (size_t i = 1; i < args.size(); i++) {
    std::optional<std::string_view> v;
    if (h->has_value()) v = (*h)->Get(args[i], num);
    if (v) {
      ctx.reply().Bulk(*v);
    } else {
      ctx.reply().Null();
    }
  }
}

void CmdHexists(CommandContext& ctx, ArgReader& args) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  ctx.reply().Integer(h->has_value() && (*h)->Exists(args[1]) ? 1 : 0);
}

void CmdHlen(CommandContext& ctx, ArgReader& args) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  ctx.reply().Integer(h->has_value() ? static_cast<int64_t>((*h)->Length()) : 0);
}

void CmdHstrlen(CommandContext& ctx, ArgReader& args) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  NumBuf num;
  std::optional<std::string_view> v;
  if (h->has_value()) v = (*h)->Get(args[1], num);
  ctx.reply().Integer(v ? static_cast<int64_t>(v->size()) : 0);
}

namespace {

enum class Part { kKeys, kValues, kBoth };

void GetAll(CommandContext& ctx, ArgReader& args, Part part) {
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return ctx.reply().Error(h.status());
  ReplyBuilder& reply = ctx.reply();
  size_t n = h->has_value() ? (*h)->Length() : 0;
  if (part == Part::kBoth) {
    reply.MapHeader(n);
  } else {
    reply.ArrayHeader(n);
  }
  if (n == 0) return;
  (*h)->ForEach([&](std::string_view f, std::string_view v) {
    if (part != Part::kValues) reply.Bulk(f);
    if (part != Part::kKeys) reply.Bulk(v);
  });
}

}  // namespace

void CmdHkeys(CommandContext& ctx, ArgReader& args) { GetAll(ctx, args, Part::kKeys); }
void CmdHvals(CommandContext& ctx, ArgReader& args) { GetAll(ctx, args, Part::kValues); }
void CmdHgetall(CommandContext& ctx, ArgReader& args) { GetAll(ctx, args, Part::kBoth); }

// HRANDFIELD key [count [WITHVALUES]]: the count is parsed (and WITHVALUES checked) before
// the key is looked up, as Redis does.
void CmdHrandfield(CommandContext& ctx, ArgReader& args) {
  ReplyBuilder& reply = ctx.reply();
  hashes::RandomSource rnd = [&ctx] { return ctx.keyspace().NextRandom(); };
  if (args.size() == 1) {
    Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
    if (!h.ok()) return reply.Error(h.status());
    if (!h->has_value()) return reply.Null();
    BulkValue(reply, hashes::RandomField(**h, rnd).field);
    return;
  }
  std::optional<int64_t> count = ParseInt64(args[1]);
  if (!count) return reply.Error(errors::kNotInteger);
  if (*count == INT64_MIN) return reply.Error(errors::kLongOutOfRange);
  bool with_values = false;
  if (args.size() > 3 || (args.size() == 3 && !EqualsIgnoreCase(args[2], "withvalues"))) {
    return reply.Error(errors::kSyntax);
  }
  if (args.size() == 3) {
    with_values = true;
    if (*count < -(INT64_MAX / 2) || *count > INT64_MAX / 2) {
      return reply.Error(errors::kValueOutOfRange);
    }
  }
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return reply.Error(h.status());
  if (!h->has_value() || *count == 0) return reply.ArrayHeader(0);
  uint64_t picks =
      *count < 0 ? static_cast<uint64_t>(-*count) : std::min<uint64_t>(*count, (*h)->Length());
  bool nested = with_values && reply.resp3();
  reply.ArrayHeader(with_values && !nested ? picks * 2 : picks);
  hashes::RandomFields(**h, *count, rnd, [&](const hashes::PickedField& p) {
    if (nested) reply.ArrayHeader(2);
    BulkValue(reply, p.field);
    if (with_values) BulkValue(reply, p.value);
  });
}

// HSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the key
// (a missing key answers an empty scan before the options are parsed), then the options.
void CmdHscan(CommandContext& ctx, ArgReader& args) {
  ReplyBuilder& reply = ctx.reply();
  std::optional<uint64_t> cursor = ParseScanCursor(args[1]);
  if (!cursor) return reply.Error(errors::kInvalidCursor);
  Result<std::optional<HashView>> h = hashes::FindForRead(ctx.db(), args[0]);
  if (!h.ok()) return reply.Error(h.status());
  if (!h->has_value()) {
    reply.ArrayHeader(2);
    reply.Bulk("0");
    reply.ArrayHeader(0);
    return;
  }
  args.Next();
  args.Next();
  ScanOptions opts;
  if (auto err = ParseScanOptions(args, /*allow_type=*/false, &opts)) return reply.Error(*err);
  bool filter = opts.pattern != "*";
  // Copies: a listpack's integers are formatted into scratch space reused per element.
  std::vector<std::string> out;
  uint64_t next = (*h)->Scan(*cursor, opts.count, [&](std::string_view f, std::string_view v) {
    if (filter && !GlobMatch(opts.pattern, f)) return;
    out.emplace_back(f);
    out.emplace_back(v);
  });
  char buf[24];
  reply.ArrayHeader(2);
  reply.Bulk(FormatScanCursor(next, buf));
  reply.ArrayHeader(out.size());
  for (const std::string& s : out) reply.Bulk(s);
}

}  // namespace duet::hash_cmds
