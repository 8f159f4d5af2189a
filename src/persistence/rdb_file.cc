#include "persistence/rdb_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/crc64.h"
#include "common/log.h"
#include "common/version.h"
#include "keyspace/lfu.h"
#include "persistence/function_payload.h"
#include "persistence/rdb_decoder.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_object.h"

namespace duet::rdb {
namespace {

void AuxField(RdbEncoder& enc, std::string_view key, std::string_view value) {
  enc.Byte(kOpAux);
  enc.String(key);
  enc.String(value);
}

void AuxField(RdbEncoder& enc, std::string_view key, int64_t value) {
  enc.Byte(kOpAux);
  enc.String(key);
  enc.Int64String(value);
}

std::string ErrnoText() { return std::strerror(errno); }

// Key records decoded ahead of their insertion. The table lookups of a batch are prefetched
// first (directory entries, then home slots), so their cache misses overlap instead of each
// record stalling on two in turn: with millions of keys nearly every lookup misses. Records
// are inserted in file order (a duplicate key within a batch is found as before).
class InsertBatch {
 public:
  struct Item {
    Db* db;
    Entry* e;
    uint64_t hash;
    int64_t idle;  // -1: none
    int freq;      // -1: none
  };

  InsertBatch(Keyspace& ks, const LoadOptions& opts, LoadStats* stats)
      : ks_(ks), opts_(opts), stats_(stats) {}
  ~InsertBatch() {
    for (size_t i = 0; i < n_; i++) Entry::Free(items_[i].e);
  }

  // Queues a record; Flush() when this returns true (the batch is full).
  bool Push(const Item& item) {
    item.db->table().PrefetchDirectory(item.hash);
    items_[n_++] = item;
    return n_ == kSize;
  }

  // Inserts the queued records. A duplicate key (unless opts.replace) is an error; the
  // records after it are freed.
  Status Flush() {
    for (size_t i = 0; i < n_; i++) items_[i].db->table().Prefetch(items_[i].hash);
    size_t n = n_;
    n_ = 0;
    for (size_t i = 0; i < n; i++) {
      const Item& it = items_[i];
      std::string_view key = it.e->key();
      if (it.db->table().Find(key, it.hash)) {
        if (!opts_.replace) {
          std::string msg = "RDB has duplicated key '" + std::string(key) + "' in DB " +
                            std::to_string(it.db->index());
          for (size_t j = i; j < n; j++) Entry::Free(items_[j].e);
          return Status::Error(msg);
        }
        it.db->Delete(key);
      }
      it.db->Add(it.e, it.hash);
      if (it.idle >= 0 || it.freq >= 0) {
        KeyTable::SlotRef slot = it.db->table().Find(key, it.hash);
        if (it.freq >= 0) {
          slot.set_meta(lfu::Pack(lfu::Minutes(opts_.now_ms), static_cast<uint8_t>(it.freq)));
        } else {
          slot.set_meta(ks_.lru_clock().StampForIdle(static_cast<uint64_t>(it.idle), opts_.now_ms));
        }
      }
      stats_->keys_loaded++;
    }
    return Status::Ok();
  }

