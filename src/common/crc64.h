// CRC-64 as Redis computes it (crc64.c: the "Jones" polynomial 0xad93d23594c935a9, reflected
// input and output, initial value 0, no final xor). RDB files and DUMP payloads end with it;
// crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#pragma once

#include <cstddef>
#include <cstdint>

namespace duet {

// Continues the checksum `crc` over `len` bytes at `data` (start with 0). Slicing-by-8:
// about 1.5 bytes per cycle, so checksumming a large RDB is not its bottleneck.
uint64_t Crc64(uint64_t crc, const void* data, size_t len);

}  // namespace duet
