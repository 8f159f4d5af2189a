// Metadata of Redis 7.0's "generic" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "copy",
     .summary = "Duplicates the value of a key under another name, possibly in another database.",
     .since = "6.2.0",
     .complexity =
         "O(N) worst case for collections, where N is the number of nested items. O(1) for "
         "string values.",
     .redis = "-3 1 2 1 write,denyoom @keyspace,@write,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Index(2), Range(0, 1, 0))},
     .args = "key:source#0 key:destination#1 integer:destination-db=DB? "
             "pure-token:replace=REPLACE?"},
    {.name = "del",
     .summary = "Removes keys and their values.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of keys that will be removed. When a key to remove "
                   "holds a value other than a string, the individual complexity for this key is "
                   "O(M) where M is the number of elements in the list, set, sorted set or hash. "
                   "Removing a single key that holds a string value is O(1).",
     .redis = "-2 1 -1 1 write @keyspace,@write,@slow",
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     .key_specs = {Spec(kKeyRM | kKeyDelete, Index(1), Range(-1, 1, 0))},
     .args = "key:key#0*"},
    {.name = "dump",
     .summary = "Serializes the value of a key in the format RESTORE reads.",
     .since = "2.6.0",
     .complexity =
         "O(1) to access the key and additional O(N*M) to serialize it, where N is the "
         "number of Redis objects composing the value and M their average size. For small "
         "string values the time complexity is thus O(1)+O(1*M) where M is small, so "
         "simply O(1).",
     .redis = "2 1 1 1 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "exists",
     .summary = "Counts how many of the given keys exist.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of keys to check.",
     .redis = "-2 1 -1 1 readonly,fast @keyspace,@read,@fast",
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     .key_specs = {Spec(kKeyRO, Index(1), Range(-1, 1, 0))},
     .args = "key:key#0*",
     .history = "3.0.3 Accepts multiple `key` arguments."},
    {.name = "expire",
     .summary = "Makes a key expire after a number of seconds.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "-3 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:seconds oneof:condition?@7.0.0[pure-token:nx=NX pure-token:xx=XX "
             "pure-token:gt=GT pure-token:lt=LT]",
     .history = "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "expireat",
     .summary = "Makes a key expire at a Unix time given in seconds.",
     .since = "1.2.0",
     .complexity = "O(1)",
     .redis = "-3 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 unix-time:unix-time-seconds oneof:condition?@7.0.0[pure-token:nx=NX "
             "pure-token:xx=XX pure-token:gt=GT pure-token:lt=LT]",
     .history = "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "expiretime",
     .summary = "Returns the Unix time, in seconds, at which a key will expire.",
     .since = "7.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @keyspace,@read,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "keys",
     .summary = "Returns every key name matching a glob-style pattern.",
     .since = "1.0.0",
     .complexity =
         "O(N) with N being the number of keys in the database, under the assumption that "
         "the key names in the database and the given pattern have limited length.",
     .redis = "2 0 0 0 readonly @keyspace,@read,@slow,@dangerous",
     .tips = "request_policy:all_shards nondeterministic_output_order",
     .args = "pattern:pattern"},
    {.name = "migrate",
     .summary = "Moves keys to another server atomically.",
     .since = "2.6.0",
     .complexity =
         "This command actually executes a DUMP+DEL in the source instance, and a RESTORE "
         "in the target instance. See the pages of these commands for time complexity. "
         "Also an O(N) data transfer between the two instances is performed.",
     .redis = "-6 3 3 1 write,movablekeys @keyspace,@write,@slow,@dangerous",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(3), Range(0, 1, 0)),
                   Spec(kKeyRW | kKeyAccess | kKeyDelete | kKeyIncomplete, Keyword("KEYS", -2),
                        Range(-1, 1, 0))},
     .args = "string:host integer:port oneof:key_or_empty_string[key:key#0 "
             "pure-token:empty_string=''] integer:destination-db integer:timeout "
             "pure-token:copy=COPY?@3.0.0 pure-token:replace=REPLACE?@3.0.0 "
             "oneof:authentication?[string:password=AUTH?@4.0.7 "
             "block:username_password=AUTH2?@6.0.0[string:username string:password]] "
             "key:key=KEYS#1?*@3.0.6",
     .history = "3.0.0 Added the `COPY` and `REPLACE` options.\n"
                "3.0.6 Added the `KEYS` option.\n"
                "4.0.7 Added the `AUTH` option.\n"
                "6.0.0 Added the `AUTH2` option."},
    {.name = "move",
     .summary = "Moves a key to another database.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "3 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:db"},
    {.name = "object",
     .summary = "Groups the subcommands that inspect how values are stored.",
     .since = "2.2.3",
     .complexity = "Depends on subcommand.",
     .redis = "-2 0 0 0 - @slow"},
    {.name = "object|encoding",
     .summary = "Returns the internal representation of the value at a key.",
     .since = "2.2.3",
     .complexity = "O(1)",
     .redis = "3 2 2 1 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO, Index(2), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "object|freq",
     .summary = "Returns the logarithmic access frequency counter of a key.",
     .since = "4.0.0",
     .complexity = "O(1)",
     .redis = "3 2 2 1 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO, Index(2), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "object|help",
     .summary = "Lists the OBJECT subcommands with a short description of each.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale @keyspace,@slow"},
    {.name = "object|idletime",
     .summary = "Returns the seconds since the value at a key was last accessed.",
     .since = "2.2.3",
     .complexity = "O(1)",
     .redis = "3 2 2 1 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO, Index(2), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "object|refcount",
     .summary = "Returns the reference count of the value at a key.",
     .since = "2.2.3",
     .complexity = "O(1)",
     .redis = "3 2 2 1 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO, Index(2), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "persist",
     .summary = "Removes the expiry of a key, so that it stays.",
     .since = "2.2.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "pexpire",
     .summary = "Makes a key expire after a number of milliseconds.",
     .since = "2.6.0",
     .complexity = "O(1)",
     .redis = "-3 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:milliseconds oneof:condition?@7.0.0[pure-token:nx=NX "
             "pure-token:xx=XX pure-token:gt=GT pure-token:lt=LT]",
     .history = "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "pexpireat",
     .summary = "Makes a key expire at a Unix time given in milliseconds.",
     .since = "2.6.0",
     .complexity = "O(1)",
     .redis = "-3 1 1 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 unix-time:unix-time-milliseconds oneof:condition?@7.0.0[pure-token:nx=NX "
             "pure-token:xx=XX pure-token:gt=GT pure-token:lt=LT]",
     .history = "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`."},
    {.name = "pexpiretime",
     .summary = "Returns the Unix time, in milliseconds, at which a key will expire.",
     .since = "7.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @keyspace,@read,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "pttl",
     .summary = "Returns the milliseconds left before a key expires.",
     .since = "2.6.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @keyspace,@read,@fast",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0",
     .history = "2.8.0 Added the -2 reply."},
    {.name = "randomkey",
     .summary = "Returns the name of a random key.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "1 0 0 0 readonly @keyspace,@read,@slow",
     .tips = "request_policy:all_shards nondeterministic_output"},
    {.name = "rename",
     .summary = "Gives a key a new name, replacing any key with that name.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "3 1 2 1 write @keyspace,@write,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 key:newkey#1"},
    {.name = "renamenx",
     .summary = "Gives a key a new name only when no key has that name.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "3 1 2 1 write,fast @keyspace,@write,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 key:newkey#1",
     .history = "3.2.0 The command no longer returns an error when source and destination names "
                "are the same."},
    {.name = "restore",
     .summary = "Creates a key from a value serialized by DUMP.",
     .since = "2.6.0",
     .complexity = "O(1) to create the new key and additional O(N*M) to reconstruct the serialized "
                   "value, where N is the number of Redis objects composing the value and M their "
                   "average size. For small string values the time complexity is thus O(1)+O(1*M) "
                   "where M is small, so simply O(1). However for sorted set values the complexity "
                   "is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
     .redis = "-4 1 1 1 write,denyoom @keyspace,@write,@slow,@dangerous",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:ttl string:serialized-value pure-token:replace=REPLACE?@3.0.0 "
             "pure-token:absttl=ABSTTL?@5.0.0 integer:seconds=IDLETIME?@5.0.0 "
             "integer:frequency=FREQ?@5.0.0",
     .history = "3.0.0 Added the `REPLACE` modifier.\n"
                "5.0.0 Added the `ABSTTL` modifier.\n"
                "5.0.0 Added the `IDLETIME` and `FREQ` options."},
    {.name = "scan",
     .summary = "Iterates over the key names of the selected database in steps.",
     .since = "2.8.0",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command "
         "calls for the cursor to return back to 0. N is the number of elements inside the "
         "collection.",
     .redis = "-2 0 0 0 readonly @keyspace,@read,@slow",
     .tips = "nondeterministic_output request_policy:special",
     .args = "integer:cursor pattern:pattern=MATCH? integer:count=COUNT? string:type=TYPE?@6.0.0",
     .history = "6.0.0 Added the `TYPE` subcommand."},
    {.name = "sort",
     .summary = "Sorts the elements of a list, set or sorted set, optionally storing the result.",
     .since = "1.0.0",
     .complexity =
         "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and "
         "M the number of returned elements. When the elements are not sorted, complexity "
         "is O(N).",
     .redis = "-2 1 1 1 write,denyoom,movablekeys @write,@set,@sortedset,@list,@slow,@dangerous",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, UnknownBegin(), UnknownFind(),
                        "For the optional BY/GET keyword. It is marked 'unknown' because the key "
                        "names derive from the content of the key we sort"),
                   Spec(kKeyOW | kKeyUpdate, UnknownBegin(), UnknownFind(),
                        "For the optional STORE keyword. It is marked 'unknown' because the "
                        "keyword can appear anywhere in the argument array")},
     .args = "key:key#0 pattern:pattern=BY#1? block:offset_count=LIMIT?[integer:offset "
             "integer:count] pattern:pattern=GET#1?*+ oneof:order?[pure-token:asc=ASC "
             "pure-token:desc=DESC] pure-token:sorting=ALPHA? key:destination=STORE#2?"},
    {.name = "sort_ro",
     .summary = "Sorts the elements of a list, set or sorted set; read-only form of SORT.",
     .since = "7.0.0",
     .complexity =
         "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and "
         "M the number of returned elements. When the elements are not sorted, complexity "
         "is O(N).",
     .redis = "-2 1 1 1 readonly,movablekeys @read,@set,@sortedset,@list,@slow,@dangerous",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, UnknownBegin(), UnknownFind(),
                        "For the optional BY/GET keyword. It is marked 'unknown' because the key "
                        "names derive from the content of the key we sort")},
     .args = "key:key#0 pattern:pattern=BY#1? block:offset_count=LIMIT?[integer:offset "
             "integer:count] pattern:pattern=GET#1?*+ oneof:order?[pure-token:asc=ASC "
             "pure-token:desc=DESC] pure-token:sorting=ALPHA?"},
    {.name = "touch",
     .summary = "Marks keys as just accessed and counts those that exist.",
     .since = "3.2.1",
     .complexity = "O(N) where N is the number of keys that will be touched.",
     .redis = "-2 1 -1 1 readonly,fast @keyspace,@read,@fast",
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     .key_specs = {Spec(kKeyRO, Index(1), Range(-1, 1, 0))},
     .args = "key:key#0*"},
    {.name = "ttl",
     .summary = "Returns the seconds left before a key expires.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @keyspace,@read,@fast",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0",
     .history = "2.8.0 Added the -2 reply."},
    {.name = "type",
     .summary = "Returns the type of the value stored at a key.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @keyspace,@read,@fast",
     .key_specs = {Spec(kKeyRO, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "unlink",
     .summary = "Removes keys, freeing large values in the background.",
     .since = "4.0.0",
     .complexity =
         "O(1) for each key removed regardless of its size. Then the command does O(N) "
         "work in a different thread in order to reclaim memory, where N is the number of "
         "allocations the deleted objects where composed of.",
     .redis = "-2 1 -1 1 write,fast @keyspace,@write,@fast",
     .tips = "request_policy:multi_shard response_policy:agg_sum",
     .key_specs = {Spec(kKeyRM | kKeyDelete, Index(1), Range(-1, 1, 0))},
     .args = "key:key#0*"},
    {.name = "wait",
     .summary = "Waits until the preceding writes reach a number of replicas, or a timeout.",
     .since = "3.0.0",
     .complexity = "O(1)",
     .redis = "3 0 0 0 noscript @slow,@connection",
     .tips = "request_policy:all_shards response_policy:agg_min",
     .args = "integer:numreplicas integer:timeout"},
};

}  // namespace

CommandMetaGroup GenericCommandMeta() { return {"generic", kDefs}; }

}  // namespace duet
