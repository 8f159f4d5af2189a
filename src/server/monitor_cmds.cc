// MONITOR and the line format of the monitor feed. See monitor_cmds.h.
#include "server/monitor_cmds.h"

#include <cctype>
#include <cstdio>

#include "common/strutil.h"
#include "config/config_table.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

constexpr std::string_view kRedacted = "(redacted)";

void CmdMonitor(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  // A second MONITOR is ignored without a reply (Redis: "already slave or in monitor mode").
  if (c.is_monitor) return;
  c.is_monitor = true;
  sctx.server().monitors().push_back(c.id());
  ctx.reply().Ok();
}

}  // namespace

std::string MonitorLine(int64_t now_us, int db, std::string_view source,
                        std::span<const std::string_view> args) {
  char head[64];
  snprintf(head, sizeof(head), "+%lld.%06lld [%d ", static_cast<long long>(now_us / 1'000'000),
           static_cast<long long>(now_us % 1'000'000), db);
  std::string line = head;
  line += source;
  line += "]";
  for (std::string_view a : args) {
    line.push_back(' ');
    AppendRepr(line, a);
  }
  line += "\r\n";
  return line;
}

bool RedactArgs(const CommandSpec& spec, std::span<const std::string_view> args,
                std::vector<std::string_view>* out) {
  if (spec.name == "auth") {
    // authCommand checks the argument count first, then redacts every argument.
    if (args.size() > 3) return false;
    out->assign(args.begin(), args.end());
    for (size_t i = 1; i < out->size(); i++) (*out)[i] = kRedacted;
    return true;
  }
  if (spec.name == "acl|setuser") {
    // ACL SETUSER redacts the user name and every rule (passwords among them).
    out->assign(args.begin(), args.end());
    for (size_t i = 2; i < out->size(); i++) (*out)[i] = kRedacted;
    return true;
  }
  if (spec.name == "config|set") {
    // CONFIG SET requirepass/masterauth/TLS passphrases: the values never reach SLOWLOG.
    bool redacted = false;
    for (size_t j = 2; j + 1 < args.size(); j += 2) {
      if (!ConfigTable::IsSensitive(args[j])) continue;
      if (!redacted) out->assign(args.begin(), args.end());
      redacted = true;
      (*out)[j + 1] = kRedacted;
    }
    return redacted;
  }
  if (spec.name != "hello" || args.size() < 2) return false;
  // helloCommand validates the protocol version before looking at the options.
  std::optional<int64_t> ver = ParseInt64(args[1]);
  if (!ver || *ver < 2 || *ver > 3) return false;
  bool redacted = false;
  for (size_t j = 2; j < args.size(); j++) {
    size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "AUTH") && more >= 2) {
      if (!redacted) out->assign(args.begin(), args.end());
      redacted = true;
      (*out)[j + 1] = kRedacted;
      (*out)[j + 2] = kRedacted;
      j += 2;
    } else if (EqualsIgnoreCase(args[j], "SETNAME") && more >= 1) {
      j++;
    } else {
      break;  // syntax error: helloCommand returns here
    }
  }
  return redacted;
}

void RegisterMonitorCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "monitor",
             .arity = 1,
             .flags = F::kAdmin | F::kNoScript | F::kLoading | F::kStale,
             .handler = CmdMonitor,
             .acl_categories = "@admin @slow @dangerous"});
}

}  // namespace duet
