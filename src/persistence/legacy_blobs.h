// Readers for the blob encodings older RDB versions (6..9) embed, and for intset blobs:
//   ziplist  <zlbytes u32><zltail u32><zllen u16> entries <0xFF>; an entry is
//            <prevlen: 1 byte, or 0xFE + u32> <encoding + data> (ziplist.c)
//   zipmap   <zmlen u8> (<len>key<len><free u8>value<free bytes>)* <0xFF>; a len is one
//            byte below 254, or 254 + u32 (zipmap.c)
//   intset   <encoding u32: 2/4/8> <length u32> <elements, sorted ascending>
// Every reader validates the whole blob before calling back (Redis's deep integrity checks:
// sizes, entry bounds, prevlen chain, counts, intset order) and never reads past it.
// Integers are passed as their decimal text.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/function_ref.h"

namespace duet::rdb {

// Calls fn(element) for each element of a ziplist; false (nothing called) when invalid.
bool ForEachZiplistElement(std::string_view zl, FunctionRef<void(std::string_view)> fn);
// Calls fn(key, value) for each pair of a zipmap; false when invalid.
bool ForEachZipmapPair(std::string_view zm,
                       FunctionRef<void(std::string_view, std::string_view)> fn);
// Calls fn(value) for each element of an intset blob; false when invalid.
bool ForEachIntsetElement(std::string_view is, FunctionRef<void(int64_t)> fn);

}  // namespace duet::rdb
