// Metadata of Redis 7.0's "pubsub" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "psubscribe",
     .summary = "Subscribes the connection to the channels matching glob-style patterns.",
     .since = "2.0.0",
     .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
     .redis = "-2 0 0 0 pubsub,noscript,loading,stale @pubsub,@slow",
     .args = "block:pattern*[pattern:pattern]"},
    {.name = "publish",
     .summary = "Sends a message to the subscribers of a channel.",
     .since = "2.0.0",
     .complexity =
         "O(N+M) where N is the number of clients subscribed to the receiving channel and "
         "M is the total number of subscribed patterns (by any client).",
     .redis = "3 0 0 0 pubsub,loading,stale,fast @pubsub,@fast",
     .args = "string:channel string:message"},
    {.name = "pubsub",
     .summary = "Groups the subcommands that inspect the Pub/Sub state.",
     .since = "2.8.0",
     .complexity = "Depends on subcommand.",
     .redis = "-2 0 0 0 - @slow"},
    {.name = "pubsub|channels",
     .summary = "Lists the channels that have subscribers.",
     .since = "2.8.0",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time "
                   "pattern matching (relatively short channels and patterns)",
     .redis = "-2 0 0 0 pubsub,loading,stale @pubsub,@slow",
     .args = "pattern:pattern?"},
    {.name = "pubsub|help",
     .summary = "Lists the PUBSUB subcommands with a short description of each.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale @slow"},
    {.name = "pubsub|numpat",
     .summary = "Returns the number of patterns clients are subscribed to.",
     .since = "2.8.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 pubsub,loading,stale @pubsub,@slow"},
    {.name = "pubsub|numsub",
     .summary = "Returns the number of subscribers of some channels.",
     .since = "2.8.0",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     .redis = "-2 0 0 0 pubsub,loading,stale @pubsub,@slow",
     .args = "string:channel?*"},
    {.name = "pubsub|shardchannels",
     .summary = "Lists the shard channels that have subscribers.",
     .since = "7.0.0",
     .complexity =
         "O(N) where N is the number of active shard channels, and assuming constant time "
         "pattern matching (relatively short shard channels).",
     .redis = "-2 0 0 0 pubsub,loading,stale @pubsub,@slow",
     .args = "pattern:pattern?"},
    {.name = "pubsub|shardnumsub",
     .summary = "Returns the number of subscribers of some shard channels.",
     .since = "7.0.0",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
                   "channels",
     .redis = "-2 0 0 0 pubsub,loading,stale @pubsub,@slow",
     .args = "string:shardchannel?*"},
    {.name = "punsubscribe",
     .summary = "Unsubscribes the connection from channel patterns.",
     .since = "2.0.0",
     .complexity =
         "O(N+M) where N is the number of patterns the client is already subscribed and M "
         "is the number of total patterns subscribed in the system (by any client).",
     .redis = "-1 0 0 0 pubsub,noscript,loading,stale @pubsub,@slow",
     .args = "pattern:pattern?*"},
    {.name = "spublish",
     .summary = "Sends a message to the subscribers of a shard channel.",
     .since = "7.0.0",
     .complexity =
         "O(N) where N is the number of clients subscribed to the receiving shard channel.",
     .redis = "3 1 1 1 pubsub,loading,stale,fast @pubsub,@fast",
     .key_specs = {Spec(kKeyNotKey, Index(1), Range(0, 1, 0))},
     .args = "string:shardchannel string:message"},
    {.name = "ssubscribe",
     .summary = "Subscribes the connection to shard channels.",
     .since = "7.0.0",
     .complexity = "O(N) where N is the number of shard channels to subscribe to.",
     .redis = "-2 1 -1 1 pubsub,noscript,loading,stale @pubsub,@slow",
     .key_specs = {Spec(kKeyNotKey, Index(1), Range(-1, 1, 0))},
     .args = "string:shardchannel*"},
    {.name = "subscribe",
     .summary = "Subscribes the connection to channels.",
     .since = "2.0.0",
     .complexity = "O(N) where N is the number of channels to subscribe to.",
     .redis = "-2 0 0 0 pubsub,noscript,loading,stale @pubsub,@slow",
     .args = "string:channel*"},
    {.name = "sunsubscribe",
     .summary = "Unsubscribes the connection from shard channels.",
     .since = "7.0.0",
     .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
     .redis = "-1 1 -1 1 pubsub,noscript,loading,stale @pubsub,@slow",
     .key_specs = {Spec(kKeyNotKey, Index(1), Range(-1, 1, 0))},
     .args = "string:shardchannel?*"},
    {.name = "unsubscribe",
     .summary = "Unsubscribes the connection from channels.",
     .since = "2.0.0",
     .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
     .redis = "-1 0 0 0 pubsub,noscript,loading,stale @pubsub,@slow",
     .args = "string:channel?*"},
};

}  // namespace

CommandMetaGroup PubsubCommandMeta() { return {"pubsub", kDefs}; }

}  // namespace duet
