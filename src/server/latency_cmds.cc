// LATENCY DOCTOR | GRAPH | HISTORY | LATEST | RESET | HISTOGRAM | HELP (Redis's latency.c).
// The monitor itself is common/latency_monitor.h, fed by the server (command durations,
// expiry, eviction); HISTOGRAM reads the per-command histograms of INFO latencystats.
#include <string>
#include <vector>

#include "commands/help_reply.h"
#include "common/latency_histogram.h"
#include "common/sparkline.h"
#include "protocol/errors.h"
#include "server/latency_report.h"
#include "server/memory_stats.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

constexpr int kGraphColumns = 80;
constexpr int kGraphRows = 4;

int64_t NowSeconds(ServerContext& sctx) { return sctx.server().clock().NowMs() / 1000; }

void CmdLatencyDoctor(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  const Config& config = sctx.server().config();
  LatencyReportInputs in{.threshold_ms = config.latency_monitor_threshold,
                         .slowlog_log_slower_than = config.slowlog_log_slower_than,
                         .hz = config.hz,
                         .fsync_always = config.appendfsync == "always",
                         .huge_pages_used = ReadAnonHugePagesBytes() > 0,
                         .now_s = NowSeconds(sctx)};
  ctx.reply().Verbatim(LatencyDoctorReport(sctx.server().latency_monitor(), in));
}

// The graph's label of a sample: how long ago it happened, in its largest whole unit.
std::string AgeLabel(int64_t elapsed) {
  if (elapsed < 60) return std::to_string(elapsed) + "s";
  if (elapsed < 3600) return std::to_string(elapsed / 60) + "m";
  if (elapsed < 3600 * 24) return std::to_string(elapsed / 3600) + "h";
  return std::to_string(elapsed / (3600 * 24)) + "d";
}

void CmdLatencyGraph(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  const LatencyMonitor::Series* ts = sctx.server().latency_monitor().Find(args[1]);
  if (!ts) return ctx.reply().Error(errors::LatencyNoSamples(args[1]));
  int64_t now = NowSeconds(sctx);
  Sparkline graph;
  uint32_t low = 0, high = 0;
  bool first = true;
  ts->ForEachOldestFirst([&](const LatencyMonitor::Sample& s) {
    if (first || s.latency_ms > high) high = s.latency_ms;
    if (first || s.latency_ms < low) low = s.latency_ms;
    first = false;
    // Redis keeps the age in an int.
    graph.Add(s.latency_ms, AgeLabel(static_cast<int32_t>(now - s.time_s)));
  });
  std::string out = ts->event + " - high " + std::to_string(high) + " ms, low " +
                    std::to_string(low) + " ms (all time high " + std::to_string(ts->all_time_max) +
                    " ms)\n";
  out.append(kGraphColumns, '-');
  out += '\n';
  graph.Render(out, kGraphColumns, kGraphRows);
  ctx.reply().Verbatim(out);
}

void CmdLatencyHistory(CommandContext& ctx, ArgReader& args) {
  const LatencyMonitor::Series* ts =
      ServerContext::From(ctx).server().latency_monitor().Find(args[1]);
  ReplyBuilder& r = ctx.reply();
  if (!ts) return r.ArrayHeader(0);
  size_t n = 0;
  ts->ForEachOldestFirst([&](const LatencyMonitor::Sample&) { n++; });
  r.ArrayHeader(n);
  ts->ForEachOldestFirst([&](const LatencyMonitor::Sample& s) {
    r.ArrayHeader(2);
    r.Integer(s.time_s);
    r.Integer(s.latency_ms);
  });
}

void CmdLatencyLatest(CommandContext& ctx, ArgReader& args) {
  const auto& events = ServerContext::From(ctx).server().latency_monitor().events();
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(events.size());
  for (const LatencyMonitor::Series& ts : events) {
    r.ArrayHeader(4);
    r.Bulk(ts.event);
    r.Integer(ts.Latest().time_s);
    r.Integer(ts.Latest().latency_ms);
    r.Integer(ts.all_time_max);
  }
}

