// Snapshot: a fork-less, point-in-time image of the keyspace written while the server keeps
// serving (BGSAVE, save points, the base of an AOF rewrite): an RDB file, or for an AOF base
// with aof-use-rdb-preamble no the commands form of persistence/aof_rewrite_writer.h.
//
// Design (serialize-on-write over the key tables' hash-prefix order, see docs/architecture.md
// "Background snapshots"): each database has a cursor in SegmentedTable's 32-bit hash-prefix
// space (the SCAN cursor: a key's prefix never changes and splits never skip or repeat a
// range). Step() advances the cursors on the event loop in bounded slices, encoding every key
// in the range it passes; the encoded chunks go to a ChunkWriter thread that writes them to
// the temp file, fsyncs and renames it. Before anything changes or removes a key whose prefix
// the cursor has not passed, the server calls BeforeWrite(): the key's current value is
// encoded at once and the key is remembered as done (also when it does not exist yet: a key
// created during the snapshot is not in the image); the cursor skips done keys. So the file
// holds exactly the keys present when Start() ran, each once, with the values they had then.
// A database's records may be interrupted by another's (a SELECTDB switches back and forth,
// which every RDB reader accepts); RESIZEDB is written once per database with its size at the
// start. Databases empty at the start are not visited at all.
//
// What the caller must do: call BeforeWrite for every key a write is about to touch (all
// databases), BeforeFree for a key removed without a command (eviction; expiry may just drop
// a key: an expired key is not needed in the image), and Drain() before wholesale changes
// (FLUSHDB, SWAPDB, a reload), or Abort().
//
// Big keys (EncodeWeight above Options::big_weight) are written in steps instead (see
// docs/architecture.md): their record is a "job" that Step continues slice after slice with
// an ObjectWriter, ahead of the cursor's keys. Only one record is in progress at a time and
// its bytes stay contiguous: records encoded meanwhile (BeforeWrite, BeforeFree) go to a side
// buffer appended after it. A big key the cursor meets is queued as a job; a big key ahead of
// the cursor that a client is about to write is queued out of cursor order by WriteMustWait,
// and the server holds the client until jobs_done() moves. A job's key must not change or be
// freed while its record is in progress: BeforeWrite, BeforeFree and BeforeExpire of a job's
// key finish its record at once (the synchronous fallback, for writers that cannot wait).
//
// Threading: everything on the thread that owns the keyspace, except the ChunkWriter's disk
// work.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "keyspace/keyspace.h"
#include "persistence/aof_rewrite_writer.h"
#include "persistence/chunk_writer.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_file.h"
#include "persistence/rdb_object.h"

namespace duet::rdb {

class Snapshot {
 public:
  struct Options {
    SaveOptions save;              // aux fields, LRU/LFU opcodes, functions (copied at Start)
    bool compress = true;          // rdbcompression
    bool checksum = true;          // rdbchecksum
    std::string tmp_path;          // written here ...
    std::string final_path;        // ... then renamed to this
    int64_t key_delay_us = 0;      // rdb-key-save-delay: the cursor writes a key per this
    size_t max_queued = 8u << 20;  // encoded bytes waiting for the disk before Step pauses
    // Write commands (an AOF base with aof-use-rdb-preamble no) instead of RDB records: a
    // #TS line when `timestamp` (aof-timestamp-enabled), FUNCTION LOADs, then SELECT and each
    // key's commands; save.aux fields, compress and checksum do not apply.
    bool commands = false;
    bool timestamp = false;
    // Keys of more elements than this (EncodeWeight) are written in steps (jobs); 0: every key
    // in one step.
    size_t big_weight = 8192;
    // Test hook: when set, Step runs one job step of this many elements and returns, instead
    // of job steps for the time budget.
    size_t job_step_units = 0;
  };

  // Opens the temp file and encodes the header (aux fields, functions). Errors name the file.
  static Status Start(Keyspace& ks, const Options& opts, int64_t now_us,
                      std::unique_ptr<Snapshot>* out);
  ~Snapshot();

  // A write is about to change, create or delete `key` in database `db`.
  void BeforeWrite(int db, std::string_view key) {
    if (cursor_[db] == kEnd && !has_jobs()) return;
    BeforeWriteSlow(db, key, KeyTable::Hash(key));
  }
  // Whether a write to `key` in `db` should wait (the caller holds the writer until
  // jobs_done() changes, then asks again): the key's record is in progress or queued (it
  // moves to the front of the queue), or the key is big and ahead of the cursor, in which
  // case its record is queued first now. False: the write may go ahead (BeforeWrite still
  // has to run before it).
  bool WriteMustWait(int db, std::string_view key);
  // Jobs finished (or dropped) so far: a held writer may try again when this moves.
  uint64_t jobs_done() const { return jobs_done_; }
  // A big key's record is in progress or queued.
  bool has_jobs() const { return active_ != nullptr || !pending_.empty(); }
  // `e` (with table-slot metadata `meta`) was taken out of database `db` and is about to be
  // freed (eviction).
  void BeforeFree(int db, const Entry& e, uint16_t meta);
  // An expired `e` of database `db` is about to be freed: a job's key has its record finished
  // first (other keys need not be in the image).
  void BeforeExpire(int db, const Entry& e, uint16_t meta) {
    if (has_jobs()) FinishJobOf(db, e.key(), KeyTable::Hash(e.key()), &e, meta);
  }

