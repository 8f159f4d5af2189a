#include "persistence/rdb_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "persistence/rdb_encoder.h"
#include "persistence/rdb_format.h"
#include "server/test_harness.h"

namespace duet::rdb {
namespace {

std::string Encode(TestServer& t, bool compress = true) {
  RdbEncoder enc(compress);
  SaveOptions opts = SaveOptionsFor(t.config(), t.clock().NowMs(), 0);
  EncodeKeyspace(t.server().keyspace(), opts, true, enc);
  return enc.buffer();
}

Status Load(TestServer& t, const std::string& image, LoadStats* stats) {
  LoadOptions lo;
  lo.now_ms = t.clock().NowMs();
  t.server().keyspace().SetNow(lo.now_ms);
  return LoadFromMemory(reinterpret_cast<const uint8_t*>(image.data()), image.size(),
                        t.server().keyspace(), t.config(), lo, stats);
}

// The bulk strings of an array reply.
std::vector<std::string> Bulks(const std::string& reply) {
  std::vector<std::string> out;
  size_t pos = reply.find("\r\n") + 2;
  while (pos < reply.size()) {
    size_t eol = reply.find("\r\n", pos);
    size_t len = std::stoul(reply.substr(pos + 1, eol - pos - 1));
    out.push_back(reply.substr(eol + 2, len));
    pos = eol + 2 + len + 2;
  }
  return out;
}

// The replies that describe every key of `keys`: type, encoding, TTL and contents.
std::string Describe(TestServer& t, const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) {
    std::string type = t.RunStrings({"TYPE", k});
    out += k + " " + type + t.RunStrings({"PTTL", k});
    // A string loaded from an RDB gets the encoding Redis's tryObjectEncoding gives it.
    if (type != "+string\r\n") out += t.RunStrings({"OBJECT", "ENCODING", k});
    if (type == "+string\r\n") out += t.RunStrings({"GET", k});
    if (type == "+list\r\n") out += t.RunStrings({"LRANGE", k, "0", "-1"});
    if (type == "+hash\r\n") {
      // Field order is the table's: compare field by field, sorted.
      std::vector<std::string> fields = Bulks(t.RunStrings({"HKEYS", k}));
      std::sort(fields.begin(), fields.end());
      for (const std::string& f : fields) out += f + "=" + t.RunStrings({"HGET", k, f});
    }
    if (type == "+set\r\n") out += t.RunStrings({"SORT", k, "ALPHA"});
    if (type == "+zset\r\n") out += t.RunStrings({"ZRANGE", k, "0", "-1", "WITHSCORES"});
  }
  return out;
}

void Populate(TestServer& t) {
  t.Run({"SET", "s:int", "12345"});
  t.Run({"SET", "s:neg", "-7"});
  t.Run({"SET", "s:big", "9223372036854775807"});
  t.Run({"SET", "s:emb", "hello"});
  t.Run({"SET", "s:empty", ""});
  t.RunStrings({"SET", "s:lzf", std::string(300, 'a') + "tail"});
  t.Run({"SET", "s:ttl", "v", "PX", "50000"});
  t.Run({"RPUSH", "l:small", "a", "1", "b", "-300", "c"});
  for (int i = 0; i < 2000; i++) t.RunStrings({"RPUSH", "l:big", "item-" + std::to_string(i)});
  t.Run({"HSET", "h:small", "f1", "v1", "f2", "22", "n", "-1"});
  for (int i = 0; i < 600; i++) {
    t.RunStrings({"HSET", "h:big", "field" + std::to_string(i), std::to_string(i * 3)});
  }
  t.RunStrings({"HSET", "h:long", "f", std::string(100, 'x')});
  t.Run({"SADD", "set:int", "1", "2", "300", "-70000", "5000000000"});
  t.Run({"SADD", "set:str", "a", "b", "c"});
  for (int i = 0; i < 600; i++) t.RunStrings({"SADD", "set:bigint", std::to_string(i)});
  t.Run({"ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c", "3", "d"});
  for (int i = 0; i < 300; i++) {
    t.RunStrings({"ZADD", "z:big", std::to_string(i * 0.5), "m" + std::to_string(i)});
  }
  t.Run({"PFADD", "hll", "a", "b", "c"});
  t.Run({"SELECT", "3"});
  t.Run({"SET", "db3key", "x", "EX", "1000"});
  t.Run({"SELECT", "0"});
}

const std::vector<std::string> kKeys = {
    "s:int",   "s:neg", "s:big",  "s:emb",   "s:empty", "s:lzf",      "s:ttl",   "l:small", "l:big",
    "h:small", "h:big", "h:long", "set:int", "set:str", "set:bigint", "z:small", "z:big",   "hll"};

TEST(RdbFile, RoundTripEveryTypeAndEncoding) {
  for (bool compress : {true, false}) {
    TestServer a;
    Populate(a);
    std::string image = Encode(a, compress);
    EXPECT_EQ(image.substr(0, 9), "REDIS0010");
    TestServer b;
    LoadStats stats;
    Status st = Load(b, image, &stats);
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_EQ(stats.keys_loaded, kKeys.size() + 1);
    EXPECT_EQ(Describe(a, kKeys), Describe(b, kKeys));
    b.Run({"SELECT", "3"});
    EXPECT_EQ(b.Run({"GET", "db3key"}), "$1\r\nx\r\n");
    EXPECT_EQ(b.Run({"TTL", "db3key"}), ":1000\r\n");
    // And the image of the loaded keyspace is the same bytes (ctime aside: same clock).
    EXPECT_EQ(Encode(b, compress).size(), image.size());
  }
}

TEST(RdbFile, ExpiredKeysAreSkipped) {
  TestServer a;
  a.Run({"SET", "gone", "v", "PX", "100"});
  a.Run({"SET", "kept", "v"});
  std::string image = Encode(a);
  TestServer b;
  b.clock().AdvanceMs(200);
  LoadStats stats;
  ASSERT_TRUE(Load(b, image, &stats).ok());
  EXPECT_EQ(stats.keys_loaded, 1u);
  EXPECT_EQ(stats.keys_expired, 1u);
}

TEST(RdbFile, CorruptionIsReportedWithOffset) {
  TestServer a;
  Populate(a);
  std::string image = Encode(a);
  {
    std::string bad = image;
    bad[bad.size() / 2] ^= 0x5a;
    TestServer b;
    LoadStats stats;
    Status st = Load(b, bad, &stats);
    ASSERT_FALSE(st.ok());
  }
  for (size_t cut : {size_t{5}, size_t{20}, image.size() / 3, image.size() - 3}) {
    TestServer b;
    LoadStats stats;
    Status st = Load(b, image.substr(0, cut), &stats);
    ASSERT_FALSE(st.ok()) << cut;
    if (cut > 9) {
      EXPECT_NE(st.message().find("at offset"), std::string::npos) << st.message();
    }
  }
}

TEST(RdbFile, DuplicateKeyIsAnError) {
  TestServer a;
  a.Run({"SET", "k", "v"});
  std::string image = Encode(a);
  TestServer b;
  b.Run({"SET", "k", "other"});
  LoadStats stats;
  Status st = Load(b, image, &stats);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "RDB has duplicated key 'k' in DB 0");
}

