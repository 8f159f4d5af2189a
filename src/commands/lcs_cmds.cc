// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: look up, parse, call
// types/lcs.h, reply.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/lcs.h"

namespace duet {

namespace {

void CmdLcs(CommandContext& ctx, ArgReader& args) {
  Db& db = ctx.db();
  // Both keys are looked up (and counted as hits/misses) before either is type-checked.
  const Entry* ea = db.FindRead(args[0]);
  const Entry* eb = db.FindRead(args[1]);
  if ((ea && ea->type() != ValueType::kString) || (eb && eb->type() != ValueType::kString)) {
    return ctx.reply().Error(errors::kLcsNotStrings);
  }
  std::string_view a = ea ? ea->str() : std::string_view();
  std::string_view b = eb ? eb->str() : std::string_view();

  bool idx = false, len = false, with_match_len = false;
  int64_t min_match_len = 0;
  std::span<const std::string_view> opts = args.All().subspan(2);
  for (size_t j = 0; j < opts.size(); j++) {
    if (EqualsWord(opts[j], "IDX")) {
      idx = true;
    } else if (EqualsWord(opts[j], "LEN")) {
      len = true;
    } else if (EqualsWord(opts[j], "WITHMATCHLEN")) {
      with_match_len = true;
    } else if (EqualsWord(opts[j], "MINMATCHLEN") && j + 1 < opts.size()) {
      std::optional<int64_t> v = ParseInt64(opts[++j]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      min_match_len = *v < 0 ? 0 : *v;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (idx && len) return ctx.reply().Error(errors::kLcsIdxAndLen);

  lcs::Options options;
  options.want_sequence = !idx && !len;
  options.want_matches = idx;
  options.min_match_len = static_cast<uint64_t>(min_match_len);
  options.max_table_bytes = static_cast<uint64_t>(ctx.config().proto_max_bulk_len);
  lcs::Result result;
  switch (lcs::Compute(a, b, options, &result)) {
    case lcs::Status::kTooLong:
      return ctx.reply().Error(errors::kLcsTooLong);
    case lcs::Status::kNoMemory:
      return ctx.reply().Error(errors::kLcsNoMemory);
    case lcs::Status::kOverLimit:
      return ctx.reply().Error(errors::kLcsOverBulkLimit);
    case lcs::Status::kOk:
      break;
  }

  ReplyBuilder& r = ctx.reply();
  if (idx) {
    r.MapHeader(2);
    r.Bulk("matches");
    r.ArrayHeader(result.matches.size());
    for (const lcs::Match& m : result.matches) {
      r.ArrayHeader(with_match_len ? 3 : 2);
      r.ArrayHeader(2);
      r.Integer(m.a_start);
      r.Integer(m.a_end);
      r.ArrayHeader(2);
      r.Integer(m.b_start);
      r.Integer(m.b_end);
      if (with_match_len) r.Integer(m.length());
    }
    r.Bulk("len");
    r.Integer(result.length);
  } else if (len) {
    r.Integer(result.length);
  } else {
    r.Bulk(result.sequence);
  }
}

}  // namespace

void RegisterLcsCommands(CommandTable& table) {
  table.Add({.name = "lcs",
             .arity = -3,
             .flags = CmdFlag::kReadOnly,
             .first_key = 1,
             .last_key = 2,
             .step = 1,
             .handler = CmdLcs,
             .acl_categories = "@read @string @slow"});
}

}  // namespace duet
