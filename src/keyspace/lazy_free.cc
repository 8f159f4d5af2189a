#include "keyspace/lazy_free.h"

#include "common/allocator.h"

namespace duet {

LazyFreer::~LazyFreer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

void LazyFreer::FreeTables(KeyTable&& table, KeyTable&& expires) {
  Job job;
  job.objects = table.size();
  job.table = std::make_unique<KeyTable>(std::move(table));
  job.expires = std::make_unique<KeyTable>(std::move(expires));
  Submit(std::move(job));
}

void FreeEntryMaybeLazy(Entry* e, LazyFreer* freer) {
  constexpr size_t kLazyFreeThreshold = 64;  // Redis's LAZYFREE_THRESHOLD
  if (freer && e->type() != ValueType::kString && !e->is_packed() &&
      e->object()->FreeEffort() > kLazyFreeThreshold) {
    freer->FreeEntry(e);
  } else {
    Entry::Free(e);
  }
}

void LazyFreer::FreeEntry(Entry* e) {
  Job job;
  job.entry = e;
  job.objects = 1;
  Submit(std::move(job));
}

void LazyFreer::Purge() {
  Job job;
  job.purge = true;
  Submit(std::move(job));
}

void LazyFreer::Submit(Job job) {
  pending_.fetch_add(job.objects, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
    if (!worker_.joinable()) worker_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

void LazyFreer::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void LazyFreer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stop_ with nothing left to do
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    if (job.table) {
      job.table->ForEach([](KeyTable::SlotRef s) { Entry::Free(static_cast<Entry*>(s.get())); });
      job.table.reset();  // the segments
      job.expires.reset();
    }
    if (job.entry) Entry::Free(job.entry);
    pending_.fetch_sub(job.objects, std::memory_order_relaxed);
    freed_.fetch_add(job.objects, std::memory_order_relaxed);
    // Release when asked, or after 4 MB of frees once the queue is empty (reading the queue
    // without the lock only decides whether to release now or after the next job).
    constexpr uint64_t kReleaseAfterBytes = 4 << 20;
    if (job.purge ||
        (allocator::ThreadDeallocatedBytes() - released_at_bytes_ >= kReleaseAfterBytes &&
         pending_.load(std::memory_order_relaxed) == 0)) {
      Release();
    }
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

void LazyFreer::Release() {
  allocator::FlushThreadCache();
  allocator::PurgeArenas();
  released_at_bytes_ = allocator::ThreadDeallocatedBytes();
}

}  // namespace duet
