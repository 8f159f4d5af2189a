// Metadata of Redis 7.0's "sorted-set" group for COMMAND INFO / DOCS / GETKEYS (see
// command_meta.h). Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15
// reports them; the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "bzmpop",
     .summary = "Pops the lowest or highest scored members of the first non-empty sorted set, "
                "waiting when all are empty.",
     .since = "7.0.0",
     .complexity =
         "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
         "elements in the sorted set, and M being the number of elements popped.",
     .redis = "-5 0 0 0 write,blocking,movablekeys @write,@sortedset,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(2), Keynum(0, 1, 1))},
     .args = "double:timeout integer:numkeys key:key#0* oneof:where[pure-token:min=MIN "
             "pure-token:max=MAX] integer:count=COUNT?"},
    {.name = "bzpopmax",
     .summary = "Pops the highest scored member of the first non-empty sorted set, waiting when "
                "all are empty.",
     .since = "5.0.0",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .redis = "-3 1 -2 1 write,noscript,blocking,fast @write,@sortedset,@fast,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(-2, 1, 0))},
     .args = "key:key#0* double:timeout",
     .history = "6.0.0 `timeout` is interpreted as a double instead of an integer."},
    {.name = "bzpopmin",
     .summary = "Pops the lowest scored member of the first non-empty sorted set, waiting when all "
                "are empty.",
     .since = "5.0.0",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .redis = "-3 1 -2 1 write,noscript,blocking,fast @write,@sortedset,@fast,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(-2, 1, 0))},
     .args = "key:key#0* double:timeout",
     .history = "6.0.0 `timeout` is interpreted as a double instead of an integer."},
    {.name = "zadd",
     .summary = "Adds members with scores to a sorted set, or updates their scores.",
     .since = "1.2.0",
     .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted "
                   "set.",
     .redis = "-4 1 1 1 write,denyoom,fast @write,@sortedset,@fast",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 oneof:condition?@3.0.2[pure-token:nx=NX pure-token:xx=XX] "
             "oneof:comparison?@6.2.0[pure-token:gt=GT pure-token:lt=LT] "
             "pure-token:change=CH?@3.0.2 pure-token:increment=INCR?@3.0.2 "
             "block:score_member*[double:score string:member]",
     .history = "2.4.0 Accepts multiple elements.\n"
                "3.0.2 Added the `XX`, `NX`, `CH` and `INCR` options.\n"
                "6.2.0 Added the `GT` and `LT` options."},
    {.name = "zcard",
     .summary = "Returns the number of members of a sorted set.",
     .since = "1.2.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "zcount",
     .summary = "Counts the members of a sorted set with a score in a range.",
     .since = "2.0.0",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .redis = "4 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 double:min double:max"},
    {.name = "zdiff",
     .summary =
         "Returns the members of a sorted set that are in none of the other given sorted sets.",
     .since = "6.2.0",
     .complexity =
         "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
         "sets, N is the size of the first set, and K is the size of the result set.",
     .redis = "-3 0 0 0 readonly,movablekeys @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* pure-token:withscores=WITHSCORES?"},
    {.name = "zdiffstore",
     .summary =
         "Stores the members of a sorted set that are in none of the other given sorted sets.",
     .since = "6.2.0",
     .complexity =
         "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
         "sets, N is the size of the first set, and K is the size of the result set.",
     .redis = "-4 1 1 1 write,denyoom,movablekeys @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Keynum(0, 1, 1))},
     .args = "key:destination#0 integer:numkeys key:key#1*"},
    {.name = "zincrby",
     .summary = "Adds a number to the score of a member of a sorted set.",
     .since = "1.2.0",
     .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
     .redis = "4 1 1 1 write,denyoom,fast @write,@sortedset,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:increment string:member"},
    {.name = "zinter",
     .summary = "Returns the members common to all the given sorted sets, with combined scores.",
     .since = "6.2.0",
     .complexity =
         "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K "
         "being the number of input sorted sets and M being the number of elements in the "
         "resulting sorted set.",
     .redis = "-3 0 0 0 readonly,movablekeys @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* integer:weight=WEIGHTS?* "
             "oneof:aggregate=AGGREGATE?[pure-token:sum=SUM pure-token:min=MIN "
             "pure-token:max=MAX] pure-token:withscores=WITHSCORES?"},
    {.name = "zintercard",
     .summary = "Counts the members common to all the given sorted sets, optionally up to a limit.",
     .since = "7.0.0",
     .complexity =
         "O(N*K) worst case with N being the smallest input sorted set, K being the number "
         "of input sorted sets.",
     .redis = "-3 0 0 0 readonly,movablekeys @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* integer:limit=LIMIT?"},
    {.name = "zinterstore",
     .summary = "Stores the members common to all the given sorted sets, with combined scores.",
     .since = "2.0.0",
     .complexity =
         "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K "
         "being the number of input sorted sets and M being the number of elements in the "
         "resulting sorted set.",
     .redis = "-4 1 1 1 write,denyoom,movablekeys @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Keynum(0, 1, 1))},
     .args = "key:destination#0 integer:numkeys key:key#1* integer:weight=WEIGHTS?* "
             "oneof:aggregate=AGGREGATE?[pure-token:sum=SUM pure-token:min=MIN "
             "pure-token:max=MAX]"},
    {.name = "zlexcount",
     .summary = "Counts the members of a sorted set within a lexicographical range.",
     .since = "2.8.9",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .redis = "4 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:min string:max"},
    {.name = "zmpop",
     .summary = "Pops the lowest or highest scored members of the first non-empty sorted set among "
                "several.",
     .since = "7.0.0",
     .complexity =
         "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
         "elements in the sorted set, and M being the number of elements popped.",
     .redis = "-4 0 0 0 write,movablekeys @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* oneof:where[pure-token:min=MIN pure-token:max=MAX] "
             "integer:count=COUNT?"},
    {.name = "zmscore",
     .summary = "Returns the scores of several members of a sorted set.",
     .since = "6.2.0",
     .complexity = "O(N) where N is the number of members being requested.",
     .redis = "-3 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member*"},
    {.name = "zpopmax",
     .summary = "Removes and returns the highest scored members of a sorted set.",
     .since = "5.0.0",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being "
                   "the number of elements popped.",
     .redis = "-2 1 1 1 write,fast @write,@sortedset,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:count?"},
    {.name = "zpopmin",
     .summary = "Removes and returns the lowest scored members of a sorted set.",
     .since = "5.0.0",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being "
                   "the number of elements popped.",
     .redis = "-2 1 1 1 write,fast @write,@sortedset,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:count?"},
    {.name = "zrandmember",
     .summary = "Returns random members of a sorted set, optionally with their scores.",
     .since = "6.2.0",
     .complexity = "O(N) where N is the number of elements returned",
     .redis = "-2 1 1 1 readonly @read,@sortedset,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 block:options?[integer:count pure-token:withscores=WITHSCORES?]"},
    {.name = "zrange",
     .summary = "Returns the members of a sorted set in a range of ranks, scores or names.",
     .since = "1.2.0",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements returned.",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:start string:stop oneof:sortby?@6.2.0[pure-token:byscore=BYSCORE "
             "pure-token:bylex=BYLEX] pure-token:rev=REV?@6.2.0 "
             "block:offset_count=LIMIT?@6.2.0[integer:offset integer:count] "
             "pure-token:withscores=WITHSCORES?",
     .history = "6.2.0 Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."},
    {.name = "zrangebylex",
     .summary = "Returns the members of a sorted set within a lexicographical range.",
     .since = "2.8.9",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the "
         "number of elements being returned. If M is constant (e.g. always asking for the "
         "first 10 elements with LIMIT), you can consider it O(log(N)).",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:min string:max block:offset_count=LIMIT?[integer:offset "
             "integer:count]",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYLEX` argument"},
    {.name = "zrangebyscore",
     .summary = "Returns the members of a sorted set with a score in a range.",
     .since = "1.0.5",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the "
         "number of elements being returned. If M is constant (e.g. always asking for the "
         "first 10 elements with LIMIT), you can consider it O(log(N)).",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 double:min double:max pure-token:withscores=WITHSCORES?@2.0.0 "
             "block:offset_count=LIMIT?[integer:offset integer:count]",
     .history = "2.0.0 Added the `WITHSCORES` modifier.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYSCORE` argument"},
    {.name = "zrangestore",
     .summary = "Stores the members of a sorted set in a range of ranks, scores or names.",
     .since = "6.2.0",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements stored into the destination key.",
     .redis = "-5 1 2 1 write,denyoom @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "key:dst#0 key:src#1 string:min string:max oneof:sortby?[pure-token:byscore=BYSCORE "
             "pure-token:bylex=BYLEX] pure-token:rev=REV? "
             "block:offset_count=LIMIT?[integer:offset integer:count]"},
    {.name = "zrank",
     .summary = "Returns the rank of a member of a sorted set, lowest score first.",
     .since = "2.0.0",
     .complexity = "O(log(N))",
     .redis = "3 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member"},
    {.name = "zrem",
     .summary = "Removes members from a sorted set.",
     .since = "1.2.0",
     .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the "
                   "number of elements to be removed.",
     .redis = "-3 1 1 1 write,fast @write,@sortedset,@fast",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member*",
     .history = "2.4.0 Accepts multiple elements."},
    {.name = "zremrangebylex",
     .summary = "Removes the members of a sorted set within a lexicographical range.",
     .since = "2.8.9",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation.",
     .redis = "4 1 1 1 write @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:min string:max"},
    {.name = "zremrangebyrank",
     .summary = "Removes the members of a sorted set within a range of ranks.",
     .since = "2.0.0",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation.",
     .redis = "4 1 1 1 write @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:start integer:stop"},
    {.name = "zremrangebyscore",
     .summary = "Removes the members of a sorted set with a score in a range.",
     .since = "1.2.0",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements removed by the operation.",
     .redis = "4 1 1 1 write @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 double:min double:max"},
    {.name = "zrevrange",
     .summary = "Returns the members of a sorted set in a range of ranks, highest score first.",
     .since = "1.2.0",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the "
                   "number of elements returned.",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:start integer:stop pure-token:withscores=WITHSCORES?",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` argument"},
    {.name = "zrevrangebylex",
     .summary =
         "Returns the members of a sorted set within a lexicographical range, in reverse order.",
     .since = "2.8.9",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the "
         "number of elements being returned. If M is constant (e.g. always asking for the "
         "first 10 elements with LIMIT), you can consider it O(log(N)).",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:max string:min block:offset_count=LIMIT?[integer:offset "
             "integer:count]",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments"},
    {.name = "zrevrangebyscore",
     .summary = "Returns the members of a sorted set with a score in a range, highest score first.",
     .since = "2.2.0",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the "
         "number of elements being returned. If M is constant (e.g. always asking for the "
         "first 10 elements with LIMIT), you can consider it O(log(N)).",
     .redis = "-4 1 1 1 readonly @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 double:max double:min pure-token:withscores=WITHSCORES? "
             "block:offset_count=LIMIT?[integer:offset integer:count]",
     .history = "2.1.6 `min` and `max` can be exclusive.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments"},
    {.name = "zrevrank",
     .summary = "Returns the rank of a member of a sorted set, highest score first.",
     .since = "2.0.0",
     .complexity = "O(log(N))",
     .redis = "3 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member"},
    {.name = "zscan",
     .summary = "Iterates over the members and scores of a sorted set in steps.",
     .since = "2.8.0",
     .complexity =
         "O(1) for every call. O(N) for a complete iteration, including enough command "
         "calls for the cursor to return back to 0. N is the number of elements inside the "
         "collection..",
     .redis = "-3 1 1 1 readonly @read,@sortedset,@slow",
     .tips = "nondeterministic_output",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:cursor pattern:pattern=MATCH? integer:count=COUNT?"},
    {.name = "zscore",
     .summary = "Returns the score of a member of a sorted set.",
     .since = "1.2.0",
     .complexity = "O(1)",
     .redis = "3 1 1 1 readonly,fast @read,@sortedset,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member"},
    {.name = "zunion",
     .summary = "Returns the members of all the given sorted sets together, with combined scores.",
     .since = "6.2.0",
     .complexity =
         "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and "
         "M being the number of elements in the resulting sorted set.",
     .redis = "-3 0 0 0 readonly,movablekeys @read,@sortedset,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* integer:weight=WEIGHTS?* "
             "oneof:aggregate=AGGREGATE?[pure-token:sum=SUM pure-token:min=MIN "
             "pure-token:max=MAX] pure-token:withscores=WITHSCORES?"},
    {.name = "zunionstore",
     .summary = "Stores the members of all the given sorted sets together, with combined scores.",
     .since = "2.0.0",
     .complexity =
         "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and "
         "M being the number of elements in the resulting sorted set.",
     .redis = "-4 1 1 1 write,denyoom,movablekeys @write,@sortedset,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Keynum(0, 1, 1))},
     .args = "key:destination#0 integer:numkeys key:key#1* integer:weight=WEIGHTS?* "
             "oneof:aggregate=AGGREGATE?[pure-token:sum=SUM pure-token:min=MIN "
             "pure-token:max=MAX]"},
};

}  // namespace

CommandMetaGroup SortedSetCommandMeta() { return {"sorted-set", kDefs}; }

}  // namespace duet
