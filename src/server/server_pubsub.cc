// Server's side of Pub/Sub, keyspace notifications and client tracking: delivering pushes
// to clients (output-buffer limits included), PUBLISH, notifyKeyspaceEvent, and the
// invalidation messages of CLIENT TRACKING.
#include <algorithm>
#include <optional>

#include "commands/key_extraction.h"
#include "common/glob.h"
#include "common/log.h"
#include "common/strutil.h"
#include "server/client_list.h"
#include "server/server.h"

namespace duet {

namespace {
constexpr std::string_view kInvalidateChannel = "__redis__:invalidate";

}  // namespace

void Server::Push(Client& c, std::string_view bytes) {
  // Pushes bypass CLIENT REPLY OFF/SKIP (Redis's CLIENT_PUSHING); nothing more goes to a
  // client that is being closed.
  if (c.closing) return;
  c.out().append(bytes);
  QueueWrite(c);
  CheckOutputBufferLimits(c);
}

void Server::CheckOutputBufferLimits(Client& c) {
  size_t pending = c.out().size() - c.out_pos();
  // Redis counts the reply list beyond the client's 16 KB static buffer (reply_bytes).
  if (pending <= kReplyChunk) {
    c.obuf_soft_limit_since_ms = 0;
    return;
  }
  uint64_t used = pending - kReplyChunk;
  const OutputBufferLimit& lim =
      config_->client_obuf_limits[c.pubsub_mode ? kObufPubsub : kObufNormal];
  bool hard = lim.hard_bytes != 0 && used >= lim.hard_bytes;
  bool soft = lim.soft_bytes != 0 && used >= lim.soft_bytes;
  if (soft) {
    int64_t now_s = keyspace_.ctx().now_ms / 1000;
    if (c.obuf_soft_limit_since_ms == 0) {
      c.obuf_soft_limit_since_ms = keyspace_.ctx().now_ms;
      soft = false;  // first time over the soft limit
    } else if (now_s - c.obuf_soft_limit_since_ms / 1000 <= lim.soft_seconds) {
      soft = false;
    }
  } else {
    c.obuf_soft_limit_since_ms = 0;
  }
  if (!soft && !hard) return;
  ClientInfoContext info{.now_ms = keyspace_.ctx().now_ms};
  std::string desc;
  AppendClientInfo(desc, c, info);
  Log(LogLevel::kWarning,
      "Client {} scheduled to be closed ASAP for overcoming of output buffer limits.", desc);
  stats_.client_output_buffer_limit_disconnections++;
  c.closing = true;
  pending_close_.push_back(c.id());
}

size_t Server::Publish(std::string_view channel, std::string_view message, bool shard) {
  size_t receivers = 0;
  std::string encoded[2];  // RESP2, RESP3: each encoded once for all its subscribers
  if (const PubSub::Subscribers* subs = pubsub_.ChannelSubscribers(channel, shard)) {
    for (Client* c : *subs) {
      std::string& e = encoded[c->resp == 3];
      if (e.empty()) {
        PubSub::EncodeMessage(&e, c->resp == 3, shard ? "smessage" : "message", nullptr, channel,
                              message);
      }
      if (!undo_) Push(*c, e);  // a SCRIPT DEBUG YES session's message: heard by nobody
      receivers++;
    }
  }
  if (shard) return receivers;  // shard channels ignore patterns
  for (const auto& [pattern, subs] : pubsub_.patterns()) {
    if (!GlobMatch(pattern, channel)) continue;
    std::string pencoded[2];
    for (Client* c : subs) {
      std::string& e = pencoded[c->resp == 3];
      if (e.empty()) {
        PubSub::EncodeMessage(&e, c->resp == 3, "pmessage", &pattern, channel, message);
      }
      if (!undo_) Push(*c, e);  // a SCRIPT DEBUG YES session's message: heard by nobody
      receivers++;
    }
  }
  return receivers;
}

void Server::NotifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int db) {
  if (undo_) return;  // a SCRIPT DEBUG YES session's change: rolled back, nobody sees it
  int flags = config_->notify_keyspace_events;
  if (!(flags & type)) return;
  char num[24];
  std::string_view db_text(num, FormatInt64(db, num));
  std::string channel;
  if (flags & kNotifyKeyspace) {
    channel.reserve(16 + key.size());
    channel.append("__keyspace@").append(db_text).append("__:").append(key);
    Publish(channel, event, false);
  }
  if (flags & kNotifyKeyevent) {
    channel.clear();
    channel.append("__keyevent@").append(db_text).append("__:").append(event);
    Publish(channel, key, false);
  }
}

// ---- client tracking ----

void Server::EnableTracking(Client& c, uint64_t redirect, const ClientTracking& options,
                            const std::vector<std::string>& prefixes) {
  if (!c.tracking) {
    c.tracking = std::make_unique<ClientTracking>();
    stats_.features.tracking_clients++;
  }
  ClientTracking& t = *c.tracking;
  t.redirect = redirect;
  t.broken_redirect = false;
  t.bcast = options.bcast;
  t.optin = options.optin;
  t.optout = options.optout;
  t.noloop = options.noloop;
  if (t.bcast) {
    std::vector<std::string> add = prefixes;
    if (add.empty()) add.emplace_back();
    for (const std::string& p : add) {
      tracking_.AddPrefix(&c, p);
      t.prefixes.insert(p);
    }
  }
}

void Server::DisableTracking(Client& c) {
  if (!c.tracking) return;
  for (const std::string& p : c.tracking->prefixes) tracking_.RemovePrefix(&c, p);
  c.tracking.reset();
  stats_.features.tracking_clients--;
}

