// SHA-1 of a byte string (OpenSSL's one-shot SHA1). Used where Redis hashes with SHA-1 and
// clients compare the bytes: DEBUG DIGEST/DIGEST-VALUE (types/digest.h).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace duet {

using Sha1Hash = std::array<uint8_t, 20>;

Sha1Hash Sha1(std::string_view bytes);

}  // namespace duet
