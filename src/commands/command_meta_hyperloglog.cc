// Metadata of Redis 7.0's "hyperloglog" group for COMMAND INFO / DOCS / GETKEYS (see
// command_meta.h). Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15
// reports them; the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "pfadd",
     .summary = "Adds elements to a HyperLogLog.",
     .since = "2.8.9",
     .complexity = "O(1) to add every element.",
     .redis = "-2 1 1 1 write,denyoom,fast @write,@hyperloglog,@fast",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element?*"},
    {.name = "pfcount",
     .summary = "Estimates the number of distinct elements seen by one or more HyperLogLogs.",
     .since = "2.8.9",
     .complexity =
         "O(1) with a very small average constant time when called with a single key. O(N) "
         "with N being the number of keys, and much bigger constant times, when called "
         "with multiple keys.",
     .redis = "-2 1 -1 1 readonly @read,@hyperloglog,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess, Index(1), Range(-1, 1, 0),
                        "RW because it may change the internal representation of the key, and "
                        "propagate to replicas")},
     .args = "key:key#0*"},
    {.name = "pfdebug",
     .summary = "Inspects the internals of a HyperLogLog value.",
     .since = "2.8.9",
     .complexity = "N/A",
     .redis = "3 2 2 1 write,denyoom,admin @write,@hyperloglog,@admin,@slow,@dangerous",
     .key_specs = {Spec(kKeyRW | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "string:subcommand key:key#0",
     .doc_flags = "syscmd"},
    {.name = "pfmerge",
     .summary = "Merges several HyperLogLogs into one.",
     .since = "2.8.9",
     .complexity = "O(N) to merge N HyperLogLogs, but with high constant times.",
     .redis = "-2 1 -1 1 write,denyoom @write,@hyperloglog,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyInsert, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Range(-1, 1, 0))},
     .args = "key:destkey#0 key:sourcekey#1*"},
    {.name = "pfselftest",
     .summary = "Runs the HyperLogLog implementation's self test.",
     .since = "2.8.9",
     .complexity = "N/A",
     .redis = "1 0 0 0 admin @hyperloglog,@admin,@slow,@dangerous",
     .doc_flags = "syscmd"},
};

}  // namespace

CommandMetaGroup HyperloglogCommandMeta() { return {"hyperloglog", kDefs}; }

}  // namespace duet