// Key records are inserted in batches (their table lookups prefetched together): file order
// still decides, a duplicate inside one batch is still an error naming the key, and the keys
// before a damaged record are loaded.
TEST(RdbFile, BatchedInsertsKeepFileOrderAndErrors) {
  TestServer a;
  for (int i = 0; i < 3000; i++) {
    std::string k = "key:" + std::to_string(i);
    a.RunStrings({"SET", k, "value:" + std::to_string(i)});
    if (i % 7 == 0) a.RunStrings({"PEXPIRE", k, "100000"});
  }
  std::string image = Encode(a);
  TestServer b;
  LoadStats stats;
  ASSERT_TRUE(Load(b, image, &stats).ok());
  EXPECT_EQ(stats.keys_loaded, 3000u);
  EXPECT_EQ(b.Run({"DBSIZE"}), ":3000\r\n");
  for (int i : {0, 1, 15, 16, 17, 1234, 2999}) {
    std::string k = "key:" + std::to_string(i);
    EXPECT_EQ(b.RunStrings({"GET", k}), a.RunStrings({"GET", k})) << k;
    EXPECT_EQ(b.RunStrings({"PTTL", k}), a.RunStrings({"PTTL", k})) << k;
  }

  RdbEncoder enc(false);
  EncodeHeader(SaveOptionsFor(a.config(), a.clock().NowMs(), 0), enc);
  EncodeDbStart(0, 3, 0, enc);
  for (const char* k : {"a", "b", "a"}) {
    enc.Byte(kTypeString);
    enc.String(k);
    enc.String(k[0] == 'a' ? "first" : "x");
  }
  EncodeTrailer(true, enc);
  TestServer c;
  Status st = Load(c, enc.buffer(), &stats);
  EXPECT_EQ(st.message(), "RDB has duplicated key 'a' in DB 0");
  EXPECT_EQ(c.Run({"GET", "a"}), "$5\r\nfirst\r\n");
  EXPECT_EQ(c.Run({"GET", "b"}), "$1\r\nx\r\n");

  TestServer d;
  ASSERT_FALSE(Load(d, image.substr(0, image.size() / 2), &stats).ok());
  std::string size = d.Run({"DBSIZE"});
  EXPECT_NE(size, ":0\r\n");
  EXPECT_NE(size, ":3000\r\n");
}

