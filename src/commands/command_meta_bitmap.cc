// Metadata of Redis 7.0's "bitmap" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "bitcount",
     .summary = "Counts the bits set to 1 in a string, optionally within a byte or bit range.",
     .since = "2.6.0",
     .complexity = "O(N)",
     .redis = "-2 1 1 1 readonly @read,@bitmap,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 block:index?[integer:start integer:end "
             "oneof:index_unit?@7.0.0[pure-token:byte=BYTE pure-token:bit=BIT]]",
     .history = "7.0.0 Added the `BYTE|BIT` option."},
    {.name = "bitfield",
     .summary = "Reads, writes and increments integer fields of any width packed in a string.",
     .since = "3.2.0",
     .complexity = "O(1) for each subcommand specified",
     .redis = "-2 1 1 1 write,denyoom @write,@bitmap,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags, Index(1),
                        Range(0, 1, 0),
                        "This command allows both access and modification of the key")},
     .args = "key:key#0 oneof:operation?*[block:encoding_offset=GET[string:encoding "
             "integer:offset] block:write[oneof:wrap_sat_fail=OVERFLOW?[pure-token:wrap=WRAP "
             "pure-token:sat=SAT pure-token:fail=FAIL] "
             "oneof:write_operation[block:encoding_offset_value=SET[string:encoding "
             "integer:offset integer:value] "
             "block:encoding_offset_increment=INCRBY[string:encoding integer:offset "
             "integer:increment]]]]"},
    {.name = "bitfield_ro",
     .summary = "Reads integer fields packed in a string; the read-only form of BITFIELD.",
     .since = "6.0.0",
     .complexity = "O(1) for each subcommand specified",
     .redis = "-2 1 1 1 readonly,fast @read,@bitmap,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 block:encoding_offset=GET?*+[string:encoding integer:offset]"},
    {.name = "bitop",
     .summary = "Combines strings bit by bit with AND, OR, XOR or NOT and stores the result.",
     .since = "2.6.0",
     .complexity = "O(N)",
     .redis = "-4 2 -1 1 write,denyoom @write,@bitmap,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(2), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(3), Range(-1, 1, 0))},
     .args = "string:operation key:destkey#0 key:key#1*"},
    {.name = "bitpos",
     .summary = "Returns the position of the first bit with the given value in a string.",
     .since = "2.8.7",
     .complexity = "O(N)",
     .redis = "-3 1 1 1 readonly @read,@bitmap,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:bit block:index?[integer:start block:end_index?[integer:end "
             "oneof:index_unit?@7.0.0[pure-token:byte=BYTE pure-token:bit=BIT]]]",
     .history = "7.0.0 Added the `BYTE|BIT` option."},
    {.name = "getbit",
     .summary = "Returns the bit at an offset of a string.",
     .since = "2.2.0",
     .complexity = "O(1)",
     .redis = "3 1 1 1 readonly,fast @read,@bitmap,@fast",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:offset"},
    {.name = "setbit",
     .summary = "Sets or clears the bit at an offset of a string.",
     .since = "2.2.0",
     .complexity = "O(1)",
     .redis = "4 1 1 1 write,denyoom @write,@bitmap,@slow",
     .key_specs = {Spec(kKeyRW | kKeyAccess | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 integer:offset integer:value"},
};

}  // namespace

CommandMetaGroup BitmapCommandMeta() { return {"bitmap", kDefs}; }

}  // namespace duet
