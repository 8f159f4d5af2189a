#include "common/sha1.h"

#include <openssl/sha.h>

namespace duet {

Sha1Hash Sha1(std::string_view bytes) {
  Sha1Hash out;
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

}  // namespace duet
