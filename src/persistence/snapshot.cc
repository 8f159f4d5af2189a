#include "persistence/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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
  s->side_ = std::make_unique<RdbEncoder>(opts.compress);
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

void Snapshot::SwitchDb(int db, RdbEncoder& enc, int* current) {
  if (*current == db) return;
  if (!db_started_[db]) {
    EncodeDbStart(db, start_keys_[db], start_expires_[db], enc);
    db_started_[db] = true;
  } else {
    EncodeSelectDb(db, enc);
  }
  *current = db;
}

void Snapshot::Emit(int db, const Entry& e, uint16_t meta) {
  if (opts_.commands) {
    // While a job's commands are in progress, other keys' wait in the side buffer.
    int& current = active_ ? side_db_ : stream_db_;
    cmd_buf_.clear();
    if (current != db) aof::AppendSelect(db, &cmd_buf_);
    current = db;
    aof::AppendKeyCommands(e, &cmd_buf_);
    (active_ ? *side_ : *enc_).Raw(cmd_buf_);
    keys_processed_++;
    return;
  }
  // While a job's record is in progress, records wait in the side buffer.
  if (active_) {
    SwitchDb(db, *side_, &side_db_);
    EncodeRecord(ks_, opts_.save, e, meta, *side_);
  } else {
    SwitchDb(db, *enc_, &stream_db_);
    EncodeRecord(ks_, opts_.save, e, meta, *enc_);
  }
  keys_processed_++;
}

bool Snapshot::IsBig(const Entry& e) const {
  return opts_.big_weight != 0 && EncodeWeight(e) > opts_.big_weight;
}

void Snapshot::StartJob() {
  Job job = std::move(pending_.front());
  pending_.pop_front();
  KeyTable::SlotRef slot = ks_.db(job.db).table().Find(job.key, job.hash);
  if (!slot) {  // expired and dropped meanwhile: need not be in the image
    jobs_done_++;
    return;
  }
  const auto& e = *static_cast<const Entry*>(slot.get());
  if (opts_.commands) {
    if (stream_db_ != job.db) {
      cmd_buf_.clear();
      aof::AppendSelect(job.db, &cmd_buf_);
      enc_->Raw(cmd_buf_);
      stream_db_ = job.db;
    }
  } else {
    SwitchDb(job.db, *enc_, &stream_db_);
    EncodeRecordHead(ks_, opts_.save, e, slot.meta(), *enc_);
  }
  active_ = std::make_unique<ActiveJob>(std::move(job), e, opts_.commands);
  side_db_ = active_->job.db;
}

bool Snapshot::ContinueJob(size_t units) {
  if (active_->commands_writer) {
    cmd_buf_.clear();
    bool done = active_->commands_writer->Step(&cmd_buf_, units);
    enc_->Raw(cmd_buf_);
    if (!done) return false;
  } else if (!active_->writer->Step(*enc_, units)) {
    return false;
  }
  FinishActiveJob();
  return true;
}

void Snapshot::FinishActiveJob() {
  active_.reset();
  keys_processed_++;
  jobs_done_++;
  if (!side_->buffer().empty()) {
    enc_->Raw(side_->buffer());
    side_->buffer().clear();
    stream_db_ = side_db_;
  }
}

bool Snapshot::FinishJobOf(int db, std::string_view key, uint64_t hash, const Entry* e,
                           uint16_t meta) {
  if (active_ && active_->job.db == db && active_->job.hash == hash && active_->job.key == key) {
    while (!ContinueJob(SIZE_MAX)) {
    }
    return true;
  }
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->db != db || it->hash != hash || it->key != key) continue;
    pending_.erase(it);
    jobs_done_++;
    if (e == nullptr) {
      KeyTable::SlotRef slot = ks_.db(db).table().Find(key, hash);
      if (!slot) return true;
      e = static_cast<const Entry*>(slot.get());
      meta = slot.meta();
    }
    Emit(db, *e, meta);
    return true;
  }
  return false;
}

bool Snapshot::WriteMustWait(int db, std::string_view key) {
  if (cursor_[db] == kEnd && !has_jobs()) return false;
  uint64_t hash = KeyTable::Hash(key);
  if (active_ && active_->job.db == db && active_->job.hash == hash && active_->job.key == key) {
    return true;
  }
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->db != db || it->hash != hash || it->key != key) continue;
    // A writer waits for it: it goes next.
    if (it != pending_.begin()) {
      Job job = std::move(*it);
      pending_.erase(it);
      pending_.push_front(std::move(job));
    }
    return true;
  }
  if (cursor_[db] == kEnd || (hash >> 32) < cursor_[db]) return false;
  DoneSet& d = DonePart(db, hash);
  if (d.count(hash) != 0) return false;
  KeyTable::SlotRef slot = ks_.db(db).table().Find(key, hash);
  if (!slot || !IsBig(*static_cast<const Entry*>(slot.get()))) return false;
  d.insert(hash);  // the cursor skips it: its record comes from the job
  done_keys_++;
  pending_.push_front({db, hash, std::string(key)});  // a writer waits for it: next
  return true;
}

void Snapshot::BeforeWriteSlow(int db, std::string_view key, uint64_t hash) {
  if (has_jobs() && FinishJobOf(db, key, hash, nullptr, 0)) return;
  if (cursor_[db] == kEnd) return;
  if ((hash >> 32) < cursor_[db]) return;  // the cursor has written it already (or skipped)
  if (!DonePart(db, hash).insert(hash).second) return;
  done_keys_++;
  KeyTable::SlotRef slot = ks_.db(db).table().Find(key, hash);
  if (slot) Emit(db, *static_cast<const Entry*>(slot.get()), slot.meta());
}

void Snapshot::BeforeFree(int db, const Entry& e, uint16_t meta) {
  uint64_t hash = KeyTable::Hash(e.key());
  if (has_jobs() && FinishJobOf(db, e.key(), hash, &e, meta)) return;
  if (cursor_[db] == kEnd) return;
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
  // Elements of a job between clock reads (~0.1-0.3 ms of encoding).
  constexpr size_t kJobUnits = 2048;
  for (;;) {
    if (writer_->failed()) break;
    if (has_jobs()) {
      // Jobs first: a held writer may be waiting for one. rdb-key-save-delay paces the
      // cursor only.
      if (writer_->queued_bytes() > opts_.max_queued) {
        throttled_ = true;
        return false;
      }
      if (!active_) {
        StartJob();
        continue;
      }
      bool finished = ContinueJob(opts_.job_step_units ? opts_.job_step_units : kJobUnits);
      if (opts_.job_step_units != 0 && !finished) return false;
      if (MonotonicNowUs() - start >= budget_us) return false;
      continue;
    }
    if (db_ >= cursor_.size()) break;
    int db = static_cast<int>(db_);
    if (cursor_[db] == kEnd) {
      db_++;
      continue;
    }
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
          cursor_keys_++;
          if (IsBig(*e)) {
            pending_.push_back({db, KeyTable::Hash(e->key()), std::string(e->key())});
            return;
          }
          Emit(db, *e, slot.meta());
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
  if (has_jobs()) {  // the writer failed: the file is lost anyway
    active_.reset();
    pending_.clear();
    jobs_done_++;
  }
  if (!opts_.commands) EncodeTrailer(opts_.checksum, *enc_);
  enc_->Finish();  // a sink error shows as the writer's result
  writer_->Close();
  encoded_ = true;
  done_.clear();
  // A failed writer stops the cursors early: later writes have nothing to capture.
  std::fill(cursor_.begin(), cursor_.end(), kEnd);
}

}  // namespace duet::rdb
