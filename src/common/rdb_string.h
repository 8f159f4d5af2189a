// The RDB encodings of lengths and strings (Redis's rdbSaveLen / rdbSaveRawString and their
// loaders): what FUNCTION DUMP/RESTORE payloads and, later, RDB files are made of.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace duet::rdb {

inline constexpr uint8_t kOpcodeFunction = 246;   // 7.0 release candidates' format
inline constexpr uint8_t kOpcodeFunction2 = 245;  // name, engine and code in one string
inline constexpr uint16_t kRdbVersion = 10;

// Appends `len` as 6-bit, 14-bit, 32-bit or 64-bit RDB length.
void AppendLen(std::string* out, uint64_t len);
// Appends `s` as Redis writes a string: an integer encoding when it is a short canonical
// integer, LZF-compressed when `compress` and it is over 20 bytes and compression saves
// space, else length + bytes.
void AppendString(std::string* out, std::string_view s, bool compress);

// Reads a length at *pos; false when the input ends or is malformed. *encoded is set when
// the length byte announced a special string encoding (then *len is the encoding type).
bool ReadLen(std::string_view in, size_t* pos, uint64_t* len, bool* encoded);
// Reads a string at *pos in any of the encodings above; false on malformed input.
bool ReadString(std::string_view in, size_t* pos, std::string* out);

}  // namespace duet::rdb
