#include "persistence/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "persistence/aof_rewrite_writer.h"

namespace duet::rdb {

Status Snapshot::Start(Keyspace& ks, const Options& opts, int64_t now_us,
                       std::unique_ptr<Snapshot>* out) {
  int fd = open(opts.tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::string dir = ".";
    if (size_t slash = opts.tmp_path.rfind('/'); slash != std::string::npos) {
      dir = opts.tmp_path.substr(0, slash);
    }
    return Status::Error("Failed opening the temp RDB file " + opts.tmp_path +
                         " (in server root dir " + dir + ") for saving: " + std::strerror(errno));
  }
  std::unique_ptr<Snapshot> s(new Snapshot(ks, opts));
  s->writer_ = std::make_unique<ChunkWriter>(fd, opts.tmp_path, opts.final_path);
  ChunkWriter* w = s->writer_.get();
  s->enc_ = std::make_unique<RdbEncoder>(opts.compress, [w](std::string_view chunk) {
    if (w->failed()) return Status::Error("write failed");
    w->Push(std::string(chunk));
    return Status::Ok();
  });
  s->start_us_ = now_us;
  int n = ks.db_count();
  s->cursor_.assign(n, kEnd);
  s->done_.resize(n);
  s->done_freed_.assign(n, 0);
  s->start_keys_.assign(n, 0);
  s->start_expires_.assign(n, 0);
  s->db_started_.assign(n, false);
  for (int i = 0; i < n; i++) {
    Db& db = ks.db(i);
    if (db.size() == 0) continue;  // nothing of it is in the image
    s->cursor_[i] = 0;
    s->done_[i].resize(kDoneParts);
    s->start_keys_[i] = db.size();
    s->start_expires_[i] = db.expires_size();
    s->keys_total_ += db.size();
  }
  if (opts.commands) {
    std::string head;
    if (opts.timestamp) head += "#TS:" + std::to_string(opts.save.now_ms / 1000) + "\r\n";
    aof::AppendFunctionLoads(opts.save.functions, &head);
    s->enc_->Raw(head);
  } else {
    EncodeHeader(opts.save, *s->enc_);
  }
  s->opts_.save.functions.clear();  // they view the caller's store: encoded, not kept
  *out = std::move(s);
  return Status::Ok();
}

Snapshot::~Snapshot() {
  if (writer_) writer_->Abort();
}

void Snapshot::Emit(int db, const Entry& e, uint16_t meta) {
  if (opts_.commands) {
    cmd_buf_.clear();
    if (stream_db_ != db) aof::AppendSelect(db, &cmd_buf_);
    stream_db_ = db;
    aof::AppendKeyCommands(e, &cmd_buf_);
    enc_->Raw(cmd_buf_);
    keys_processed_++;
    return;
  }
  if (stream_db_ != db) {
    if (!db_started_[db]) {
      EncodeDbStart(db, start_keys_[db], start_expires_[db], *enc_);
      db_started_[db] = true;
    } else {
      EncodeSelectDb(db, *enc_);
    }
    stream_db_ = db;
  }
  EncodeRecord(ks_, opts_.save, e, meta, *enc_);
  keys_processed_++;
}

void Snapshot::BeforeWriteSlow(int db, std::string_view key, uint64_t hash) {
  if ((hash >> 32) < cursor_[db]) return;  // the cursor has written it already (or skipped)
  if (!DonePart(db, hash).insert(hash).second) return;
  done_keys_++;
  KeyTable::SlotRef slot = ks_.db(db).table().Find(key, hash);
  if (slot) Emit(db, *static_cast<const Entry*>(slot.get()), slot.meta());
}

void Snapshot::BeforeFree(int db, const Entry& e, uint16_t meta) {
  if (cursor_[db] == kEnd) return;
  uint64_t hash = KeyTable::Hash(e.key());
  if ((hash >> 32) < cursor_[db]) return;
  if (!DonePart(db, hash).insert(hash).second) return;
  done_keys_++;
  Emit(db, e, meta);
}

bool Snapshot::DelayAllows(int64_t now_us) const {
  if (opts_.key_delay_us <= 0) return true;
  return static_cast<uint64_t>((now_us - start_us_) / opts_.key_delay_us) + 1 > cursor_keys_;
}

bool Snapshot::Step(int64_t now_us, int64_t budget_us) {
  throttled_ = false;
  if (encoded_) return true;
  int64_t start = MonotonicNowUs();
  size_t want = opts_.key_delay_us > 0 ? 1 : 128;
  while (db_ < cursor_.size()) {
    int db = static_cast<int>(db_);
    if (cursor_[db] == kEnd) {
      db_++;
      continue;
    }
    if (writer_->failed()) break;
    if (writer_->queued_bytes() > opts_.max_queued || !DelayAllows(now_us)) {
      throttled_ = true;
      return false;
    }
    uint64_t next = ks_.db(db).table().Scan(
        cursor_[db],
        [&](KeyTable::SlotRef slot) {
          const auto* e = static_cast<const Entry*>(slot.get());
          if (done_keys_ != 0) {
            uint64_t h = KeyTable::Hash(e->key());
            DoneSet& d = DonePart(db, h);
            if (!d.empty()) {
              auto it = d.find(h);
              if (it != d.end()) {
                d.erase(it);  // passed: never asked about again
                done_keys_--;
                return;
              }
            }
          }
          Emit(db, *e, slot.meta());
          cursor_keys_++;
        },
        want);
    cursor_[db] = next == 0 ? kEnd : next;
    FreePassedDoneParts(db);
    if (opts_.key_delay_us > 0) now_us = MonotonicNowUs();
    if (MonotonicNowUs() - start >= budget_us) return false;
  }
  // Redis sleeps after each key: the image is complete once the last key's delay passed too.
  if (opts_.key_delay_us > 0 && !writer_->failed() &&
      now_us - start_us_ < static_cast<int64_t>(cursor_keys_) * opts_.key_delay_us) {
    throttled_ = true;
    return false;
  }
  FinishEncoding();
  return true;
}

void Snapshot::FreePassedDoneParts(int db) {
  size_t passed =
      cursor_[db] == kEnd ? kDoneParts : static_cast<size_t>(cursor_[db] >> (32 - kDonePartBits));
  while (done_freed_[db] < passed) {
    DoneSet& d = done_[db][done_freed_[db]++];
    done_keys_ -= d.size();
    DoneSet().swap(d);
  }
}

void Snapshot::Drain() {
  while (!encoded_) {
    if (writer_->queued_bytes() > opts_.max_queued) writer_->WaitBelow(opts_.max_queued / 2);
    opts_.key_delay_us = 0;
    Step(MonotonicNowUs(), INT64_MAX / 2);
  }
}

void Snapshot::FinishEncoding() {
  if (!opts_.commands) EncodeTrailer(opts_.checksum, *enc_);
  enc_->Finish();  // a sink error shows as the writer's result
  writer_->Close();
  encoded_ = true;
  done_.clear();
}

}  // namespace duet::rdb
