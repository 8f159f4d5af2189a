// Metadata of Redis 7.0's "list" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "blmove",
     .summary =
         "Moves an element between two lists, waiting for one to arrive when the source is empty.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "6 1 2 1 write,denyoom,noscript,blocking @write,@list,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:source#0 key:destination#1 oneof:wherefrom[pure-token:left=LEFT "
             "pure-token:right=RIGHT] oneof:whereto[pure-token:left=LEFT pure-token:right=RIGHT] "
             "double:timeout"},
    {.name = "blmpop",
     .summary =
         "Pops elements from the first non-empty list among several, waiting when all are empty.",
     .since = "7.0.0",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements "
                   "returned.",
     .redis = "-5 0 0 0 write,blocking,movablekeys @write,@list,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(2), Keynum(0, 1, 1))},
     .args = "double:timeout integer:numkeys key:key#0* oneof:where[pure-token:left=LEFT "
             "pure-token:right=RIGHT] integer:count=COUNT?"},
    {.name = "blpop",
     .summary = "Pops the first element of the first non-empty list, waiting when all are empty.",
     .since = "2.0.0",
     .complexity = "O(N) where N is the number of provided keys.",
     .redis = "-3 1 -2 1 write,noscript,blocking @write,@list,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(-2, 1, 0))},
     .args = "key:key#0* double:timeout",
     .history = "6.0.0 `timeout` is interpreted as a double instead of an integer."},
    {.name = "brpop",
     .summary = "Pops the last element of the first non-empty list, waiting when all are empty.",
     .since = "2.0.0",
     .complexity = "O(N) where N is the number of provided keys.",
     .redis = "-3 1 -2 1 write,noscript,blocking @write,@list,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(-2, 1, 0))},
     .args = "key:key#0* double:timeout",
     .history = "6.0.0 `timeout` is interpreted as a double instead of an integer."},
    {.name = "brpoplpush",
     .summary = "Moves the last element of a list to the head of another, waiting when the source "
                "is empty.",
     .since = "2.2.0",
     .complexity = "O(1)",
     .redis = "4 1 2 1 write,denyoom,noscript,blocking @write,@list,@slow,@blocking",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:source#0 key:destination#1 double:timeout",
     .history = "6.0.0 `timeout` is interpreted as a double instead of an integer.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments"},
    {.name = "lindex",
     .summary = "Returns the element at an index of a list.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at "
                   "index. This makes asking for the first or the last element of the list O(1).",
     .redis = "3 1 1 1 readonly @read,@list,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:index"},
    {.name = "linsert",
     .summary = "Inserts an element before or after a given element of a list.",
     .since = "2.2.0",
     .complexity =
         "O(N) where N is the number of elements to traverse before seeing the value "
         "pivot. This means that inserting somewhere on the left end on the list (head) "
         "can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
     .redis = "5 1 1 1 write,denyoom @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 oneof:where[pure-token:before=BEFORE pure-token:after=AFTER] "
             "string:pivot string:element"},
    {.name = "llen",
     .summary = "Returns the number of elements of a list.",
     .since = "1.0.0",
     .complexity = "O(1)",
     .redis = "2 1 1 1 readonly,fast @read,@list,@fast",
     .key_specs = {Spec(kKeyRO, Index(1), Range(0, 1, 0))},
     .args = "key:key#0"},
    {.name = "lmove",
     .summary = "Moves an element from one end of a list to one end of another.",
     .since = "6.2.0",
     .complexity = "O(1)",
     .redis = "5 1 2 1 write,denyoom @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:source#0 key:destination#1 oneof:wherefrom[pure-token:left=LEFT "
             "pure-token:right=RIGHT] oneof:whereto[pure-token:left=LEFT pure-token:right=RIGHT]"},
    {.name = "lmpop",
     .summary = "Pops elements from the first non-empty list among several.",
     .since = "7.0.0",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements "
                   "returned.",
     .redis = "-4 0 0 0 write,movablekeys @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Keynum(0, 1, 1))},
     .args = "integer:numkeys key:key#0* oneof:where[pure-token:left=LEFT "
             "pure-token:right=RIGHT] integer:count=COUNT?"},
    {.name = "lpop",
     .summary = "Removes and returns elements from the head of a list.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of elements returned",
     .redis = "-2 1 1 1 write,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:count?@6.2.0",
     .history = "6.2.0 Added the `count` argument."},
    {.name = "lpos",
     .summary = "Returns the positions of the elements of a list equal to a value.",
     .since = "6.0.6",
     .complexity =
         "O(N) where N is the number of elements in the list, for the average case. When "
         "searching for elements near the head or the tail of the list, or when the MAXLEN "
         "option is provided, the command may run in constant time.",
     .redis = "-3 1 1 1 readonly @read,@list,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element integer:rank=RANK? integer:num-matches=COUNT? "
             "integer:len=MAXLEN?"},
    {.name = "lpush",
     .summary = "Adds elements at the head of a list.",
     .since = "1.0.0",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments.",
     .redis = "-3 1 1 1 write,denyoom,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element*",
     .history = "2.4.0 Accepts multiple `element` arguments."},
    {.name = "lpushx",
     .summary = "Adds elements at the head of a list only when the list exists.",
     .since = "2.2.0",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments.",
     .redis = "-3 1 1 1 write,denyoom,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element*",
     .history = "4.0.0 Accepts multiple `element` arguments."},
    {.name = "lrange",
     .summary = "Returns the elements of a list between two indexes.",
     .since = "1.0.0",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from "
                   "nearest end (HEAD or TAIL) for large lists; and N is the number of elements in "
                   "the specified range.",
     .redis = "4 1 1 1 readonly @read,@list,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:start integer:stop"},
    {.name = "lrem",
     .summary = "Removes elements equal to a value from a list.",
     .since = "1.0.0",
     .complexity = "O(N+M) where N is the length of the list and M is the number of elements "
                   "removed.",
     .redis = "4 1 1 1 write @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:count string:element"},
    {.name = "lset",
     .summary = "Replaces the element at an index of a list.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last "
                   "element of the list is O(1).",
     .redis = "4 1 1 1 write,denyoom @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:index string:element"},
    {.name = "ltrim",
     .summary = "Keeps only the elements of a list between two indexes.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of elements to be removed by the operation.",
     .redis = "4 1 1 1 write @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:start integer:stop"},
    {.name = "rpop",
     .summary = "Removes and returns elements from the tail of a list.",
     .since = "1.0.0",
     .complexity = "O(N) where N is the number of elements returned",
     .redis = "-2 1 1 1 write,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:count?@6.2.0",
     .history = "6.2.0 Added the `count` argument."},
    {.name = "rpoplpush",
     .summary = "Moves the last element of a list to the head of another.",
     .since = "1.2.0",
     .complexity = "O(1)",
     .redis = "3 1 2 1 write,denyoom @write,@list,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyDelete, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRW | kKeyInsert, Index(2), Range(0, 1, 0))},
     .args = "key:source#0 key:destination#1",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments"},
    {.name = "rpush",
     .summary = "Adds elements at the tail of a list.",
     .since = "1.0.0",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments.",
     .redis = "-3 1 1 1 write,denyoom,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element*",
     .history = "2.4.0 Accepts multiple `element` arguments."},
    {.name = "rpushx",
     .summary = "Adds elements at the tail of a list only when the list exists.",
     .since = "2.2.0",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is "
                   "called with multiple arguments.",
     .redis = "-3 1 1 1 write,denyoom,fast @write,@list,@fast",
     .key_specs = {Spec(kKeyRW | kKeyInsert, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:element*",
     .history = "4.0.0 Accepts multiple `element` arguments."},
};

}  // namespace

CommandMetaGroup ListCommandMeta() { return {"list", kDefs}; }

}  // namespace duet
