#include "persistence/dump_payload.h"

#include <cstring>

#include "common/crc64.h"
#include "persistence/rdb_decoder.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_format.h"

namespace duet::rdb {

std::string FinishDumpPayload(RdbEncoder& enc) {
  enc.Byte(static_cast<uint8_t>(kVersion & 0xff));
  enc.Byte(static_cast<uint8_t>(kVersion >> 8));
  uint64_t crc = enc.Crc();
  char b[8];
  std::memcpy(b, &crc, 8);
  enc.Raw({b, 8});
  return std::move(enc.buffer());
}

std::string CreateDumpPayload(const Entry& e, bool compress) {
  RdbEncoder enc(compress);
  enc.Byte(ObjectTypeOf(e));
  SaveObject(enc, e);
  return FinishDumpPayload(enc);
}

bool VerifyDumpPayload(std::string_view payload, bool skip_checksum) {
  if (payload.size() < kDumpFooterBytes) return false;
  const auto* footer =
      reinterpret_cast<const uint8_t*>(payload.data() + payload.size() - kDumpFooterBytes);
  int version = footer[0] | (footer[1] << 8);
  if (version > kVersion) return false;
  if (skip_checksum) return true;
  uint64_t crc = Crc64(0, payload.data(), payload.size() - 8);
  return std::memcmp(&crc, footer + 2, 8) == 0;
}

LoadOutcome LoadDumpPayload(std::string_view payload, std::string_view key, const Config& config,
                            Entry** out, std::string* error) {
  RdbDecoder dec(reinterpret_cast<const uint8_t*>(payload.data()),
                 payload.size() - kDumpFooterBytes);
  uint8_t type;
  LoadOutcome r = LoadOutcome::kError;
  if (dec.Byte(&type)) {
    // Bytes after the value are ignored, as Redis's RESTORE ignores them.
    r = IsObjectType(type)
            ? LoadObject(dec, type, key, config, out)
            : (dec.Fail("Unknown RDB encoding type " + std::to_string(type)), LoadOutcome::kError);
  }
  if (r == LoadOutcome::kError && error != nullptr) *error = dec.error();
  return r;
}

}  // namespace duet::rdb
