#include "common/sha256.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <vector>

namespace duet {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  std::string out(SHA256_DIGEST_LENGTH * 2, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
    out[i * 2] = kHex[md[i] >> 4];
    out[i * 2 + 1] = kHex[md[i] & 15];
  }
  return out;
}

std::string RandomHexChars(size_t n) {
  std::vector<unsigned char> raw(n);
  if (n != 0 && RAND_bytes(raw.data(), static_cast<int>(n)) != 1) {
    // RAND_bytes only fails without an entropy source; fall back to the kernel's.
    FILE* f = fopen("/dev/urandom", "rb");
    if (f) {
      size_t got = fread(raw.data(), 1, n, f);
      (void)got;
      fclose(f);
    }
  }
  std::string out(n, '0');
  for (size_t i = 0; i < n; i++) out[i] = kHex[raw[i] & 15];
  return out;
}

}  // namespace duet
