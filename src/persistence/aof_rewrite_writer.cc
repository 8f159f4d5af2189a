#include "persistence/aof_rewrite_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "common/strutil.h"
#include "types/hash_type.h"
#include "types/list_type.h"
#include "types/set_value.h"
#include "types/stream.h"
#include "types/stream_group.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::aof {
namespace {

void Count(std::string* out, size_t n) {
  char buf[24];
  out->push_back('*');
  out->append(buf, FormatInt64(static_cast<int64_t>(n), buf));
  out->append("\r\n");
}

void Bulk(std::string* out, std::string_view s) {
  char buf[24];
  out->push_back('$');
  out->append(buf, FormatInt64(static_cast<int64_t>(s.size()), buf));
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

void BulkInt(std::string* out, int64_t v) {
  char buf[24];
  Bulk(out, std::string_view(buf, FormatInt64(v, buf)));
}

void BulkUint(std::string* out, uint64_t v) {
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(v));
  Bulk(out, std::string_view(buf, n));
}

void BulkDouble(std::string* out, double d) {
  char buf[40];
  Bulk(out, std::string_view(buf, FormatDouble17g(d, buf)));
}

void BulkId(std::string* out, stream::StreamID id) {
  char buf[48];
  int n = snprintf(buf, sizeof(buf), "%llu-%llu", static_cast<unsigned long long>(id.ms),
                   static_cast<unsigned long long>(id.seq));
  Bulk(out, std::string_view(buf, n));
}

void AppendStream(const Entry& e, std::string* out) {
  const auto& s = *ValueOf<stream::StreamValue>(const_cast<Entry*>(&e));
  std::string_view key = e.key();
  if (s.length() > 0) {
    s.ForEachEntry([&](const stream::EntryView& en) {
      Count(out, 3 + en.fv.size());
      Bulk(out, "XADD");
      Bulk(out, key);
      BulkId(out, en.id);
      for (std::string_view x : en.fv) Bulk(out, x);
    });
  } else {
    // An empty stream: XADD MAXLEN 0 of a dummy entry (Redis's trick).
    Count(out, 7);
    Bulk(out, "XADD");
    Bulk(out, key);
    Bulk(out, "MAXLEN");
    Bulk(out, "0");
    BulkId(out, stream::StreamID{0, 1});
    Bulk(out, "x");
    Bulk(out, "y");
  }
  Count(out, 7);
  Bulk(out, "XSETID");
  Bulk(out, key);
  BulkId(out, s.last_id());
  Bulk(out, "ENTRIESADDED");
  BulkUint(out, s.entries_added());
  Bulk(out, "MAXDELETEDID");
  BulkId(out, s.max_deleted_id());
  for (const auto& [name, g] : s.groups()) {
    Count(out, 7);
    Bulk(out, "XGROUP");
    Bulk(out, "CREATE");
    Bulk(out, key);
    Bulk(out, name);
    BulkId(out, g->last_id);
    Bulk(out, "ENTRIESREAD");
    BulkInt(out, g->entries_read);
    for (const auto& [cname, c] : g->consumers) {
      if (c->pel.empty()) {
        Count(out, 5);
        Bulk(out, "XGROUP");
        Bulk(out, "CREATECONSUMER");
        Bulk(out, key);
        Bulk(out, name);
        Bulk(out, cname);
        continue;
      }
      for (const auto& [id, nack] : c->pel) {
        Count(out, 12);
        Bulk(out, "XCLAIM");
        Bulk(out, key);
        Bulk(out, name);
        Bulk(out, cname);
        Bulk(out, "0");
        BulkId(out, id);
        Bulk(out, "TIME");
        BulkInt(out, nack->delivery_time);
        Bulk(out, "RETRYCOUNT");
        BulkUint(out, nack->delivery_count);
        Bulk(out, "JUSTID");
        Bulk(out, "FORCE");
      }
    }
  }
}

std::string ErrnoText() { return std::strerror(errno); }

void AppendExpire(const Entry& e, std::string* out) {
  if (!e.has_expire()) return;
  out->append("*3\r\n$9\r\nPEXPIREAT\r\n");
  Bulk(out, e.key());
  BulkInt(out, e.expire_ms());
}

}  // namespace

KeyCommandsWriter::KeyCommandsWriter(const Entry& e) : e_(e) {
  auto* mut = const_cast<Entry*>(&e);
  switch (e.type()) {
    case ValueType::kString:
    case ValueType::kStream:
      break;
    case ValueType::kList:
      cmd_ = "RPUSH";
      left_ = ValueOf<lists::ListValue>(mut)->ql().size();
      break;
    case ValueType::kSet: {
      const auto* s = ValueOf<SetValue>(mut);
      cmd_ = "SADD";
      left_ = s->size();
      whole_ = s->encoding() != SetValue::Encoding::kHashtable;
      break;
    }
    case ValueType::kZSet: {
      zset::ZSet z = zset::ZSet::Of(mut);
      cmd_ = "ZADD";
      width_ = 2;
      left_ = z.Size();
      if (left_ != 0) zcursor_ = z.At(0);
      break;
    }
    case ValueType::kHash: {
      hashes::HashView h(mut);
      cmd_ = "HMSET";
      width_ = 2;
      left_ = h.Length();
      whole_ = h.IsPacked();
      break;
    }
  }
}

