#include "server/replication.h"

#include <algorithm>
#include <random>
#include <string>

#include "server/memory_stats.h"

namespace duet {

std::string NewReplicationId() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 40; i++) out.push_back(kHex[rd() & 15]);
  return out;
}

void ReplicationFeed::Feed(int db, std::string_view resp) {
  if (proxying_) return;
  if (db == selected_db_) {
    Send(resp);
    return;
  }
  std::string id = std::to_string(db);
  scratch_ = "*2\r\n$6\r\nSELECT\r\n$" + std::to_string(id.size()) + "\r\n" + id + "\r\n";
  selected_db_ = db;
  scratch_ += resp;
  Send(scratch_);
}

void ReplicationFeed::FeedPing() { Send("*1\r\n$4\r\nPING\r\n"); }

void ReplicationFeed::FeedGetAck() { Send("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"); }

void ReplicationFeed::Send(std::string_view bytes) {
  offset_ += static_cast<int64_t>(bytes.size());
  if (backlog_active_) AppendToBacklog(bytes);
  for (const Replica& r : replicas_) sink_(r.client_id, bytes);
}

size_t ReplicationFeed::BacklogLimit() const {
  auto keep = static_cast<size_t>(backlog_size_);
  return keep + std::max(keep / 2, kBacklogMinHeadroom);
}

void ReplicationFeed::AppendToBacklog(std::string_view bytes) {
  auto keep = static_cast<size_t>(backlog_size_);
  size_t limit = BacklogLimit();
  if (bytes.size() >= keep) {
    backlog_.assign(bytes.substr(bytes.size() - keep));
  } else {
    // The oldest bytes go before the buffer would pass its limit, so it never reallocates
    // past it: the backlog holds at most BacklogLimit() bytes, whatever the traffic.
    if (backlog_.size() + bytes.size() > limit) {
      backlog_.erase(0, backlog_.size() + bytes.size() - keep);
    }
    size_t need = backlog_.size() + bytes.size();
    if (need > backlog_.capacity()) {
      backlog_.reserve(std::min(limit, std::max(need, 2 * backlog_.capacity())));
    }
    backlog_ += bytes;
  }
  if (backlog_.capacity() > limit) backlog_.shrink_to_fit();
}

void ReplicationFeed::ActivateBacklog() {
  backlog_active_ = true;
  // Allocated once up to 1 MB (the default size), so a small backlog does not grow while
  // the stream flows (memory a maxmemory check would see appear).
  backlog_.reserve(std::min<size_t>(BacklogLimit(), 1 << 20));
}

void ReplicationFeed::set_backlog_size(int64_t size) {
  backlog_size_ = size > 0 ? size : 1;
  auto keep = static_cast<size_t>(backlog_size_);
  if (backlog_.size() > keep) backlog_.erase(0, backlog_.size() - keep);
  if (backlog_.capacity() > BacklogLimit()) backlog_.shrink_to_fit();
}

size_t ReplicationFeed::BacklogAllocatedBytes() const { return AllocatedBytes(backlog_); }

bool ReplicationFeed::Add(Replica r) {
  replicas_.push_back(std::move(r));
  if (backlog_active_) return false;
  ActivateBacklog();
  return true;
}

void ReplicationFeed::FreeBacklog() {
  backlog_active_ = false;
  backlog_.clear();
  backlog_.shrink_to_fit();
}

void ReplicationFeed::ResetHistory(int64_t offset) {
  backlog_.clear();
  offset_ = offset;
  ActivateBacklog();
  selected_db_ = -1;
}

std::optional<std::string_view> ReplicationFeed::BacklogFrom(int64_t from) const {
  if (!backlog_active_) return std::nullopt;
  int64_t first = BacklogFirstByte();
  if (from < first || from > offset_ + 1) return std::nullopt;
  std::string_view all(backlog_);
  return all.substr(all.size() - static_cast<size_t>(offset_ + 1 - from));
}

bool ReplicationFeed::Remove(uint64_t client_id) {
  return std::erase_if(replicas_, [&](const Replica& r) { return r.client_id == client_id; }) > 0;
}

ReplicationFeed::Replica* ReplicationFeed::Find(uint64_t client_id) {
  for (Replica& r : replicas_) {
    if (r.client_id == client_id) return &r;
  }
  return nullptr;
}

int64_t ReplicationFeed::BacklogHistlen() const {
  return backlog_active_ ? std::min(static_cast<int64_t>(backlog_.size()), backlog_size_) : 0;
}

int64_t ReplicationFeed::BacklogFirstByte() const {
  return backlog_active_ ? offset_ - BacklogHistlen() + 1 : 0;
}

size_t ReplicationFeed::CountAcks(int64_t offset) const {
  return static_cast<size_t>(
      std::count_if(replicas_.begin(), replicas_.end(),
                    [&](const Replica& r) { return r.ack_offset >= offset; }));
}

}  // namespace duet