  // Encodes keys for up to `budget_us` of wall time (checked every few keys; monotonic
  // microseconds), fewer when the writer is behind or rdb-key-save-delay holds it. Returns
  // true once every key is encoded and the file is handed to the writer to finish.
  bool Step(int64_t now_us, int64_t budget_us);
  // Encodes everything left now (waiting for the writer when it is behind).
  void Drain();
  // All keys encoded (Step returned true or Drain ran).
  bool encoded() const { return encoded_; }
  // The file is written, synced and renamed (or failed): result() says which.
  bool done() const { return writer_->done(); }
  const Status& result() const { return writer_->result(); }
  // Stops the writer and removes the temp file.
  void Abort() { writer_->Abort(); }
  // Keys encoded so far, keys present at the start (INFO current_save_keys_*).
  uint64_t keys_processed() const { return keys_processed_; }
  uint64_t keys_total() const { return keys_total_; }
  // Bytes encoded so far.
  uint64_t bytes() const { return enc_->written(); }
  // Whether Step made no progress only because of rdb-key-save-delay or the writer (the loop
  // can sleep a little).
  bool throttled() const { return throttled_; }

 private:
  static constexpr uint64_t kEnd = uint64_t{1} << 32;
  Snapshot(Keyspace& ks, const Options& opts) : ks_(ks), opts_(opts) {}
  void BeforeWriteSlow(int db, std::string_view key, uint64_t hash);
  void Emit(int db, const Entry& e, uint16_t meta);
  // SELECTDB (+ RESIZEDB the first time) into `enc` when its records are in another database.
  void SwitchDb(int db, RdbEncoder& enc, int* current);
  void FinishEncoding();
  // A job: a big key whose record is written in steps.
  struct Job {
    int db;
    uint64_t hash;
    std::string key;
  };
  struct ActiveJob {
    ActiveJob(Job j, const Entry& e, bool commands) : job(std::move(j)), entry(&e) {
      if (commands) {
        commands_writer = std::make_unique<aof::KeyCommandsWriter>(e);
      } else {
        writer = std::make_unique<ObjectWriter>(e);
      }
    }
    Job job;
    const Entry* entry;
    std::unique_ptr<ObjectWriter> writer;                     // RDB records
    std::unique_ptr<aof::KeyCommandsWriter> commands_writer;  // the commands form
  };
  // Starts the record of the next queued job (dropped when its key is gone).
  void StartJob();
  // One step of the job in progress; true when its record is complete (then wrapped up).
  bool ContinueJob(size_t units);
  void FinishActiveJob();
  // If `key` is a job's (in progress or queued), writes its record now (`e`/`meta`: the
  // entry when the caller holds it, else looked up) and returns true.
  bool FinishJobOf(int db, std::string_view key, uint64_t hash, const Entry* e, uint16_t meta);
  bool IsBig(const Entry& e) const;
  // Whether the per-key delay lets the cursor write another key now.
  bool DelayAllows(int64_t now_us) const;

  Keyspace& ks_;
  Options opts_;
  std::unique_ptr<ChunkWriter> writer_;
  std::unique_ptr<RdbEncoder> enc_;
  std::vector<uint64_t> cursor_;  // per db: every prefix below it is encoded or done
  // Per db: hashes (KeyTable::Hash) of keys at or past the cursor that are done, in
  // kDoneParts sets by the top bits of the hash (so no set ever rehashes more than a sliver
  // of them at once, and each is freed whole once the cursor has passed its range).
  static constexpr int kDonePartBits = 12;
  static constexpr size_t kDoneParts = size_t{1} << kDonePartBits;
  using DoneSet = std::unordered_set<uint64_t>;
  std::vector<std::vector<DoneSet>> done_;
  std::vector<size_t> done_freed_;  // per db: parts below this index are freed
  size_t done_keys_ = 0;            // in all done sets
  // The part of `hash` in db `db`'s done sets.
  DoneSet& DonePart(int db, uint64_t hash) { return done_[db][hash >> (64 - kDonePartBits)]; }
  // Frees the done sets the cursor of `db` has passed.
  void FreePassedDoneParts(int db);
  std::vector<uint64_t> start_keys_, start_expires_;
  std::vector<bool> db_started_;       // RESIZEDB written
  std::unique_ptr<ActiveJob> active_;  // the record in progress
  std::deque<Job> pending_;            // queued big keys; those writers wait for first
  std::unique_ptr<RdbEncoder> side_;   // records encoded while active_ is in progress
  int side_db_ = -1;                   // the database side_'s last record belongs to
  uint64_t jobs_done_ = 0;
  int stream_db_ = -1;   // the database the last record belongs to
  std::string cmd_buf_;  // commands form: one key's commands
  size_t db_ = 0;        // the database the cursors are in
  bool encoded_ = false;
  bool throttled_ = false;
  int64_t start_us_ = 0;
  uint64_t keys_processed_ = 0;
  uint64_t cursor_keys_ = 0;  // keys written by the cursor (for the per-key delay)
  uint64_t keys_total_ = 0;
};

}  // namespace duet::rdb