void KeyCommandsWriter::Item(std::string* out) {
  if (count_ == 0) {
    size_t n = left_ < kRewriteItemsPerCmd ? left_ : kRewriteItemsPerCmd;
    Count(out, 2 + n * width_);
    Bulk(out, cmd_);
    Bulk(out, e_.key());
  }
  if (++count_ == kRewriteItemsPerCmd) count_ = 0;
  left_--;
}

bool KeyCommandsWriter::Elements(std::string* out, size_t units) {
  auto* mut = const_cast<Entry*>(&e_);
  size_t done = 0;
  switch (e_.type()) {
    case ValueType::kList: {
      Quicklist& ql = ValueOf<lists::ListValue>(mut)->ql();
      if (left_ == 0) return true;
      ql.Walk(index_, true, [&](std::string_view ele) {
        Item(out);
        Bulk(out, ele);
        index_++;
        return ++done < units;
      });
      break;
    }
    case ValueType::kSet: {
      const auto* s = ValueOf<SetValue>(mut);
      auto add = [&](std::string_view m) {
        Item(out);
        Bulk(out, m);
        done++;
      };
      if (whole_) {
        s->ForEach(add);
        break;
      }
      do {
        cursor_ = s->ForEachStep(cursor_, add);
      } while (cursor_ != 0 && done < units);
      break;
    }
    case ValueType::kZSet:
      for (; zcursor_.valid() && done < units; zcursor_.Next(), done++) {
        Item(out);
        BulkDouble(out, zcursor_.score());
        Bulk(out, zcursor_.member());
      }
      break;
    case ValueType::kHash: {
      auto add = [&](std::string_view f, std::string_view v) {
        Item(out);
        Bulk(out, f);
        Bulk(out, v);
        done++;
      };
      hashes::HashView h(mut);
      if (whole_) {
        h.ForEach(add);
        break;
      }
      do {
        cursor_ = h.value()->table().Scan(cursor_, [&](hashes::FieldTable::SlotRef s) {
          add(hashes::FieldBlock::Field(s.get()), hashes::FieldBlock::Value(s.get()));
        });
      } while (cursor_ != 0 && done < units);
      break;
    }
    default:
      break;
  }
  return left_ == 0;
}

bool KeyCommandsWriter::Step(std::string* out, size_t units) {
  if (!started_) {
    started_ = true;
    if (e_.type() == ValueType::kString) {
      out->append("*3\r\n$3\r\nSET\r\n");
      Bulk(out, e_.key());
      Bulk(out, e_.str());
    } else if (e_.type() == ValueType::kStream) {
      AppendStream(e_, out);
    }
  }
  if (!cmd_.empty() && !Elements(out, units)) return false;
  AppendExpire(e_, out);
  return true;
}

void AppendKeyCommands(const Entry& e, std::string* out) {
  KeyCommandsWriter w(e);
  while (!w.Step(out, SIZE_MAX)) {
  }
}

void AppendSelect(int db, std::string* out) {
  out->append("*2\r\n$6\r\nSELECT\r\n");
  BulkInt(out, db);
}

void AppendFunctionLoads(const std::vector<std::string_view>& codes, std::string* out) {
  for (std::string_view code : codes) {
    out->append("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n");
    Bulk(out, code);
  }
}

Status WriteCommandsFile(Keyspace& ks, const CommandsFileOptions& opts, const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error("Opening the AOF base file " + path + ": " + ErrnoText());
  std::string buf;
  Status st = Status::Ok();
  auto flush = [&]() {
    size_t done = 0;
    while (done < buf.size() && st.ok()) {
      ssize_t n = write(fd, buf.data() + done, buf.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        st = Status::Error("Write error writing the AOF base file " + path + ": " + ErrnoText());
        break;
      }
      done += static_cast<size_t>(n);
    }
    buf.clear();
  };
  if (opts.timestamp) {
    buf += "#TS:" + std::to_string(opts.now_ms / 1000) + "\r\n";
  }
  AppendFunctionLoads(opts.functions, &buf);
  for (int i = 0; i < ks.db_count() && st.ok(); i++) {
    Db& db = ks.db(i);
    if (db.size() == 0) continue;
    AppendSelect(i, &buf);
    db.table().ForEach([&](KeyTable::SlotRef slot) {
      AppendKeyCommands(*static_cast<const Entry*>(slot.get()), &buf);
      if (buf.size() >= (64u << 10)) flush();
    });
  }
  flush();
  if (st.ok() && fsync(fd) != 0) {
    st = Status::Error("Error syncing the AOF base file " + path + ": " + ErrnoText());
  }
  if (close(fd) != 0 && st.ok()) {
    st = Status::Error("Error closing the AOF base file " + path + ": " + ErrnoText());
  }
  if (!st.ok()) unlink(path.c_str());
  return st;
}

}  // namespace duet::aof
