#include "types/digest.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/strutil.h"
#include "types/hash_type.h"
#include "types/list_type.h"
#include "types/set_value.h"
#include "types/stream.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::digest {

namespace {

// Redis's object type numbers (OBJ_STRING ... OBJ_STREAM; 5 is OBJ_MODULE).
uint32_t RedisTypeNumber(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return 1;
    case ValueType::kSet:
      return 2;
    case ValueType::kZSet:
      return 3;
    case ValueType::kHash:
      return 4;
    case ValueType::kStream:
      return 6;
  }
  return 0;
}

std::string_view BytesOf(const uint32_t& v) {
  return {reinterpret_cast<const char*>(&v), sizeof(v)};
}

std::string_view BytesOf(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// A (field, value) or (member, score text) pair's digest, xored into `d`.
void XorPair(Digest& d, std::string_view a, std::string_view b) {
  Digest pair{};
  Mix(pair, a);
  Mix(pair, b);
  Xor(d, BytesOf(pair));
}

}  // namespace

void Xor(Digest& d, std::string_view bytes) {
  Sha1Hash h = Sha1(bytes);
  for (size_t j = 0; j < d.size(); j++) d[j] ^= h[j];
}

void Mix(Digest& d, std::string_view bytes) {
  Xor(d, bytes);
  d = Sha1(BytesOf(d));
}

void AddValue(Digest& d, Entry* e) {
  uint32_t type = htonl(RedisTypeNumber(e->type()));
  Mix(d, BytesOf(type));
  switch (e->type()) {
    case ValueType::kString:
      Mix(d, e->str());
      break;
    case ValueType::kList: {
      Quicklist& ql = ValueOf<lists::ListValue>(e)->ql();
      if (ql.size() > 0) {
        ql.Walk(0, true, [&](std::string_view ele) {
          Mix(d, ele);
          return true;
        });
      }
      break;
    }
    case ValueType::kSet:
      ValueOf<SetValue>(e)->ForEach([&](std::string_view m) { Xor(d, m); });
      break;
    case ValueType::kZSet: {
      char buf[32];
      zset::ZSet::Of(e).ForEach([&](std::string_view member, double score) {
        XorPair(d, member, std::string_view(buf, FormatDouble17g(score, buf)));
      });
      break;
    }
    case ValueType::kHash:
      hashes::HashView(e).ForEach(
          [&](std::string_view f, std::string_view v) { XorPair(d, f, v); });
      break;
    case ValueType::kStream:
      // Each entry in ID order: the ID as "<ms>.<seq>", then each field and value, all
      // mixed (consumer groups are not digested), as Redis's xorObjectDigest.
      static_cast<const stream::StreamValue*>(e->object())
          ->ForEachEntry([&](const stream::EntryView& en) {
            char buf[48];
            int n =
                snprintf(buf, sizeof(buf), "%llu.%llu", static_cast<unsigned long long>(en.id.ms),
                         static_cast<unsigned long long>(en.id.seq));
            Mix(d, std::string_view(buf, n));
            for (std::string_view s : en.fv) Mix(d, s);
          });
      break;
  }
  if (e->has_expire()) Xor(d, "!!expire!!");
}

Digest Dataset(Keyspace& ks) {
  Digest final_digest{};
  for (int j = 0; j < ks.db_count(); j++) {
    KeyTable& table = ks.db(j).table();
    if (table.size() == 0) continue;
    uint32_t id = htonl(static_cast<uint32_t>(j));
    Mix(final_digest, BytesOf(id));
    table.ForEach([&](KeyTable::SlotRef s) {
      auto* e = static_cast<Entry*>(s.get());
      Digest kv{};
      Mix(kv, e->key());
      AddValue(kv, e);
      Xor(final_digest, BytesOf(kv));
    });
  }
  return final_digest;
}

std::string Hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace duet::digest
