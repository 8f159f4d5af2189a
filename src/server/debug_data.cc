#include "server/debug_data.h"

#include <bit>
#include <climits>
#include <cstdio>
#include <optional>
#include <string>

#include "common/strutil.h"
#include "keyspace/key_ops.h"
#include "persistence/rdb_object.h"
#include "protocol/errors.h"
#include "types/digest.h"
#include "types/hash_type.h"
#include "types/list_type.h"
#include "types/listpack.h"
#include "types/set_value.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::debug {

namespace {

constexpr int64_t kSharedIntegers = 10000;       // OBJ_SHARED_INTEGERS
constexpr int64_t kSharedRefcount = INT32_MAX;   // OBJ_SHARED_REFCOUNT
constexpr int64_t kLruClockMax = (1 << 24) - 1;  // LRU_CLOCK_MAX

// Redis shares the objects of the integers 0..9999 unless an LRU/LFU policy needs per-key
// access data; DEBUG OBJECT shows such a value with the shared object's refcount and age.
bool IsSharedInteger(const Entry& e, const Config& config) {
  if (e.type() != ValueType::kString || e.encoding() != StringEncoding::kInt) return false;
  const std::string& policy = config.maxmemory_policy;
  bool per_key_lru = policy.ends_with("-lru") || policy.ends_with("-lfu");
  if (config.maxmemory != 0 && per_key_lru) return false;
  std::optional<int64_t> v = ParseInt64(e.str());
  return v && *v >= 0 && *v < kSharedIntegers;
}

// Redis's 24-bit object "lru" field for a key's access metadata: the LRU clock in seconds,
// or under LFU (minutes << 8 | counter).
int64_t RedisLruField(uint16_t meta, int64_t now_ms, bool lfu, uint64_t idle_s) {
  if (lfu) {
    // duet keeps the low 8 bits of the minute clock; rebuild Redis's 16 bits from now.
    int64_t minutes = now_ms / 60000;
    int64_t elapsed = static_cast<uint8_t>(static_cast<uint8_t>(minutes) - (meta >> 8));
    return (((minutes - elapsed) & 0xffff) << 8) | (meta & 0xff);
  }
  return (now_ms / 1000 - static_cast<int64_t>(idle_s)) & kLruClockMax;
}

// Redis's estimateObjectIdleTime, in seconds, from the 24-bit field.
int64_t RedisIdleSeconds(int64_t lru, int64_t now_ms) {
  int64_t clock = (now_ms / 1000) & kLruClockMax;
  return clock >= lru ? clock - lru : clock + (kLruClockMax - lru);
}

}  // namespace

void Object(ServerContext& ctx, std::string_view key) {
  // Like Redis's dictFind: no expiry check and no LRU update.
  KeyTable::SlotRef slot = ctx.db().table().Find(key);
  if (!slot) return ctx.reply().Error(errors::kNoSuchKey);
  const auto* e = static_cast<const Entry*>(slot.get());
  const Config& config = ctx.config();
  bool lfu = ctx.keyspace().ctx().lfu;
  int64_t now = ctx.now_ms();
  bool shared = IsSharedInteger(*e, config);
  int64_t lru;
  if (shared) {
    lru = (ctx.server().start_time_ms() / 1000) & kLruClockMax;  // created at startup
  } else {
    lru = RedisLruField(slot.meta(), now, lfu, ctx.keyspace().IdleSeconds(slot.meta()));
  }
  // Non-string values are sized by the RDB writer of their type; until persistence/ exists
  // there is none, and 0 is reported.
  rdb::RdbEncoder enc(config.rdbcompression);  // rdbSavedObjectLen
  rdb::SaveObject(enc, *e);
  size_t serialized = enc.buffer().size();
  char buf[256];
  snprintf(buf, sizeof(buf),
           "Value at:%p refcount:%lld encoding:%.*s serializedlength:%zu lru:%lld "
           "lru_seconds_idle:%lld",
           static_cast<const void*>(e), static_cast<long long>(shared ? kSharedRefcount : 1),
           static_cast<int>(EncodingName(*e).size()), EncodingName(*e).data(), serialized,
           static_cast<long long>(lru), static_cast<long long>(RedisIdleSeconds(lru, now)));
  std::string out = buf;
  if (e->type() == ValueType::kList) {
    // Redis's quicklist figures; ql_listpack_max is the fill option, ql_compressed whether
    // the list has a compress depth.
    const Quicklist& ql = static_cast<const lists::ListValue*>(e->object())->ql();
    snprintf(buf, sizeof(buf),
             " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d "
             "ql_uncompressed_size:%zu",
             ql.node_count(), static_cast<double>(ql.size()) / ql.node_count(), ql.fill(),
             ql.compress_depth() != 0, ql.uncompressed_bytes());
    out += buf;
  }
  ctx.reply().SimpleString(out);
}

void Digest(ServerContext& ctx) {
  ctx.reply().SimpleString(digest::Hex(digest::Dataset(ctx.keyspace())));
}

void DigestValue(ServerContext& ctx, std::span<const std::string_view> keys) {
  ctx.reply().ArrayHeader(keys.size());
  for (std::string_view key : keys) {
    digest::Digest d{};
    // The table itself, not a lookup: Redis digests logically expired keys too.
    KeyTable::SlotRef slot = ctx.db().table().Find(key);
    if (slot) digest::AddValue(d, static_cast<Entry*>(slot.get()));
    ctx.reply().SimpleString(digest::Hex(d));
  }
}

