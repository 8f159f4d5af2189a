// MEMORY USAGE | STATS | DOCTOR | PURGE | MALLOC-STATS | HELP, with Redis 7.0's reply shapes
// (RESP2 and RESP3) and errors. The figures come from server/memory_overhead.h.
#include <optional>

#include "commands/help_reply.h"
#include "common/allocator.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/memory_overhead.h"
#include "server/memory_stats.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// Bytes a key costs: its Entry allocation (key, value, expire time; a composite's own
// allocations through CompositeValue::MemoryUsage) plus its 8-byte slot in the key table
// and, with a TTL, in the TTL index. Redis's samples bound how much of a big value it walks;
// duet's composites report their exact size, so SAMPLES only gets validated.
void CmdMemoryUsage(CommandContext& ctx, ArgReader& args) {
  args.Next();  // subcommand
  std::string_view key = args.Next();
  // Options are checked before the key is looked up, as Redis does.
  while (args.HasNext()) {
    if (args.Remaining() >= 2 && args.Consume("samples")) {
      std::optional<int64_t> n = ParseInt64(args.Next());
      if (!n) return ctx.reply().Error(errors::kNotInteger);
      if (*n < 0) return ctx.reply().Error(errors::kSyntax);
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  // Like Redis's dictFind: no expiry, no access-time update, no hit/miss count.
  KeyTable::SlotRef slot = ctx.db().table().Find(key);
  if (!slot) return ctx.reply().Null();
  const auto* e = static_cast<const Entry*>(slot.get());
  size_t usage = e->MemoryUsage() + sizeof(uint64_t) * (e->has_expire() ? 2 : 1);
  ctx.reply().Integer(static_cast<int64_t>(usage));
}

void CmdMemoryStats(CommandContext& ctx, ArgReader&) {
  MemoryOverhead m = ComputeMemoryOverhead(ServerContext::From(ctx).server());
  ReplyBuilder& r = ctx.reply();
  auto num = [&r](std::string_view name, uint64_t v) {
    r.Bulk(name);
    r.Integer(static_cast<int64_t>(v));
  };
  auto sig = [&r](std::string_view name, int64_t v) {
    r.Bulk(name);
    r.Integer(v);
  };
  // Redis computes the ratios in float and replies them as doubles.
  auto dbl = [&r](std::string_view name, double v) {
    r.Bulk(name);
    r.Double(static_cast<double>(static_cast<float>(v)));
  };
  r.MapHeader(27 + m.dbs.size());
  num("peak.allocated", m.peak_allocated);
  num("total.allocated", m.alloc.used);
  num("startup.allocated", m.startup_allocated);
  num("replication.backlog", m.repl_backlog);
  num("clients.slaves", m.clients_slaves);
  num("clients.normal", m.clients_normal);
  num("cluster.links", 0);
  num("aof.buffer", m.aof_buffer);
  num("lua.caches", m.lua_caches);
  num("functions.caches", m.functions_caches);
  for (const MemoryOverhead::DbOverhead& d : m.dbs) {
    r.Bulk("db." + std::to_string(d.db));
    r.MapHeader(3);
    num("overhead.hashtable.main", d.main);
    num("overhead.hashtable.expires", d.expires);
    num("overhead.hashtable.slot-to-keys", 0);
  }
  num("overhead.total", m.overhead_total);
  num("keys.count", m.total_keys);
  num("keys.bytes-per-key", m.bytes_per_key());
  num("dataset.bytes", m.dataset);
  dbl("dataset.percentage", m.dataset_perc());
  dbl("peak.percentage", m.peak_perc());
  num("allocator.allocated", m.alloc.allocator_allocated);
  num("allocator.active", m.alloc.allocator_active);
  num("allocator.resident", m.alloc.allocator_resident);
  dbl("allocator-fragmentation.ratio", m.allocator_frag());
  sig("allocator-fragmentation.bytes", m.allocator_frag_bytes());
  dbl("allocator-rss.ratio", m.allocator_rss());
  sig("allocator-rss.bytes", m.allocator_rss_bytes());
  dbl("rss-overhead.ratio", m.rss_extra());
  sig("rss-overhead.bytes", m.rss_extra_bytes());
  dbl("fragmentation", m.total_frag());
  sig("fragmentation.bytes", m.total_frag_bytes());
}

void CmdMemoryDoctor(CommandContext& ctx, ArgReader&) {
  ctx.reply().Verbatim(MemoryDoctorReport(ServerContext::From(ctx).server()), "txt");
}

void CmdMemoryMallocStats(CommandContext& ctx, ArgReader&) {
  ctx.reply().Verbatim(AllocatorStatsText(), "txt");
}

void CmdMemoryPurge(CommandContext& ctx, ArgReader&) {
  // Without jemalloc there is nothing to purge and Redis answers OK too. The purge runs
  // here, synchronously, as Redis's does (after this thread's cache is flushed).
  allocator::FlushThreadCache();
  allocator::PurgeArenas();
  ctx.reply().Ok();
}

void CmdMemoryHelp(CommandContext& ctx, ArgReader&) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"DOCTOR", "    Return memory problems reports.", "MALLOC-STATS",
             "    Return internal statistics report from the memory allocator.", "PURGE",
             "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
             "    Return information about the memory usage of the server.",
             "USAGE <key> [SAMPLES <count>]",
             "    Return memory in bytes used by <key> and its value. Nested values are",
             "    sampled up to <count> times (default: 5, 0 means sample all)."});
}

}  // namespace

void RegisterMemoryCommands(CommandTable& table) {
  using F = CmdFlag;
  auto sub = [](const char* name, int arity, CommandHandler handler) {
    return CommandSpec{.name = name, .arity = arity, .handler = handler, .acl_categories = "@slow"};
  };
  table.Add({.name = "memory",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 sub("memory|doctor", 2, CmdMemoryDoctor),
                 {.name = "memory|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdMemoryHelp,
                  .acl_categories = "@slow"},
                 sub("memory|malloc-stats", 2, CmdMemoryMallocStats),
                 sub("memory|purge", 2, CmdMemoryPurge),
                 sub("memory|stats", 2, CmdMemoryStats),
                 {.name = "memory|usage",
                  .arity = -3,
                  .flags = F::kReadOnly,
                  .first_key = 2,
                  .last_key = 2,
                  .step = 1,
                  .handler = CmdMemoryUsage,
                  .acl_categories = "@read @slow"},
             }});
}

}  // namespace duet
