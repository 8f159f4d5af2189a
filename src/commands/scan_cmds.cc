// Keyspace iteration: KEYS and SCAN (keyspace/scan.h does the walking and filtering).
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/scan_args.h"
#include "keyspace/scan.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using F = CmdFlag;

void ReplyKeys(ReplyBuilder& reply, const std::vector<const Entry*>& keys) {
  reply.ArrayHeader(keys.size());
  for (const Entry* e : keys) reply.Bulk(e->key());
}

void CmdKeys(CommandContext& ctx, ArgReader& args) {
  std::vector<const Entry*> keys;
  MatchingKeys(ctx.db(), args.Next(), &keys);
  ReplyKeys(ctx.reply(), keys);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void CmdScan(CommandContext& ctx, ArgReader& args) {
  std::optional<uint64_t> cursor = ParseScanCursor(args.Next());
  if (!cursor) return ctx.reply().Error(errors::kInvalidCursor);
  ScanOptions opts;
  if (auto err = ParseScanOptions(args, /*allow_type=*/true, &opts)) {
    return ctx.reply().Error(*err);
  }
  ScanFilter filter{.pattern = opts.pattern, .type = opts.type};
  std::vector<const Entry*> keys;
  uint64_t next = ScanKeys(ctx.db(), *cursor, opts.count, filter, &keys);
  char buf[24];
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(FormatScanCursor(next, buf));
  ReplyKeys(ctx.reply(), keys);
}

}  // namespace

void RegisterScanCommands(CommandTable& table) {
  table.Add({.name = "keys",
             .arity = 2,
             .flags = F::kReadOnly,
             .handler = CmdKeys,
             .acl_categories = "@keyspace @read @slow @dangerous"});
  table.Add({.name = "scan",
             .arity = -2,
             .flags = F::kReadOnly,
             .handler = CmdScan,
             .acl_categories = "@keyspace @read @slow"});
}

}  // namespace duet
