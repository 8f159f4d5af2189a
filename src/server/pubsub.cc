#include "server/pubsub.h"

#include <algorithm>

#include "common/glob.h"
#include "common/strutil.h"
#include "server/client.h"

namespace duet {

namespace {
ClientSubscriptions& SubsOf(Client* c) {
  if (!c->subscriptions) c->subscriptions = std::make_unique<ClientSubscriptions>();
  return *c->subscriptions;
}

}  // namespace

void AppendRespLen(std::string* out, char type, size_t n) {
  char buf[24];
  out->push_back(type);
  out->append(buf, FormatInt64(static_cast<int64_t>(n), buf));
  out->append("\r\n", 2);
}

void AppendRespBulk(std::string* out, std::string_view s) {
  AppendRespLen(out, '$', s.size());
  out->append(s);
  out->append("\r\n", 2);
}

bool PubSub::Subscribe(Client* c, std::string_view channel, bool shard) {
  ClientSubscriptions& subs = SubsOf(c);
  StringSet& mine = shard ? subs.shard_channels : subs.channels;
  if (!mine.emplace(channel).second) return false;
  ChannelMap& map = Map(shard);
  auto it = map.find(channel);
  if (it == map.end()) it = map.emplace(std::string(channel), Subscribers{}).first;
  it->second.push_back(c);
  return true;
}

bool PubSub::Unsubscribe(Client* c, std::string_view channel, bool shard) {
  if (!c->subscriptions) return false;
  StringSet& mine = shard ? c->subscriptions->shard_channels : c->subscriptions->channels;
  auto own = mine.find(channel);
  if (own == mine.end()) return false;
  ChannelMap& map = Map(shard);
  auto it = map.find(channel);
  if (it != map.end()) {
    std::erase(it->second, c);
    // An empty list goes away at once, so creating millions of channels cannot pile up.
    if (it->second.empty()) map.erase(it);
  }
  mine.erase(own);
  return true;
}

bool PubSub::PSubscribe(Client* c, std::string_view pattern) {
  ClientSubscriptions& subs = SubsOf(c);
  if (std::find(subs.patterns.begin(), subs.patterns.end(), pattern) != subs.patterns.end()) {
    return false;
  }
  subs.patterns.emplace_back(pattern);
  auto it = std::find_if(patterns_.begin(), patterns_.end(),
                         [&](const auto& p) { return p.first == pattern; });
  if (it == patterns_.end()) {
    patterns_.emplace_back(std::string(pattern), Subscribers{});
    it = patterns_.end() - 1;
  }
  it->second.push_back(c);
  return true;
}

bool PubSub::PUnsubscribe(Client* c, std::string_view pattern) {
  if (!c->subscriptions) return false;
  std::vector<std::string>& mine = c->subscriptions->patterns;
  auto own = std::find(mine.begin(), mine.end(), pattern);
  if (own == mine.end()) return false;
  auto it = std::find_if(patterns_.begin(), patterns_.end(),
                         [&](const auto& p) { return p.first == pattern; });
  if (it != patterns_.end()) {
    std::erase(it->second, c);
    if (it->second.empty()) patterns_.erase(it);
  }
  mine.erase(own);
  return true;
}

void PubSub::RemoveClient(Client* c) {
  if (!c->subscriptions) return;
  ClientSubscriptions& subs = *c->subscriptions;
  for (bool shard : {false, true}) {
    ChannelMap& map = Map(shard);
    for (const std::string& ch : shard ? subs.shard_channels : subs.channels) {
      auto it = map.find(ch);
      if (it == map.end()) continue;
      std::erase(it->second, c);
      if (it->second.empty()) map.erase(it);
    }
  }
  for (const std::string& pat : subs.patterns) {
    auto it = std::find_if(patterns_.begin(), patterns_.end(),
                           [&](const auto& p) { return p.first == pat; });
    if (it == patterns_.end()) continue;
    std::erase(it->second, c);
    if (it->second.empty()) patterns_.erase(it);
  }
  c->subscriptions.reset();
}

const PubSub::Subscribers* PubSub::ChannelSubscribers(std::string_view channel, bool shard) const {
  const ChannelMap& map = Map(shard);
  auto it = map.find(channel);
  return it == map.end() ? nullptr : &it->second;
}

std::vector<std::string_view> PubSub::ChannelNames(bool shard, const std::string* pattern) const {
  std::vector<std::string_view> names;
  for (const auto& [name, subs] : Map(shard)) {
    if (!pattern || GlobMatch(*pattern, name)) names.push_back(name);
  }
  return names;
}

void PubSub::EncodeMessage(std::string* out, bool resp3, std::string_view kind,
                           const std::string* pattern, std::string_view channel,
                           std::string_view message) {
  AppendRespLen(out, resp3 ? '>' : '*', pattern ? 4 : 3);
  AppendRespBulk(out, kind);
  if (pattern) AppendRespBulk(out, *pattern);
  AppendRespBulk(out, channel);
  AppendRespBulk(out, message);
}

}  // namespace duet
