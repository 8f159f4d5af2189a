// SORT and SORT_RO: parse Redis 7.0's SQL-like options, call types/sort.h, reply.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/sort.h"

namespace duet {

namespace {

using F = CmdFlag;

// Options in any order, as sortCommandGeneric parses them: a word that is not an option, or
// an option missing its arguments, is a syntax error; a LIMIT value that is not an integer
// is "not an integer". STORE is an unknown word for SORT_RO. Options are checked before the
// key's type.
void SortGeneric(CommandContext& ctx, ArgReader& args, bool readonly) {
  std::string_view key = args[0];
  sorting::SortParams params;
  for (size_t j = 1; j < args.size(); j++) {
    std::string_view opt = args[j];
    size_t left = args.size() - j - 1;
    if (EqualsIgnoreCase(opt, "asc")) {
      params.desc = false;
    } else if (EqualsIgnoreCase(opt, "desc")) {
      params.desc = true;
    } else if (EqualsIgnoreCase(opt, "alpha")) {
      params.alpha = true;
    } else if (EqualsIgnoreCase(opt, "limit") && left >= 2) {
      std::optional<int64_t> offset = ParseInt64(args[j + 1]);
      std::optional<int64_t> count = offset ? ParseInt64(args[j + 2]) : std::nullopt;
      if (!count) return ctx.reply().Error(errors::kNotInteger);
      params.limit_start = *offset;
      params.limit_count = *count;
      j += 2;
    } else if (!readonly && EqualsIgnoreCase(opt, "store") && left >= 1) {
      params.store = args[++j];
    } else if (EqualsIgnoreCase(opt, "by") && left >= 1) {
      params.by = args[++j];
      // A real pattern reads keys no key spec names: the user must be able to read any key.
      if (params.by->find('*') != std::string_view::npos && !ctx.MayReadAnyKey()) {
        return ctx.reply().Error(errors::kSortByDenied);
      }
    } else if (EqualsIgnoreCase(opt, "get") && left >= 1) {
      if (!ctx.MayReadAnyKey()) return ctx.reply().Error(errors::kSortGetDenied);
      params.gets.push_back(args[++j]);
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  params.from_script = ctx.FromScript();
  Result<sorting::SortResult> r = sorting::Sort(ctx.db(), key, params);
  if (!r.ok()) return ctx.reply().Error(r.status());
  if (r->bad_score) return ctx.reply().Error(errors::kSortScore);
  if (params.store) {
    std::string_view dst = *params.store;
    size_t n = r->rows.size();
    if (sorting::StoreList(ctx.db(), ctx.config(), dst, r->rows)) {
      if (n > 0) {
        ctx.KeyModified(dst, kNotifyList, "sortstore");
      } else {
        ctx.KeyModified(dst, kNotifyGeneric, "del");
      }
      if (n > 1) ctx.AddDirty(n - 1);
    }
    return ctx.reply().Integer(static_cast<int64_t>(n));
  }
  ctx.reply().ArrayHeader(r->rows.size());
  for (const std::optional<std::string>& row : r->rows) {
    if (row) {
      ctx.reply().Bulk(*row);
    } else {
      ctx.reply().Null();
    }
  }
}

void CmdSort(CommandContext& ctx, ArgReader& args) { SortGeneric(ctx, args, false); }
void CmdSortRo(CommandContext& ctx, ArgReader& args) { SortGeneric(ctx, args, true); }

}  // namespace

void RegisterSortCommands(CommandTable& table) {
  table.Add({.name = "sort",
             .arity = -2,
             .flags = F::kWrite | F::kDenyOom,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdSort,
             .acl_categories = "@write @set @sortedset @list @slow @dangerous"});
  table.Add({.name = "sort_ro",
             .arity = -2,
             .flags = F::kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdSortRo,
             .acl_categories = "@read @set @sortedset @list @slow @dangerous"});
}

}  // namespace duet
