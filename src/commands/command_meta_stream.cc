// Metadata of Redis 7.0's "stream" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "xack",
     .summary = "Acknowledges messages of a consumer group, removing them from its pending list.",
     .since = "5.0.0",
     .complexity = "O(1) for each message ID processed.",
     .redis = "-4 1 1 1 write,fast @write,@stream,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:group string:id*"},
    {.name = "xadd",
     .summary = "Appends an entry to a stream, optionally trimming the stream.",
     .since = "5.0.0",
     .complexity = "O(1) when adding a new entry, O(N) when trimming where N being the number of "
                   "entries evicted.",
     .redis = "-5 1 1 1 write,denyoom,fast @write,@stream,@fast",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0),
                        "UPDATE instead of INSERT because of the optional trimming feature")},
     .args = "key:key#0 pure-token:nomkstream=NOMKSTREAM?@6.2.0 "
             "block:trim?[oneof:strategy[pure-token:maxlen=MAXLEN pure-token:minid=MINID@6.2.0] "
             "oneof:operator?[pure-token:equal='=' pure-token:approximately='~'] "
             "string:threshold integer:count=LIMIT?@6.2.0] "
             "oneof:id_or_auto[pure-token:auto_id='*' string:id] block:field_value*[string:field "
             "string:value]",
     .history =
         "6.2.0 Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.\n"
         "7.0.0 Added support for the `<ms>-*` explicit ID form."},
    {.name = "xautoclaim",
     .summary = "Transfers pending messages idle for long enough to another consumer, scanning the "
                "pending list.",
     .since = "6.2.0",
     .complexity = "O(1) if COUNT is small.",
     .redis = "-6 1 1 1 write,fast @write,@stream,@fast",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:group string:consumer string:min-idle-time string:start "
             "integer:count=COUNT? pure-token:justid=JUSTID?",
     .history = "7.0.0 Added an element to the reply array, containing deleted entries the command "
                "cleared from the PEL"},
    {.name = "xclaim",
     .summary = "Transfers ownership of pending messages of a consumer group to another consumer.",
     .since = "5.0.0",
     .complexity = "O(log N) with N being the number of messages in the PEL of the consumer group.",
     .redis = "-6 1 1 1 write,fast @write,@stream,@fast",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:group string:consumer string:min-idle-time string:id* "
             "integer:ms=IDLE? unix-time:unix-time-milliseconds=TIME? integer:count=RETRYCOUNT? "
             "pure-token:force=FORCE? pure-token:justid=JUSTID? string:id=LASTID?"},
    {.name = "xdel",
     .summary = "Removes entries from a stream by id.",
     .since = "5.0.0",
     .complexity = "O(1) for each single item to delete in the stream, regardless of the stream "
                   "size.",
     .redis = "-3 1 1 1 write,fast @write,@stream,@fast",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:id*"},
    {.name = "xgroup",
     .summary = "Groups the subcommands that manage consumer groups.",
     .since = "5.0.0",
     .complexity = "Depends on subcommand.",
     .redis = "-2 0 0 0 - @slow"},
    {.name = "xgroup|create",
     .summary = "Creates a consumer group on a stream.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "-5 2 2 1 write,denyoom @write,@stream,@slow",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname oneof:id[string:id pure-token:new_id='$'] "
             "pure-token:mkstream=MKSTREAM? integer:entries_read=ENTRIESREAD?",
     .history = "7.0.0 Added the `entries_read` named argument."},
    {.name = "xgroup|createconsumer",
     .summary = "Creates a consumer in a consumer group.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "5 2 2 1 write,denyoom @write,@stream,@slow",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname string:consumername"},
    {.name = "xgroup|delconsumer",
     .summary = "Removes a consumer from a consumer group.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "5 2 2 1 write @write,@stream,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname string:consumername"},
    {.name = "xgroup|destroy",
     .summary = "Removes a consumer group from a stream.",
     .since = "5.0.0",
     .complexity =
         "O(N) where N is the number of entries in the group's pending entries list (PEL).",
     .redis = "4 2 2 1 write @write,@stream,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname"},
    {.name = "xgroup|help",
     .summary = "Lists the XGROUP subcommands with a short description of each.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale @stream,@slow"},
    {.name = "xgroup|setid",
     .summary = "Moves the last delivered id of a consumer group.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "-5 2 2 1 write @write,@stream,@slow",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname oneof:id[string:id pure-token:new_id='$'] "
             "integer:entries_read=ENTRIESREAD?",
     .history = "7.0.0 Added the optional `entries_read` argument."},
    {.name = "xinfo",
     .summary = "Groups the subcommands that describe streams.",
     .since = "5.0.0",
     .complexity = "Depends on subcommand.",
     .redis = "-2 0 0 0 - @slow"},
    {.name = "xinfo|consumers",
     .summary = "Describes the consumers of a consumer group.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "4 2 2 1 readonly @read,@stream,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 string:groupname"},
    {.name = "xinfo|groups",
     .summary = "Describes the consumer groups of a stream.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "3 2 2 1 readonly @read,@stream,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "key:key#0",
     .history = "7.0.0 Added the `entries-read` and `lag` fields"},
    {.name = "xinfo|help",
     .summary = "Lists the XINFO subcommands with a short description of each.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "2 0 0 0 loading,stale @stream,@slow"},
    {.name = "xinfo|stream",
     .summary = "Describes a stream, optionally with its entries and groups in full.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "-3 2 2 1 readonly @read,@stream,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "key:key#0 block:full=FULL?[integer:count=COUNT?]",
     .history = "6.0.0 Added the `FULL` modifier.\n"
                "7.0.0 Added the `max-deleted-entry-id`, `entries-added`, "
                "`recorded-first-entry-id`, `entries-read` and `lag` fields"},
    {.name = "xlen",
     .summary = "Returns the number of entries of a stream.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @read,@stream,@fast",
     .key_specs = {Spec(kKeyRO, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "xpending",
     .summary =
         "Summarizes or lists the messages delivered to a consumer group but not acknowledged.",
     .since = "5.0.0",
     .complexity =
         "O(N) with N being the number of elements returned, so asking for a small fixed "
         "number of entries per call is O(1). O(M), where M is the total number of entries "
         "scanned when used with the IDLE filter. When the command returns just the "
         "summary and the list of consumers is small, it runs in O(1) time; otherwise, an "
         "additional O(N) time for iterating every consumer.",
     .redis = "-3 1 1 1 readonly @read,@stream,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:group block:filters?[integer:min-idle-time=IDLE?@6.2.0 "
             "string:start string:end integer:count string:consumer?]",
     .history = "6.2.0 Added the `IDLE` option and exclusive range intervals."},
    {.name = "xrange",
     .summary = "Returns the entries of a stream between two ids.",
     .since = "5.0.0",
     .complexity =
         "O(N) with N being the number of elements being returned. If N is constant (e.g. "
         "always asking for the first 10 elements with COUNT), you can consider it O(1).",
     .redis = "-4 1 1 1 readonly @read,@stream,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:start string:end integer:count=COUNT?",
     .history = "6.2.0 Added exclusive ranges."},
    {.name = "xread",
     .summary = "Reads entries newer than given ids from one or more streams, optionally waiting "
                "for them.",
     .since = "5.0.0",
     .complexity =
         "For each stream mentioned: O(N) with N being the number of elements being "
         "returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the "
         "BLOCK option is used, XADD will pay O(M) time in order to serve the M clients "
         "blocked on the stream getting new data.",
     .redis = "-4 0 0 0 readonly,blocking,movablekeys @read,@stream,@slow,@blocking",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Keyword("STREAMS", 1), Range(-1, 1, 2))},
     .args = "integer:count=COUNT? integer:milliseconds=BLOCK? block:streams=STREAMS[key:key#0* "
             "string:id*]"},
    {.name = "xreadgroup",
     .summary = "Reads entries of streams on behalf of a consumer of a group, optionally waiting "
                "for them.",
     .since = "5.0.0",
     .complexity =
         "For each stream mentioned: O(M) with M being the number of elements returned. If "
         "M is constant (e.g. always asking for the first 10 elements with COUNT), you can "
         "consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the "
         "O(N) time in order to serve the N clients blocked on the stream getting new "
         "data.",
     .redis = "-7 0 0 0 write,blocking,movablekeys @write,@stream,@slow,@blocking",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Keyword("STREAMS", 4), Range(-1, 1, 2))},
     .args = "block:group_consumer=GROUP[string:group string:consumer] integer:count=COUNT? "
             "integer:milliseconds=BLOCK? pure-token:noack=NOACK? "
             "block:streams=STREAMS[key:key#0* string:id*]"},
    {.name = "xrevrange",
     .summary = "Returns the entries of a stream between two ids, newest first.",
     .since = "5.0.0",
     .complexity =
         "O(N) with N being the number of elements returned. If N is constant (e.g. always "
         "asking for the first 10 elements with COUNT), you can consider it O(1).",
     .redis = "-4 1 1 1 readonly @read,@stream,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:end string:start integer:count=COUNT?",
     .history = "6.2.0 Added exclusive ranges."},
    {.name = "xsetid",
     .summary = "Sets the last id of a stream; used for replication.",
     .since = "5.0.0",
     .complexity = "O(1)",
     .redis = "-3 1 1 1 write,denyoom,fast @write,@stream,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:last-id integer:entries_added=ENTRIESADDED?@7.0.0 "
             "string:max_deleted_entry_id=MAXDELETEDID?@7.0.0",
     .history = "7.0.0 Added the `entries_added` and `max_deleted_entry_id` arguments."},
    {.name = "xtrim",
     .summary = "Removes the oldest entries of a stream, by count or by id.",
     .since = "5.0.0",
     .complexity =
         "O(N), with N being the number of evicted entries. Constant times are very small "
         "however, since entries are organized in macro nodes containing multiple entries "
         "that can be released with a single deallocation.",
     .redis = "-4 1 1 1 write @write,@stream,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 block:trim[oneof:strategy[pure-token:maxlen=MAXLEN "
             "pure-token:minid=MINID@6.2.0] oneof:operator?[pure-token:equal='=' "
             "pure-token:approximately='~'] string:threshold integer:count=LIMIT?@6.2.0]",
     .history = "6.2.0 Added the `MINID` trimming strategy and the `LIMIT` option."},
};

}  // namespace

CommandMetaGroup StreamCommandMeta() { return {"stream", kDefs}; }

}  // namespace duet
