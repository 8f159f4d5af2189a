#include "types/stream_group.h"

namespace duet::stream {

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) const {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : it->second.get();
}

StreamConsumer* StreamGroup::ConsumerFor(std::string_view name, int64_t now_ms, bool* created) {
  auto [it, inserted] = consumers.try_emplace(std::string(name), nullptr);
  if (inserted) {
    it->second = std::make_unique<StreamConsumer>();
    it->second->name = std::string(name);
    it->second->seen_time = now_ms;
  }
  if (created) *created = inserted;
  return it->second.get();
}

int64_t StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return -1;
  StreamConsumer* c = it->second.get();
  auto pending = static_cast<int64_t>(c->pel.size());
  for (const auto& [id, nack] : c->pel) pel.erase(id);
  consumers.erase(it);
  return pending;
}

void StreamGroup::Deliver(StreamID id, StreamConsumer* c, int64_t now_ms) {
  auto [it, inserted] = pel.try_emplace(id, nullptr);
  if (inserted) {
    it->second = std::make_unique<StreamNack>();
    it->second->delivery_time = now_ms;
    it->second->delivery_count = 1;
    Assign(it->second.get(), id, c);
    return;
  }
  StreamNack* nack = it->second.get();
  nack->delivery_time = now_ms;
  nack->delivery_count = 1;
  Assign(nack, id, c);
}

bool StreamGroup::Ack(StreamID id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  StreamNack* nack = it->second.get();
  if (nack->consumer) nack->consumer->pel.erase(nack->in_consumer);
  pel.erase(it);
  return true;
}

void StreamGroup::Assign(StreamNack* nack, StreamID id, StreamConsumer* c) {
  if (nack->consumer == c) return;
  if (nack->consumer) nack->consumer->pel.erase(nack->in_consumer);
  nack->consumer = c;
  nack->in_consumer = c->pel.emplace(id, nack).first;
}

StreamNack* StreamGroup::AddLoadedPending(StreamID id, int64_t delivery_time,
                                          uint64_t delivery_count) {
  auto& slot = pel[id];
  if (!slot) slot = std::make_unique<StreamNack>();
  slot->delivery_time = delivery_time;
  slot->delivery_count = delivery_count;
  return slot.get();
}

void StreamGroup::AssignLoaded(StreamID id, StreamConsumer* c) {
  auto it = pel.find(id);
  if (it == pel.end()) return;
  Assign(it->second.get(), id, c);
}

}  // namespace duet::stream