 private:
  static constexpr size_t kSize = 16;
  Keyspace& ks_;
  const LoadOptions& opts_;
  LoadStats* stats_;
  Item items_[kSize];
  size_t n_ = 0;
};

}  // namespace

SaveOptions SaveOptionsFor(const Config& config, int64_t now_ms, uint64_t used_mem) {
  SaveOptions o;
  o.now_ms = now_ms;
  o.used_mem = used_mem;
  std::string_view policy = config.maxmemory_policy;
  o.save_freq = lfu::IsLfuPolicy(policy);
  o.save_idle = policy.ends_with("-lru");
  return o;
}

void EncodeHeader(const SaveOptions& opts, RdbEncoder& enc) {
  char magic[10];
  std::snprintf(magic, sizeof(magic), "REDIS%04d", kVersion);
  enc.Raw({magic, 9});
  AuxField(enc, "redis-ver", kRedisVersion);
  AuxField(enc, "redis-bits", static_cast<int64_t>(sizeof(void*) * 8));
  AuxField(enc, "ctime", opts.now_ms / 1000);
  AuxField(enc, "used-mem", static_cast<int64_t>(opts.used_mem));
  AuxField(enc, "aof-base", opts.aof_base ? 1 : 0);
  WriteFunctions(enc, opts.functions);
}

void EncodeDbStart(int index, uint64_t keys, uint64_t expires, RdbEncoder& enc) {
  enc.Byte(kOpSelectDb);
  enc.Length(static_cast<uint64_t>(index));
  enc.Byte(kOpResizeDb);
  enc.Length(keys);
  enc.Length(expires);
}

void EncodeSelectDb(int index, RdbEncoder& enc) {
  enc.Byte(kOpSelectDb);
  enc.Length(static_cast<uint64_t>(index));
}

void EncodeRecordHead(Keyspace& ks, const SaveOptions& opts, const Entry& e, uint16_t meta,
                      RdbEncoder& enc) {
  if (e.has_expire()) {
    enc.Byte(kOpExpireTimeMs);
    enc.Millis(e.expire_ms());
  }
  if (opts.save_idle) {
    enc.Byte(kOpIdle);
    enc.Length(ks.IdleSeconds(meta));
  } else if (opts.save_freq) {
    const KeyspaceContext& ctx = ks.ctx();
    enc.Byte(kOpFreq);
    enc.Byte(lfu::DecayedCounter(meta, ctx.now_ms, ctx.lfu_decay_time));
  }
  enc.Byte(ObjectTypeOf(e));
  enc.String(e.key());
}

void EncodeRecord(Keyspace& ks, const SaveOptions& opts, const Entry& e, uint16_t meta,
                  RdbEncoder& enc) {
  EncodeRecordHead(ks, opts, e, meta, enc);
  SaveObject(enc, e);
}

void EncodeTrailer(bool checksum, RdbEncoder& enc) {
  enc.Byte(kOpEof);
  uint64_t crc = checksum ? enc.Crc() : 0;
  char b[8];
  std::memcpy(b, &crc, 8);
  enc.Raw({b, 8});
}

void EncodeKeyspace(Keyspace& ks, const SaveOptions& opts, bool checksum, RdbEncoder& enc) {
  EncodeHeader(opts, enc);
  for (int i = 0; i < ks.db_count(); i++) {
    Db& db = ks.db(i);
    if (db.size() == 0) continue;
    EncodeDbStart(i, db.size(), db.expires_size(), enc);
    db.table().ForEach([&](KeyTable::SlotRef slot) {
      EncodeRecord(ks, opts, *static_cast<const Entry*>(slot.get()), slot.meta(), enc);
      if (opts.after_key) opts.after_key();
    });
  }
  EncodeTrailer(checksum, enc);
}

namespace {

std::string DirOfPath(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

std::string TempSavePath(const std::string& path) {
  return DirOfPath(path) + "/temp-" + std::to_string(getpid()) + ".rdb";
}

Status SaveToFile(Keyspace& ks, const Config& config, const SaveOptions& opts,
                  const std::string& path) {
  std::string dir = DirOfPath(path);
  std::string tmp = TempSavePath(path);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Error("Failed opening the temp RDB file " + tmp + " (in server root dir " + dir +
                         ") for saving: " + ErrnoText());
  }
  RdbEncoder enc(config.rdbcompression, [fd](std::string_view chunk) {
    while (!chunk.empty()) {
      ssize_t n = write(fd, chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::Error("Write error saving DB on disk: " + ErrnoText());
      }
      chunk.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  });
  EncodeKeyspace(ks, opts, config.rdbchecksum, enc);
  Status st = enc.Finish();
  if (st.ok() && fsync(fd) != 0)
    st = Status::Error("Write error saving DB on disk: " + ErrnoText());
  close(fd);
  if (st.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::Error("Error moving temp DB file " + tmp + " on the final destination " + path +
                       " (in server root dir " + dir + "): " + ErrnoText());
  }
  if (!st.ok()) unlink(tmp.c_str());
  return st;
}

Status LoadFromMemory(const uint8_t* data, size_t size, Keyspace& ks, const Config& config,
                      const LoadOptions& opts, LoadStats* stats) {
  RdbDecoder dec(data, size);
  std::string_view magic;
  if (!dec.Bytes(9, &magic) || magic.substr(0, 5) != "REDIS") {
    return Status::Error("Wrong signature trying to load DB from file");
  }
  int version = 0;
  for (char c : magic.substr(5)) {
    if (c < '0' || c > '9') return Status::Error("Wrong signature trying to load DB from file");
    version = version * 10 + (c - '0');
  }
  if (version < kMinVersion || version > kVersion) {
    return Status::Error("Can't handle RDB format version " + std::to_string(version));
  }
  stats->version = version;
  InsertBatch batch(ks, opts, stats);
  // The keys read before an error are loaded (the caller exits or flushes).
  auto fail = [&](std::string_view what) {
    dec.Fail(what);
    Status st = batch.Flush();
    if (!st.ok()) return st;
    return Status::Error("Short read or OOM loading DB. Unrecoverable error, aborting now: " +
                         dec.error());
  };
  Db* db = &ks.db(0);
  int64_t expire_ms = Entry::kNoExpire;
  int64_t idle = -1;
  int freq = -1;
  std::string key, aux_value;
  const size_t interval = opts.on_progress ? opts.progress_interval : 0;
  size_t next_progress = interval ? interval : SIZE_MAX;
  while (true) {
    if (dec.pos() >= next_progress) {
      next_progress = (dec.pos() / interval + 1) * interval;
      if (!opts.on_progress(dec.pos())) return Status::Error(std::string(kLoadStopped));
    }
    uint8_t type;
    if (!dec.Byte(&type)) return fail("reading the type");
    if (!IsObjectType(type) && type != kOpExpireTime && type != kOpExpireTimeMs &&
        type != kOpFreq && type != kOpIdle) {
      // Everything but a key record and its prefixes sees the keys read so far inserted.
      if (Status st = batch.Flush(); !st.ok()) return st;
    }
    switch (type) {
      case kOpExpireTime: {
        int32_t s;
        if (!dec.Seconds(&s)) return fail("reading an expire time");
        expire_ms = int64_t{s} * 1000;
        continue;
      }
      case kOpExpireTimeMs:
        if (!dec.Millis(&expire_ms)) return fail("reading an expire time");
        continue;
      case kOpFreq: {
        uint8_t f;
        if (!dec.Byte(&f)) return fail("reading a FREQ");
        freq = f;
        continue;
      }
      case kOpIdle: {
        uint64_t v;
        if (!dec.Length(&v)) return fail("reading an IDLE");
        idle = static_cast<int64_t>(v);
        continue;
      }
      case kOpEof:
        break;
      case kOpSelectDb: {
        uint64_t id;
        if (!dec.Length(&id)) return fail("reading a SELECTDB");
        if (id >= static_cast<uint64_t>(ks.db_count())) {
          return Status::Error(
              "FATAL: Data file was created with a Redis server configured to handle more than " +
              std::to_string(ks.db_count()) + " databases. Exiting");
        }
        db = &ks.db(static_cast<int>(id));
        continue;
      }
      case kOpResizeDb: {
        uint64_t a, b;
        if (!dec.Length(&a) || !dec.Length(&b)) return fail("reading a RESIZEDB");
        // Sized up front (as Redis's dictExpand) so the tables do not grow key by key. A
        // record takes at least 3 bytes (type, key length, value), which bounds what a
        // corrupt count can make us allocate.
        uint64_t most = dec.remaining() / 3;
        db->Reserve(static_cast<size_t>(std::min(a, most)), static_cast<size_t>(std::min(b, most)));
        continue;
      }
      case kOpAux:
        if (!dec.String(&key) || !dec.String(&aux_value)) return fail("reading an aux field");
        if (opts.on_used_mem && key == "used-mem") {
          opts.on_used_mem(std::strtoull(aux_value.c_str(), nullptr, 10));
        }
        continue;
      case kOpModuleAux:
        return fail("module aux data is not supported");
      case kOpFunction:
      case kOpFunction2: {
        std::string code, err;
        if (!ReadFunction(dec, type, &code, &err) ||
            (opts.on_function && !opts.on_function(code, &err))) {
          return fail("Failed loading library, " + err);
        }
        stats->functions++;
        continue;
      }
      default: {
        if (!IsObjectType(type)) return fail("unknown RDB type " + std::to_string(type));
        if (!dec.String(&key)) return fail("reading a key");
        Entry* e = nullptr;
        LoadOutcome r = LoadObject(dec, type, key, config, &e);
        if (r == LoadOutcome::kError) return fail("loading the value of a key");
        bool expired = expire_ms != Entry::kNoExpire && !opts.aof_preamble && !opts.keep_expired &&
                       expire_ms < opts.now_ms;
        if (r == LoadOutcome::kEmpty || expired) {
          if (e != nullptr) Entry::Free(e);
          if (r == LoadOutcome::kEmpty) {
            Log(LogLevel::kWarning, "rdbLoadObject skipping empty key: {}", key);
            stats->empty_keys_skipped++;
          }
          if (expired && r == LoadOutcome::kOk) stats->keys_expired++;
        } else {
          if (expire_ms != Entry::kNoExpire) e = Entry::WithExpire(e, expire_ms);
          if (batch.Push({db, e, KeyTable::Hash(key), idle, freq})) {
            if (Status st = batch.Flush(); !st.ok()) return st;
          }
        }
        if (opts.on_key) opts.on_key();
        expire_ms = Entry::kNoExpire;
        idle = -1;
        freq = -1;
        continue;
      }
    }
    break;  // EOF
  }
  if (version >= 5) {
    size_t crc_end = dec.pos();
    std::string_view b;
    if (!dec.Bytes(8, &b)) return fail("reading the checksum");
    uint64_t stored;
    std::memcpy(&stored, b.data(), 8);
    if (config.rdbchecksum && stored != 0) {
      uint64_t actual = Crc64(0, data, crc_end);
      if (actual != stored) {
        char msg[128];
        std::snprintf(
            msg, sizeof(msg),
            "RDB CRC error: wrong RDB checksum expected: (%llx) got (%llx). Aborting now.",
            static_cast<unsigned long long>(stored), static_cast<unsigned long long>(actual));
        return Status::Error(msg);
      }
    }
  }
  stats->bytes_read = dec.pos();
  return Status::Ok();
}

Status LoadFromFile(const std::string& path, Keyspace& ks, const Config& config,
                    const LoadOptions& opts, LoadStats* stats, bool* missing) {
  *missing = false;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *missing = true;
      return Status::Ok();
    }
    return Status::Error("Fatal error loading the DB: " + ErrnoText() + ". Exiting.");
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return Status::Error("Fatal error loading the DB: " + ErrnoText() + ". Exiting.");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    close(fd);
    return Status::Error(
        "Short read or OOM loading DB. Unrecoverable error, aborting now: "
        "empty file " +
        path);
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    return Status::Error("Fatal error loading the DB: " + ErrnoText() + ". Exiting.");
  }
  madvise(map, size, MADV_SEQUENTIAL);
  Status s = LoadFromMemory(static_cast<const uint8_t*>(map), size, ks, config, opts, stats);
  munmap(map, size);
  if (!s.ok() && s.message() != kLoadStopped) {
    return Status::Error(s.message() + " (file " + path + ")");
  }
  return s;
}

}  // namespace duet::rdb
