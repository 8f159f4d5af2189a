// Metadata of Redis 7.0's "transactions" group for COMMAND INFO / DOCS / GETKEYS (see
// command_meta.h). Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15
// reports them; the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "discard",
     .summary = "Drops the commands queued since MULTI and leaves the transaction.",
     .since = "2.0.0",
     .complexity = "O(N), when N is the number of queued commands",
     .redis = "1 0 0 0 noscript,loading,stale,fast,allow_busy @fast,@transaction"},
    {.name = "exec",
     .summary = "Runs the commands queued since MULTI as one atomic transaction.",
     .since = "1.2.0",
     .complexity = "Depends on commands in the transaction",
     .redis = "1 0 0 0 noscript,loading,stale,skip_slowlog @slow,@transaction"},
    {.name = "multi",
     .summary = "Starts a transaction: the next commands are queued until EXEC.",
     .since = "1.2.0",
     .complexity = "O(1)",
     .redis = "1 0 0 0 noscript,loading,stale,fast,allow_busy @fast,@transaction"},
    {.name = "unwatch",
     .summary = "Stops watching every key watched by the connection.",
     .since = "2.2.0",
     .complexity = "O(1)",
     .redis = "1 0 0 0 noscript,loading,stale,fast,allow_busy @fast,@transaction"},
    {.name = "watch",
     .summary = "Watches keys so that the next transaction aborts if any of them changes.",
     .since = "2.2.0",
     .complexity = "O(1) for every key.",
     .redis = "-2 1 -1 1 noscript,loading,stale,fast,allow_busy @fast,@transaction",
     .key_specs = {Spec(kKeyRO, Index(1), Range(-1, 1, 0))},
     .args = "key:key#0*"},
};

}  // namespace

CommandMetaGroup TransactionsCommandMeta() { return {"transactions", kDefs}; }

}  // namespace duet