namespace {

// Prints a listpack's elements in the spirit of Redis's lpRepr.
void PrintListpack(const uint8_t* lp_const) {
  auto* lp = const_cast<uint8_t*>(lp_const);  // lp:: walks take mutable pointers; nothing changes
  printf("{total bytes %zu} {num entries %u}\n", lp::Bytes(lp), lp::Length(lp));
  char buf[24];
  size_t index = 0;
  for (uint8_t* p = lp::First(lp); p != nullptr; p = lp::Next(lp, p), index++) {
    std::string_view v = lp::Get(p).View(buf);
    printf("{\n\tindex: %zu,\n\toffset: %zu,\n\telement: %.*s\n}\n", index,
           static_cast<size_t>(p - lp), static_cast<int>(v.size()), v.data());
  }
  printf("{end}\n\n");
  fflush(stdout);
}

}  // namespace

void Listpack(ServerContext& ctx, std::string_view key) {
  Entry* e = keyops::PeekRead(ctx.db(), key);
  if (e == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  if (EncodingName(*e) != "listpack") return ctx.reply().Error(errors::kNotListpack);
  if (e->type() == ValueType::kZSet) {
    std::string_view bytes = e->packed();
    PrintListpack(reinterpret_cast<const uint8_t*>(bytes.data()));
  } else {  // a small hash: packed pairs (types/packed_pairs.h), not a listpack
    size_t index = 0;
    printf("{packed pairs} {num entries %zu}\n", hashes::HashView(e).Length() * 2);
    hashes::HashView(e).ForEach([&](std::string_view f, std::string_view v) {
      printf("{\n\tindex: %zu,\n\telement: %.*s\n}\n", index++, static_cast<int>(f.size()),
             f.data());
      printf("{\n\tindex: %zu,\n\telement: %.*s\n}\n", index++, static_cast<int>(v.size()),
             v.data());
    });
    printf("{end}\n\n");
    fflush(stdout);
  }
  ctx.reply().SimpleString("Listpack structure printed on stdout");
}

void QuicklistRepr(ServerContext& ctx, std::string_view key, bool full) {
  Entry* e = keyops::PeekRead(ctx.db(), key);
  if (e == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  if (e->type() != ValueType::kList) return ctx.reply().Error(errors::kNotQuicklist);
  Quicklist& ql = ValueOf<lists::ListValue>(e)->ql();
  printf("{count : %zu}\n{len : %zu}\n{fill : %d}\n{compress : %d}\n{bookmark_count : 0}\n",
         ql.size(), ql.node_count(), ql.fill(), ql.compress_depth());
  size_t i = 0;
  ql.ForEachNode([&](const Quicklist::NodeView& n) {
    printf("{quicklist node(%zu)\n{container : %s, encoding: %s, size: %zu, count: %zu}\n", i++,
           n.plain ? "PLAIN" : "PACKED", n.was_compressed ? "LZF" : "RAW", n.bytes.size(), n.count);
    if (full && !n.plain) PrintListpack(reinterpret_cast<const uint8_t*>(n.bytes.data()));
    printf("}\n");
  });
  fflush(stdout);
  ctx.reply().SimpleString("Quicklist structure printed on stdout");
}

namespace {

// dictGetStats's opening for a Redis dict of `elements` entries (see debug_data.h).
std::string TableStats(size_t elements) {
  std::string out = "Hash table 0 stats (main hash table):\n";
  if (elements == 0) return out + "No stats available for empty dictionaries\n";
  size_t size = std::max<size_t>(4, std::bit_ceil(elements));
  char buf[160];
  snprintf(buf, sizeof(buf), " table size: %zu\n number of elements: %zu\n", size, elements);
  return out + buf;
}

}  // namespace

void Htstats(ServerContext& ctx, std::string_view dbid) {
  std::optional<int64_t> id = ParseInt64(dbid);
  if (!id) return ctx.reply().Error(errors::kNotInteger);
  if (*id < 0 || *id >= ctx.keyspace().db_count()) return ctx.reply().Error(errors::kOutOfRangeDb);
  Db& db = ctx.keyspace().db(static_cast<int>(*id));
  std::string out = "[Dictionary HT]\n" + TableStats(db.size());
  out += "[Expires HT]\n" + TableStats(db.expires_size());
  ctx.reply().Verbatim(out);
}

void HtstatsKey(ServerContext& ctx, std::string_view key) {
  Entry* e = keyops::PeekRead(ctx.db(), key);
  if (e == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  std::string_view enc = EncodingName(*e);
  size_t elements;
  if (e->type() == ValueType::kSet && enc == "hashtable") {
    elements = ValueOf<SetValue>(e)->size();
  } else if (e->type() == ValueType::kHash && enc == "hashtable") {
    elements = hashes::HashView(e).Length();
  } else if (e->type() == ValueType::kZSet && enc == "skiplist") {
    elements = zset::ZSet::Of(e).Size();
  } else {
    return ctx.reply().Error(errors::kNotHashTable);
  }
  ctx.reply().Verbatim(TableStats(elements));
}

}  // namespace duet::debug