TEST(RdbFile, FunctionLibrariesComeBeforeTheKeysAndFailTheLoad) {
  TestServer a;
  a.Run({"SET", "k", "v"});
  RdbEncoder enc(true);
  SaveOptions opts = SaveOptionsFor(a.config(), a.clock().NowMs(), 0);
  std::string lib1 = "#!lua name=one\nredis.register_function('f', function() return 1 end)";
  std::string lib2 = "#!lua name=two\n" + std::string(100, '-');
  opts.functions = {lib1, lib2};
  EncodeKeyspace(a.server().keyspace(), opts, true, enc);
  std::string image = enc.buffer();
  // After the aux fields, before the first SELECTDB.
  EXPECT_LT(image.find("name=two"),
            image.find(std::string("\xfe\x00\xfb", 3)));  // SELECTDB 0, RESIZEDB

  TestServer b;
  std::vector<std::string> seen;
  LoadOptions lo;
  lo.now_ms = b.clock().NowMs();
  lo.on_function = [&](const std::string& code, std::string* err) {
    seen.push_back(code);
    return true;
  };
  LoadStats stats;
  const auto* data = reinterpret_cast<const uint8_t*>(image.data());
  ASSERT_TRUE(
      LoadFromMemory(data, image.size(), b.server().keyspace(), b.config(), lo, &stats).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{lib1, lib2}));
  EXPECT_EQ(stats.functions, 2u);
  EXPECT_EQ(b.Run({"GET", "k"}), "$1\r\nv\r\n");

  TestServer c;
  lo.on_function = [&](const std::string& code, std::string* err) {
    *err = "Library 'one' already exists";
    return false;
  };
  Status st = LoadFromMemory(data, image.size(), c.server().keyspace(), c.config(), lo, &stats);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("Failed loading library, Library 'one' already exists"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(c.Run({"DBSIZE"}), ":0\r\n");  // nothing after the library was read
}

// The hooks a server serves clients through while a file loads: progress each time the read
// offset passes another multiple of the interval (between records), the per-key hook, the
// used-mem aux field; a progress hook returning false stops the load.
TEST(RdbFile, LoadProgressHooks) {
  TestServer a;
  a.config().other["enable-debug-command"] = "yes";
  ASSERT_EQ(a.Run({"DEBUG", "POPULATE", "200", "key", "100"}), "+OK\r\n");
  std::string image = Encode(a, /*compress=*/false);
  const auto* data = reinterpret_cast<const uint8_t*>(image.data());

  TestServer b;
  std::vector<size_t> offsets;
  size_t keys = 0;
  uint64_t used_mem = 1;
  LoadOptions lo;
  lo.now_ms = b.clock().NowMs();
  lo.progress_interval = 1024;
  lo.on_progress = [&](size_t offset) {
    offsets.push_back(offset);
    return true;
  };
  lo.on_key = [&] { keys++; };
  lo.on_used_mem = [&](uint64_t m) { used_mem = m; };
  LoadStats stats;
  ASSERT_TRUE(
      LoadFromMemory(data, image.size(), b.server().keyspace(), b.config(), lo, &stats).ok());
  EXPECT_EQ(keys, 200u);
  EXPECT_EQ(used_mem, 0u);  // Encode() writes used-mem 0
  // 200 records of ~115 bytes: one call per KB crossed, each past its multiple.
  ASSERT_GE(offsets.size(), image.size() / 1024 - 1);
  ASSERT_LE(offsets.size(), image.size() / 1024);
  for (size_t i = 0; i < offsets.size(); i++) {
    EXPECT_GE(offsets[i], (i + 1) * 1024);
    EXPECT_LT(offsets[i], (i + 1) * 1024 + 200);
  }

  // Stopped at the third call: the load fails with kLoadStopped, the keys read so far stay.
  TestServer c;
  int calls = 0;
  lo.on_progress = [&](size_t) { return ++calls < 3; };
  Status st = LoadFromMemory(data, image.size(), c.server().keyspace(), c.config(), lo, &stats);
  EXPECT_EQ(st.message(), kLoadStopped);
  EXPECT_EQ(calls, 3);
  std::string dbsize = c.Run({"DBSIZE"});
  EXPECT_NE(dbsize, ":0\r\n");
  EXPECT_NE(dbsize, ":200\r\n");
}

}  // namespace
}  // namespace duet::rdb
