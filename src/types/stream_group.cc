#include "types/stream_group.h"

namespace duet::stream {

StreamGroup::~StreamGroup() {
  for (const auto& [id, nack] : pel) delete nack;
}

StreamNack* StreamGroup::FindNack(StreamID id) const {
  auto it = pel.find(id);
  return it == pel.end() ? nullptr : it->second;
}

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
  for (const auto& [id, nack] : c->pel) {
    pel.Erase(id);
    delete nack;
  }
  consumers.erase(it);
  return pending;
}

void StreamGroup::Deliver(StreamID id, StreamConsumer* c, int64_t now_ms) {
  StreamNack* nack = AddLoadedPending(id, now_ms, 1);
  Assign(nack, id, c);
}

bool StreamGroup::Ack(StreamID id) {
  StreamNack* nack = nullptr;
  if (!pel.Erase(id, &nack)) return false;
  if (nack->consumer) nack->consumer->pel.Erase(id);
  delete nack;
  return true;
}

void StreamGroup::Assign(StreamNack* nack, StreamID id, StreamConsumer* c) {
  if (nack->consumer == c) return;
  if (nack->consumer) nack->consumer->pel.Erase(id);
  nack->consumer = c;
  c->pel.Insert(id, nack);
}

StreamNack* StreamGroup::AddLoadedPending(StreamID id, int64_t delivery_time,
                                          uint64_t delivery_count) {
  StreamNack** slot = pel.Find(id);
  StreamNack* nack = slot ? *slot : nullptr;
  if (nack == nullptr) {
    nack = new StreamNack();
    pel.Insert(id, nack);
  }
  nack->delivery_time = delivery_time;
  nack->delivery_count = delivery_count;
  return nack;
}

void StreamGroup::AssignLoaded(StreamID id, StreamConsumer* c) {
  StreamNack* nack = FindNack(id);
  if (nack != nullptr) Assign(nack, id, c);
}

}  // namespace duet::stream
