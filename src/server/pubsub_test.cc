// Pub/Sub, keyspace notifications and client tracking through the real dispatcher: exact
// bytes of confirmations, messages, events and invalidations (RESP2 and RESP3).
#include "server/pubsub.h"

#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(PubSubRegistryTest, SubscriptionsAndCleanup) {
  PubSub ps;
  Client a(1, -1), b(2, -1);
  EXPECT_TRUE(ps.Subscribe(&a, "ch", false));
  EXPECT_FALSE(ps.Subscribe(&a, "ch", false));
  EXPECT_TRUE(ps.Subscribe(&b, "ch", false));
  EXPECT_TRUE(ps.Subscribe(&a, "ch", true));  // the shard namespace is separate
  EXPECT_TRUE(ps.PSubscribe(&a, "c*"));
  EXPECT_TRUE(ps.PSubscribe(&b, "c*"));
  EXPECT_TRUE(ps.PSubscribe(&a, "x?"));
  EXPECT_EQ(ps.ChannelSubscribers("ch", false)->size(), 2u);
  EXPECT_EQ(ps.pattern_count(), 2u);
  EXPECT_EQ(a.subscriptions->Count(), 3u);
  EXPECT_EQ(a.subscriptions->Total(), 4u);
  EXPECT_EQ(a.subscriptions->patterns, (std::vector<std::string>{"c*", "x?"}));
  ps.RemoveClient(&a);
  EXPECT_FALSE(a.subscriptions);
  EXPECT_EQ(ps.ChannelSubscribers("ch", false)->size(), 1u);
  EXPECT_EQ(ps.ChannelSubscribers("ch", true), nullptr);
  EXPECT_EQ(ps.pattern_count(), 1u);
  EXPECT_TRUE(ps.Unsubscribe(&b, "ch", false));
  EXPECT_FALSE(ps.Unsubscribe(&b, "ch", false));
  EXPECT_EQ(ps.channel_count(), 0u);
}

