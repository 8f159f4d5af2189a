#include "commands/scan_args.h"

#include <cstdio>

#include "common/strutil.h"
#include "protocol/errors.h"

namespace duet {

std::optional<std::string_view> ParseScanOptions(ArgReader& args, bool allow_type,
                                                 ScanOptions* out) {
  while (args.HasNext()) {
    std::string_view opt = args.Next();
    if (!args.HasNext()) return errors::kSyntax;  // every option has a value
    if (EqualsIgnoreCase(opt, "count")) {
      std::optional<int64_t> n = ParseInt64(args.Next());
      if (!n) return errors::kNotInteger;
      if (*n < 1) return errors::kSyntax;
      out->count = static_cast<size_t>(*n);
    } else if (EqualsIgnoreCase(opt, "match")) {
      out->pattern = args.Next();
    } else if (allow_type && EqualsIgnoreCase(opt, "type")) {
      out->type = args.Next();
    } else {
      return errors::kSyntax;
    }
  }
  return std::nullopt;
}

std::string_view FormatScanCursor(uint64_t cursor, char* buf) {
  int len = snprintf(buf, 21, "%llu", static_cast<unsigned long long>(cursor));
  return {buf, static_cast<size_t>(len)};
}

}  // namespace duet