void CmdLatencyReset(CommandContext& ctx, ArgReader& args) {
  LatencyMonitor& monitor = ServerContext::From(ctx).server().latency_monitor();
  if (args.size() == 1) return ctx.reply().Integer(monitor.Reset());
  int resets = 0;
  for (size_t i = 1; i < args.size(); i++) resets += monitor.Reset(args[i]);
  ctx.reply().Integer(resets);
}

// One command's entry of LATENCY HISTOGRAM: its name, then a map of its calls and of its
// cumulative distribution (µs -> calls up to it).
void ReplyCommandHistogram(ReplyBuilder& r, const CommandSpec& spec) {
  r.Bulk(spec.name);
  r.MapHeader(2);
  r.Bulk("calls");
  r.Integer(static_cast<int64_t>(spec.latency_histogram->total_count()));
  r.Bulk("histogram_usec");
  std::vector<std::pair<int64_t, uint64_t>> steps = spec.latency_histogram->CumulativeLogSteps();
  r.MapHeader(steps.size());
  for (const auto& [usec, calls] : steps) {
    r.Integer(usec);
    r.Integer(static_cast<int64_t>(calls));
  }
}

// The specs with recorded latencies under `spec`: itself, then its subcommands.
void CollectWithData(const CommandSpec& spec, std::vector<const CommandSpec*>& out) {
  if (spec.latency_histogram) out.push_back(&spec);
  for (const CommandSpec& sub : spec.subcommands) {
    if (sub.latency_histogram) out.push_back(&sub);
  }
}

void CmdLatencyHistogram(CommandContext& ctx, ArgReader& args) {
  const CommandTable& table = ServerContext::From(ctx).server().commands();
  std::vector<const CommandSpec*> with_data;
  if (args.size() == 1) {
    table.ForEach([&](const CommandSpec& spec) { CollectWithData(spec, with_data); });
  } else {
    // Unknown names are skipped; a container name stands for its subcommands.
    for (size_t i = 1; i < args.size(); i++) {
      if (const CommandSpec* spec = table.FindFullName(args[i])) CollectWithData(*spec, with_data);
    }
  }
  ctx.reply().MapHeader(with_data.size());
  for (const CommandSpec* spec : with_data) ReplyCommandHistogram(ctx.reply(), *spec);
}

void CmdLatencyHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"DOCTOR", "    Return a human readable latency analysis report.", "GRAPH <event>",
             "    Return an ASCII latency graph for the <event> class.", "HISTORY <event>",
             "    Return time-latency samples for the <event> class.", "LATEST",
             "    Return the latest latency samples for all events.", "RESET [<event> ...]",
             "    Reset latency data of one or more <event> classes.",
             "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
             "    Return a cumulative distribution of latencies in the format of a histogram for "
             "the specified command names.",
             "    If no commands are specified then all histograms are replied."});
}

}  // namespace

void RegisterLatencyCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kAdminFlags = F::kAdmin | F::kNoScript | F::kLoading | F::kStale;
  constexpr const char* kAdminAcl = "@admin @slow @dangerous";
  auto admin = [&](const char* name, int arity, CommandHandler handler) {
    return CommandSpec{.name = name,
                       .arity = arity,
                       .flags = kAdminFlags,
                       .handler = handler,
                       .acl_categories = kAdminAcl};
  };
  table.Add({.name = "latency",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 admin("latency|doctor", 2, CmdLatencyDoctor),
                 admin("latency|graph", 3, CmdLatencyGraph),
                 admin("latency|history", 3, CmdLatencyHistory),
                 admin("latency|latest", 2, CmdLatencyLatest),
                 admin("latency|reset", -2, CmdLatencyReset),
                 admin("latency|histogram", -2, CmdLatencyHistogram),
                 {.name = "latency|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdLatencyHelp,
                  .acl_categories = "@slow"},
             }});
}

}  // namespace duet