TEST(PubSubTest, SubscribePublishResp2) {
  TestServer t;
  Client& sub = t.NewClient();
  Client& pub = t.NewClient();
  EXPECT_EQ(t.RunOn(sub, {"SUBSCRIBE", "a", "b"}),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
  EXPECT_EQ(t.RunOn(sub, {"PSUBSCRIBE", "a*"}), "*3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:3\r\n");
  EXPECT_EQ(t.RunOn(pub, {"PUBLISH", "a", "hi"}), ":2\r\n");
  EXPECT_EQ(TestServer::Take(sub),
            "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"
            "*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n");
  // Subscriber mode: only the (un)subscribe family, PING, QUIT and RESET.
  EXPECT_EQ(t.RunOn(sub, {"GET", "k"}),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  EXPECT_EQ(t.RunOn(sub, {"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(t.RunOn(sub, {"PUNSUBSCRIBE"}), "*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:2\r\n");
  EXPECT_EQ(t.RunOn(pub, {"PUBSUB", "NUMSUB", "a", "zz"}),
            "*4\r\n$1\r\na\r\n:1\r\n$2\r\nzz\r\n:0\r\n");
  EXPECT_EQ(t.RunOn(pub, {"PUBSUB", "NUMPAT"}), ":0\r\n");
  t.RunOn(sub, {"UNSUBSCRIBE", "a", "b"});
  EXPECT_FALSE(sub.pubsub_mode);
  EXPECT_EQ(t.RunOn(sub, {"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(t.RunOn(sub, {"PING"}), "+PONG\r\n");
}

TEST(PubSubTest, Resp3PushesAndShardChannels) {
  TestServer t;
  Client& c = t.NewClient();
  t.RunOn(c, {"HELLO", "3"});
  EXPECT_EQ(t.RunOn(c, {"SSUBSCRIBE", "s"}), ">3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
  // RESP3 subscribers run any command; the message precedes PUBLISH's own reply.
  EXPECT_EQ(t.RunOn(c, {"SPUBLISH", "s", "m"}),
            ">3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n:1\r\n");
  EXPECT_EQ(t.RunOn(c, {"PUBLISH", "s", "m"}), ":0\r\n");  // shard channels are apart
  EXPECT_EQ(t.RunOn(c, {"MULTI"}), "+OK\r\n");
  t.RunOn(c, {"SSUBSCRIBE", "x"});
  EXPECT_EQ(t.RunOn(c, {"EXEC"}),
            "*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
}

TEST(PubSubTest, KeyspaceNotifications) {
  TestServer t;
  Client& sub = t.NewClient();
  Client& c = t.NewClient();
  t.RunOn(c, {"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  t.RunOn(sub, {"PSUBSCRIBE", "__key*__:*"});
  EXPECT_EQ(t.RunOn(c, {"RPUSH", "l", "a"}), ":1\r\n");
  EXPECT_EQ(t.RunOn(c, {"LPOP", "l"}), "$1\r\na\r\n");
  std::string ev = TestServer::Take(sub);
  auto pm = [](std::string_view chan, std::string_view msg) {
    std::string out = "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n";
    out += "$" + std::to_string(chan.size()) + "\r\n" + std::string(chan) + "\r\n";
    out += "$" + std::to_string(msg.size()) + "\r\n" + std::string(msg) + "\r\n";
    return out;
  };
  EXPECT_EQ(ev, pm("__keyspace@0__:l", "rpush") + pm("__keyevent@0__:rpush", "l") +
                    pm("__keyspace@0__:l", "lpop") + pm("__keyevent@0__:lpop", "l") +
                    pm("__keyspace@0__:l", "del") + pm("__keyevent@0__:del", "l"));
  // Expiry and the "new" class (not part of A).
  t.RunOn(c, {"CONFIG", "SET", "notify-keyspace-events", "Exn"});
  t.RunOn(c, {"SET", "k", "v", "PX", "100"});
  EXPECT_EQ(TestServer::Take(sub), pm("__keyevent@0__:new", "k"));
  t.clock().AdvanceMs(101);
  EXPECT_EQ(t.RunOn(c, {"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(TestServer::Take(sub), pm("__keyevent@0__:expired", "k"));
}

TEST(TrackingTest, DefaultModeInvalidatesReaders) {
  TestServer t;
  Client& reader = t.NewClient();
  Client& writer = t.NewClient();
  t.RunOn(reader, {"HELLO", "3"});
  EXPECT_EQ(t.RunOn(reader, {"CLIENT", "TRACKING", "on"}), "+OK\r\n");
  t.RunOn(writer, {"SET", "k", "1"});
  t.RunOn(reader, {"GET", "k"});
  t.RunOn(writer, {"SET", "k", "2"});
  EXPECT_EQ(TestServer::Take(reader), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
  t.RunOn(writer, {"SET", "k", "3"});  // not read again: nothing more
  EXPECT_EQ(TestServer::Take(reader), "");
  // The reader's own write: the invalidation follows its reply.
  t.RunOn(reader, {"GET", "k"});
  EXPECT_EQ(t.RunOn(reader, {"INCR", "k"}), ":4\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(t.RunOn(reader, {"CLIENT", "TRACKINGINFO"}),
            "%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n"
            "$8\r\nprefixes\r\n*0\r\n");
  // FLUSHALL: a null invalidation.
  t.RunOn(reader, {"GET", "k"});
  t.RunOn(writer, {"FLUSHALL"});
  EXPECT_EQ(TestServer::Take(reader), ">2\r\n$10\r\ninvalidate\r\n_\r\n");
}

TEST(TrackingTest, RedirectToResp2SubscriberAndBcast) {
  TestServer t;
  Client& target = t.NewClient();
  Client& c = t.NewClient();
  t.RunOn(target, {"SUBSCRIBE", "__redis__:invalidate"});
  std::string id = std::to_string(target.id());
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "TRACKING", "on", "REDIRECT", id, "BCAST", "PREFIX", "a"}),
            "+OK\r\n");
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "GETREDIR"}), ":" + id + "\r\n");
  t.RunOn(c, {"MSET", "ab", "1", "b", "2"});
  // BCAST messages go out before the loop sleeps.
  EXPECT_EQ(TestServer::Take(target), "");
  EXPECT_EQ(t.server().tracking().total_prefixes(), 1u);
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "TRACKING", "on", "PREFIX", "abc", "BCAST"}),
            "-ERR Prefix 'abc' overlaps with an existing prefix 'a'. Prefixes for a single "
            "client must not overlap.\r\n");
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "TRACKING", "on", "OPTIN"}),
            "-ERR You can't switch BCAST mode on/off before disabling tracking for this "
            "client, and then re-enabling it with a different mode.\r\n");
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "CACHING", "yes"}),
            "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n");
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "TRACKING", "off"}), "+OK\r\n");
  EXPECT_EQ(t.server().tracking().total_prefixes(), 0u);
  EXPECT_EQ(t.RunOn(c, {"CLIENT", "TRACKING", "on", "REDIRECT", "999999"}),
            "-ERR The client ID you want redirect to does not exist\r\n");
}

TEST(TrackingTest, OptinNeedsCaching) {
  TestServer t;
  Client& reader = t.NewClient();
  Client& writer = t.NewClient();
  t.RunOn(reader, {"HELLO", "3"});
  t.RunOn(reader, {"CLIENT", "TRACKING", "on", "OPTIN"});
  t.RunOn(reader, {"GET", "a"});  // not cached: no CLIENT CACHING yes before it
  EXPECT_EQ(t.RunOn(reader, {"CLIENT", "CACHING", "yes"}), "+OK\r\n");
  t.RunOn(reader, {"GET", "b"});
  t.RunOn(writer, {"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(TestServer::Take(reader), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n");
}

}  // namespace
}  // namespace duet