void Server::SendTrackingMessage(Client& c, std::string_view payload) {
  Client* target = &c;
  bool redirected = false;
  if (c.tracking && c.tracking->redirect != 0) {
    target = FindClient(c.tracking->redirect);
    if (!target) {
      c.tracking->broken_redirect = true;
      // Tell the tracking connection itself that its invalidations have nowhere to go.
      if (c.resp > 2) {
        std::string msg;
        AppendRespLen(&msg, '>', 2);
        AppendRespBulk(&msg, "tracking-redir-broken");
        msg += ':';
        msg += std::to_string(c.tracking->redirect);
        msg += "\r\n";
        Push(c, msg);
      }
      return;
    }
    redirected = true;
  }
  std::string msg;
  if (target->resp > 2) {
    AppendRespLen(&msg, '>', 2);
    AppendRespBulk(&msg, "invalidate");
  } else if (redirected && target->pubsub_mode) {
    // A RESP2 connection in Pub/Sub mode gets them as messages of __redis__:invalidate.
    AppendRespLen(&msg, '*', 3);
    AppendRespBulk(&msg, "message");
    AppendRespBulk(&msg, kInvalidateChannel);
  } else {
    return;  // RESP2 without redirection: nowhere to push
  }
  msg.append(payload);
  Push(*target, msg);
}

void Server::SendKeyInvalidation(Client& c, std::string_view key) {
  std::string payload;
  AppendRespLen(&payload, '*', 1);
  AppendRespBulk(&payload, key);
  SendTrackingMessage(c, payload);
}

void Server::TrackingInvalidateKey(std::string_view key, bool bcast, const Client* changer) {
  if (stats_.features.tracking_clients == 0 && tracking_.total_keys() == 0 &&
      !tracking_.HasPrefixes()) {
    return;
  }
  if (bcast && tracking_.HasPrefixes()) tracking_.KeyChangedForBroadcast(key, changer);
  std::vector<uint64_t> ids = tracking_.Take(key);
  for (uint64_t id : ids) {
    Client* target = FindClient(id);
    if (!target || !target->tracking || target->tracking->bcast) continue;
    if (target->tracking->noloop && target == caller_) continue;
    // The running client's own invalidations follow its reply (after the whole EXEC).
    if (target == caller_) {
      pending_invalidations_.emplace_back(key);
    } else {
      SendKeyInvalidation(*target, key);
    }
  }
}

void Server::TrackingInvalidateAllOnFlush() {
  if (undo_) return;  // a SCRIPT DEBUG YES session's flush: rolled back
  if (stats_.features.tracking_clients != 0) {
    for (auto& [id, c] : clients_) {
      if (!c->tracking) continue;
      if (c.get() == caller_) {
        pending_invalidations_.emplace_back(std::nullopt);
      } else {
        SendTrackingMessage(*c, c->resp == 3 ? "_\r\n" : "$-1\r\n");
      }
    }
  }
  tracking_.Clear();
}

void Server::FlushPendingInvalidations(Client& c) {
  if (pending_invalidations_.empty()) return;
  std::vector<std::optional<std::string>> keys;
  keys.swap(pending_invalidations_);
  for (const std::optional<std::string>& key : keys) {
    if (key) {
      SendKeyInvalidation(c, *key);
    } else {  // a flush
      SendTrackingMessage(c, c.resp == 3 ? "_\r\n" : "$-1\r\n");
    }
  }
}

void Server::TrackingRememberKeys(Client& c, const CommandSpec& spec,
                                  std::span<const std::string_view> args) {
  ClientTracking& t = *c.tracking;
  if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
  if (HasFlag(spec.flags, CmdFlag::kPubSub)) return;
  std::vector<KeyRef> keys;
  if (!GetCommandKeys(spec, args, &keys)) return;
  for (const KeyRef& k : keys) tracking_.Remember(args[k.pos], c.id());
}

void Server::BroadcastTrackingInvalidations() {
  for (auto& [prefix, bs] : tracking_.prefixes()) {
    if (bs.keys.empty()) continue;
    std::string common;
    for (Client* c : bs.clients) {
      std::string adhoc;
      const std::string* payload = &common;
      if (c->tracking && c->tracking->noloop) {
        size_t n = 0;
        for (const auto& [key, by] : bs.keys) n += by != c;
        if (n == 0) continue;
        AppendRespLen(&adhoc, '*', n);
        for (const auto& [key, by] : bs.keys) {
          if (by != c) AppendRespBulk(&adhoc, key);
        }
        payload = &adhoc;
      } else if (common.empty()) {
        AppendRespLen(&common, '*', bs.keys.size());
        for (const auto& [key, by] : bs.keys) AppendRespBulk(&common, key);
      }
      SendTrackingMessage(*c, *payload);
    }
    bs.keys.clear();
  }
}

void Server::TrackingLimitKeys() {
  int64_t max_keys = 1000000;
  auto it = config_->other.find("tracking-table-max-keys");
  if (it != config_->other.end()) {
    if (auto v = ParseInt64(it->second)) max_keys = *v;
  }
  if (max_keys == 0) return;
  if (tracking_.total_keys() <= static_cast<uint64_t>(max_keys)) {
    tracking_limit_effort_ = 0;
    return;
  }
  // As Redis: an effort that grows while the table stays over the limit.
  int effort = 100 * (tracking_limit_effort_ + 1);
  while (effort-- > 0) {
    const std::string* key = tracking_.AnyKey();
    if (!key) break;
    std::string copy = *key;
    Client* saved = caller_;
    caller_ = nullptr;
    TrackingInvalidateKey(copy, false, nullptr);
    caller_ = saved;
    if (tracking_.total_keys() <= static_cast<uint64_t>(max_keys)) {
      tracking_limit_effort_ = 0;
      return;
    }
  }
  tracking_limit_effort_++;
}

}  // namespace duet
