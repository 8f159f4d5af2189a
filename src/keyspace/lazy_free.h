// LazyFreer: releases detached keyspace memory on a background thread (FLUSHDB/FLUSHALL
// ASYNC, UNLINK of large values), so the event loop never stalls on a big free, as Redis's
// lazyfree bio thread does.
//
// Only memory is released there. Whatever is handed over must already be unreachable from
// live data (removed from every table), and freeing it must touch nothing shared: Entry::Free
// and CompositeValue destructors release their own allocations only.
//
// The worker thread starts on first use and is joined, after finishing the queued work, by
// the destructor. All methods are called from the event-loop thread; the counters may be
// read at any time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "keyspace/db.h"

namespace duet {

class LazyFreer {
 public:
  LazyFreer() = default;
  ~LazyFreer();
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  // Takes a database's key table (whose entries it frees) and its expire index (which
  // shares those entries), leaving both arguments empty.
  void FreeTables(KeyTable&& table, KeyTable&& expires);
  // Takes one entry that is no longer in any table.
  void FreeEntry(Entry* e);
  // Gives free memory back to the OS on the worker (allocator::PurgeArenas after flushing
  // the worker's thread cache), so the caller never waits for the madvise calls. The worker
  // also does this by itself whenever it has freed 4 MB or more and has nothing queued: a
  // FLUSHALL ASYNC's memory leaves the process as soon as it is freed.
  void Purge();

  // INFO's lazyfree_pending_objects: keys handed over and not yet freed.
  size_t pending_objects() const { return pending_.load(std::memory_order_relaxed); }
  // INFO's lazyfreed_objects: keys freed in the background so far.
  uint64_t freed_objects() const { return freed_.load(std::memory_order_relaxed); }
  // The same since the last ResetStats (CONFIG RESETSTAT, Redis's lazyfreeResetStats).
  uint64_t stat_freed_objects() const { return freed_objects() - stat_base_; }
  void ResetStats() { stat_base_ = freed_objects(); }
  // Blocks until everything handed over so far is freed (tests, shutdown).
  void Drain();

 private:
  struct Job {
    std::unique_ptr<KeyTable> table;  // entries to free, with the table itself
    std::unique_ptr<KeyTable> expires;
    Entry* entry = nullptr;
    size_t objects = 0;
    bool purge = false;
  };
  void Submit(Job job);
  void Run();
  // On the worker: returns its cached regions and the arenas' dirty pages to the OS.
  void Release();

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread worker_;
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> freed_{0};
  uint64_t stat_base_ = 0;          // freed_objects() at the last ResetStats (event-loop thread)
  uint64_t released_at_bytes_ = 0;  // the worker's thread.deallocated at its last Release
};

// Frees a detached entry: on `freer`'s thread when freer is set and the value is big (its
// FreeEffort is above Redis's LAZYFREE_THRESHOLD of 64 allocations), here otherwise.
void FreeEntryMaybeLazy(Entry* e, LazyFreer* freer);

}  // namespace duet
