// SHA-256 of a byte string as 64 lower-case hex digits (OpenSSL's one-shot SHA256): how ACL
// passwords are stored, compared and shown (ACL GETUSER, ACL LIST, aclfile), as in Redis.
#pragma once

#include <string>
#include <string_view>

namespace duet {

std::string Sha256Hex(std::string_view bytes);

// `n` random lower-case hex digits from the system's CSPRNG (ACL GENPASS).
std::string RandomHexChars(size_t n);

}  // namespace duet
