// Keyspace iteration: KEYS and SCAN (keyspace/scan.h does the walking and filtering).
#include <cstdio>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
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
  ScanFilter filter;
  int64_t count = 10;
  while (args.HasNext()) {
    std::string_view opt = args.Next();
    if (!args.HasNext()) return ctx.reply().Error(errors::kSyntax);  // every option has a value
    if (EqualsIgnoreCase(opt, "count")) {
      std::optional<int64_t> n = ParseInt64(args.Next());
      if (!n) return ctx.reply().Error(errors::kNotInteger);
      if (*n < 1) return ctx.reply().Error(errors::kSyntax);
      count = *n;
    } else if (EqualsIgnoreCase(opt, "match")) {
      filter.pattern = args.Next();
    } else if (EqualsIgnoreCase(opt, "type")) {
      filter.type = args.Next();
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  std::vector<const Entry*> keys;
  uint64_t next = ScanKeys(ctx.db(), *cursor, static_cast<size_t>(count), filter, &keys);
  char buf[24];
  int len = snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(next));
  ctx.reply().ArrayHeader(2);
  ctx.reply().Bulk(std::string_view(buf, static_cast<size_t>(len)));
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
