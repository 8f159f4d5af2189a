// PubSub: who is subscribed to what (channels, patterns, shard channels), and the encoding
// of the messages PUBLISH delivers. Redis's pubsub.c state, without the replies.
//
// Owned by the Server. Subscribers are Client pointers: a client is removed from every map
// here (RemoveClient) before it is freed. Each client also keeps its own subscriptions
// (Client::pubsub) so UNSUBSCRIBE without arguments and CLIENT LIST need no search.
// Event-loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace duet {

class Client;

// Heterogeneous lookup (string_view keys into string maps) for the subscription maps.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// One client's subscriptions. Channels are unordered (Redis keeps them in a dict); patterns
// keep their subscription order (Redis's list), which PUNSUBSCRIBE without arguments follows.
struct ClientSubscriptions {
  StringSet channels;
  std::vector<std::string> patterns;
  StringSet shard_channels;
  // Redis's clientSubscriptionsCount: what (P)SUBSCRIBE replies report.
  size_t Count() const { return channels.size() + patterns.size(); }
  size_t Total() const { return Count() + shard_channels.size(); }
};

// Pre-encoded protocol for pushes: a header ("*3\r\n", ">2\r\n", "$5\r\n", ":7\r\n") and a bulk
// string, appended to `out` (messages are encoded once and copied to every subscriber).
void AppendRespLen(std::string* out, char type, size_t n);
void AppendRespBulk(std::string* out, std::string_view s);

class PubSub {
 public:
  using Subscribers = std::vector<Client*>;  // in subscription order

  // Adds `c` to `channel` (of the shard namespace when `shard`); false if already there.
  bool Subscribe(Client* c, std::string_view channel, bool shard);
  // Removes `c` from `channel`; false if it was not subscribed.
  bool Unsubscribe(Client* c, std::string_view channel, bool shard);
  bool PSubscribe(Client* c, std::string_view pattern);
  bool PUnsubscribe(Client* c, std::string_view pattern);
  // Forgets every subscription of `c` (the client is being freed or RESET).
  void RemoveClient(Client* c);

  // The subscribers of `channel`, or nullptr.
  const Subscribers* ChannelSubscribers(std::string_view channel, bool shard) const;
  // Patterns with their subscribers, in the order they were first subscribed.
  const std::vector<std::pair<std::string, Subscribers>>& patterns() const { return patterns_; }
  size_t channel_count() const { return channels_.size(); }
  size_t shard_channel_count() const { return shard_channels_.size(); }
  size_t pattern_count() const { return patterns_.size(); }
  // PUBSUB CHANNELS / SHARDCHANNELS: the names matching `pattern` (all when it is null).
  std::vector<std::string_view> ChannelNames(bool shard, const std::string* pattern) const;

  // The push bytes of a message: "message"/"smessage" (3 elements) or "pmessage" (4, with
  // `pattern` non-empty), as RESP2 (*n) or RESP3 (>n).
  static void EncodeMessage(std::string* out, bool resp3, std::string_view kind,
                            const std::string* pattern, std::string_view channel,
                            std::string_view message);

 private:
  using ChannelMap = std::unordered_map<std::string, Subscribers, StringHash, std::equal_to<>>;
  ChannelMap& Map(bool shard) { return shard ? shard_channels_ : channels_; }
  const ChannelMap& Map(bool shard) const { return shard ? shard_channels_ : channels_; }

  ChannelMap channels_;
  ChannelMap shard_channels_;
  std::vector<std::pair<std::string, Subscribers>> patterns_;
};

}  // namespace duet
