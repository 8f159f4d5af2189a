// libFuzzer target: RESTORE payloads and whole RDB files, as untrusted input reaches them.
//
// Input: one mode byte, then the bytes. Mode bit 0 clear: a DUMP payload (footer included; the
// checksum is not checked, as under DEBUG SET-SKIP-CHECKSUM-VALIDATION 1); set: an RDB file.
// Invariants: loading never crashes or leaks, and whatever loads can be written again and that
// writing loads back (for a payload: to the same bytes, except for the types whose element
// order is a hash table's). Seeds: fuzz/make_rdb_seeds.py writes them from a live server.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/log.h"
#include "config/config.h"
#include "keyspace/keyspace.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_file.h"
#include "persistence/rdb_format.h"

namespace {

bool OrderIsDeterministic(const duet::Entry& e) {
  switch (e.type()) {
    case duet::ValueType::kHash:
    case duet::ValueType::kSet:
      return e.is_packed() || duet::rdb::ObjectTypeOf(e) == duet::rdb::kTypeSetIntset;
    default:
      return true;
  }
}

void FuzzPayload(std::string_view payload, const duet::Config& config) {
  if (!duet::rdb::VerifyDumpPayload(payload, true)) return;
  duet::Entry* e = nullptr;
  if (duet::rdb::LoadDumpPayload(payload, "k", config, &e) != duet::rdb::LoadOutcome::kOk) return;
  std::string again = duet::rdb::CreateDumpPayload(*e, true);
  duet::Entry* e2 = nullptr;
  if (duet::rdb::LoadDumpPayload(again, "k", config, &e2) != duet::rdb::LoadOutcome::kOk) {
    abort();  // duet wrote a payload it cannot read
  }
  if (OrderIsDeterministic(*e) && duet::rdb::CreateDumpPayload(*e2, true) != again) abort();
  duet::Entry::Free(e2);
  duet::Entry::Free(e);
}

void FuzzFile(const uint8_t* data, size_t size, const duet::Config& config) {
  duet::Keyspace ks(16);
  duet::rdb::LoadOptions opts;
  duet::rdb::LoadStats stats;
  if (!duet::rdb::LoadFromMemory(data, size, ks, config, opts, &stats).ok()) return;
  duet::rdb::RdbEncoder enc(true);
  duet::rdb::EncodeKeyspace(ks, duet::rdb::SaveOptionsFor(config, 0, 0), true, enc);
  const std::string& image = enc.buffer();
  duet::Keyspace ks2(16);
  duet::rdb::LoadStats stats2;
  if (!duet::rdb::LoadFromMemory(reinterpret_cast<const uint8_t*>(image.data()), image.size(), ks2,
                                 config, opts, &stats2)
           .ok()) {
    abort();
  }
  if (stats2.keys_loaded != stats.keys_loaded) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const duet::Config config;
  duet::SetLogLevel(duet::LogLevel::kNothing);  // loading logs skipped keys; keep output quiet
  if ((data[0] & 1) == 0) {
    FuzzPayload({reinterpret_cast<const char*>(data + 1), size - 1}, config);
  } else {
    FuzzFile(data + 1, size - 1, config);
  }
  return 0;
}
