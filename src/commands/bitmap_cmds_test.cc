// In-process tests of the bitmap commands through the real dispatcher. Keys of other types
// and keys with a TTL are planted directly in the Db so these tests depend on no other family.
#include <gtest/gtest.h>

#include <string>

#include "server/test_harness.h"

namespace duet {
namespace {

// A stand-in non-string value. Clone/EncodingName are declared without `override` so this
// compiles whether or not CompositeValue already has them.
class FakeList : public CompositeValue {
 public:
  size_t MemoryUsage() const override { return 16; }
  virtual CompositeValue* Clone() const { return new FakeList; }
  virtual std::string_view EncodingName() const { return "listpack"; }
};

class BitmapCommandsTest : public ::testing::Test {
 protected:
  Db& db() { return t_.server().keyspace().db(0); }
  uint64_t dirty() { return t_.server().stats().dirty; }
  void PlantString(std::string_view key, std::string_view value, int64_t expire_ms = -1) {
    db().Upsert(Entry::NewString(key, value, expire_ms));
  }
  void PlantList(std::string_view key) {
    db().Upsert(Entry::NewObject(key, ValueType::kList, new FakeList, Entry::kNoExpire));
  }
  std::string Value(std::string_view key) {
    Entry* e = db().Peek(key);
    return e ? std::string(e->str()) : "<missing>";
  }

  TestServer t_;
};

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kBadOffset = "-ERR bit offset is not an integer or out of range\r\n";
constexpr const char* kBadBit = "-ERR bit is not an integer or out of range\r\n";
constexpr const char* kNotInt = "-ERR value is not an integer or out of range\r\n";
constexpr const char* kSyntax = "-ERR syntax error\r\n";

TEST_F(BitmapCommandsTest, SetBitGetBit) {
  EXPECT_EQ(t_.Run({"SETBIT", "k", "9", "1"}), ":0\r\n");
  EXPECT_EQ(Value("k"), std::string("\x00\x40", 2));
  EXPECT_EQ(db().Peek("k")->encoding(), StringEncoding::kRaw);
  EXPECT_EQ(t_.Run({"SETBIT", "k", "9", "0"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "k", "9"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SETBIT", "k", "0", "1"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "k", "0"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "k", "4294967295"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "nokey", "3"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SETBIT", "k", "1"}),
            "-ERR wrong number of arguments for 'setbit' command\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "k"}), "-ERR wrong number of arguments for 'getbit' command\r\n");
}

TEST_F(BitmapCommandsTest, SetBitArgumentErrorsComeBeforeTheTypeCheck) {
  PlantList("l");
  EXPECT_EQ(t_.Run({"SETBIT", "l", "-1", "1"}), kBadOffset);
  EXPECT_EQ(t_.Run({"SETBIT", "l", "4294967296", "1"}), kBadOffset);
  EXPECT_EQ(t_.Run({"SETBIT", "l", "0", "2"}), kBadBit);
  EXPECT_EQ(t_.Run({"SETBIT", "l", "0", "-1"}), kBadBit);
  EXPECT_EQ(t_.Run({"SETBIT", "l", "0", "x"}), kBadBit);
  EXPECT_EQ(t_.Run({"SETBIT", "l", "0", "1"}), kWrongType);
  EXPECT_EQ(t_.Run({"GETBIT", "l", "x"}), kBadOffset);
  EXPECT_EQ(t_.Run({"GETBIT", "l", "0"}), kWrongType);
  EXPECT_EQ(t_.Run({"SETBIT", "new", "#1", "1"}), kBadOffset);
  EXPECT_EQ(db().Peek("new"), nullptr);
}

TEST_F(BitmapCommandsTest, OffsetLimitFollowsProtoMaxBulkLen) {
  t_.config().proto_max_bulk_len = 1024 * 1024;
  EXPECT_EQ(t_.Run({"GETBIT", "k", "8388607"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"GETBIT", "k", "8388608"}), kBadOffset);
  EXPECT_EQ(t_.Run({"SETBIT", "k", "8388608", "1"}), kBadOffset);
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "GET", "u8", "#1048575"}), "*1\r\n:0\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "GET", "u8", "#1048576"}), kBadOffset);
  EXPECT_EQ(db().Peek("k"), nullptr);
}

TEST_F(BitmapCommandsTest, SetBitCountsOnlyRealChanges) {
  uint64_t d0 = dirty();
  EXPECT_EQ(t_.Run({"SETBIT", "k", "3", "0"}), ":0\r\n");  // creates the key
  EXPECT_EQ(dirty(), d0 + 1);
  EXPECT_EQ(t_.Run({"SETBIT", "k", "3", "0"}), ":0\r\n");  // no change
  EXPECT_EQ(dirty(), d0 + 1);
  EXPECT_EQ(t_.Run({"SETBIT", "k", "100", "0"}), ":0\r\n");  // lengthens the string
  EXPECT_EQ(dirty(), d0 + 2);
  EXPECT_EQ(Value("k").size(), 13u);
  EXPECT_EQ(t_.Run({"SETBIT", "k", "3", "1"}), ":0\r\n");
  EXPECT_EQ(dirty(), d0 + 3);
}

TEST_F(BitmapCommandsTest, SetBitKeepsTtlAndRetagsEncoding) {
  PlantString("n", "123", t_.clock().NowMs() + 100000);
  EXPECT_EQ(db().Peek("n")->encoding(), StringEncoding::kInt);
  EXPECT_EQ(t_.Run({"GETBIT", "n", "2"}), ":1\r\n");  // '1' is 0x31
  EXPECT_EQ(t_.Run({"SETBIT", "n", "7", "0"}), ":1\r\n");
  EXPECT_EQ(Value("n"), "023");
  EXPECT_EQ(db().Peek("n")->encoding(), StringEncoding::kRaw);
  EXPECT_TRUE(db().Peek("n")->has_expire());
}

TEST_F(BitmapCommandsTest, BitCount) {
  PlantString("s", "foobar");
  EXPECT_EQ(t_.Run({"BITCOUNT", "s"}), ":26\r\n");
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "1", "1"}), ":6\r\n");
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "5", "30", "BIT"}), ":17\r\n");
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "-1", "-1", "byte"}), ":4\r\n");
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "0"}), kSyntax);
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "0", "1", "BITS"}), kSyntax);
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "-1", "-5", "BITS"}), ":0\r\n");  // before the unit
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "0", "1", "BIT", "x"}), kSyntax);
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "a", "1"}), kNotInt);
  EXPECT_EQ(t_.Run({"BITCOUNT", "s", "0", "1.5"}), kNotInt);
  // Redis 7.0 answers 0 for a missing key before it validates anything else.
  EXPECT_EQ(t_.Run({"BITCOUNT", "nokey", "a", "b", "c", "d"}), ":0\r\n");
  PlantList("l");
  EXPECT_EQ(t_.Run({"BITCOUNT", "l", "a"}), kWrongType);
  EXPECT_EQ(t_.Run({"BITCOUNT"}), "-ERR wrong number of arguments for 'bitcount' command\r\n");
}

TEST_F(BitmapCommandsTest, BitPos) {
  PlantString("s", std::string("\xff\xf0\x00", 3));
  EXPECT_EQ(t_.Run({"BITPOS", "s", "0"}), ":12\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "s", "1", "2"}), ":-1\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "s", "1", "1", "-1", "BIT"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "s", "2"}), "-ERR The bit argument must be 1 or 0.\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "s", "x"}), kNotInt);
  EXPECT_EQ(t_.Run({"BITPOS", "s", "0", "0", "x", "BOT"}), kSyntax);  // unit before end
  EXPECT_EQ(t_.Run({"BITPOS", "s", "0", "0", "x"}), kNotInt);
  EXPECT_EQ(t_.Run({"BITPOS", "s", "0", "0", "1", "BIT", "x"}), kSyntax);
  PlantString("ones", std::string("\xff\xff", 2));
  EXPECT_EQ(t_.Run({"BITPOS", "ones", "0"}), ":16\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "ones", "0", "0"}), ":16\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "ones", "0", "0", "-1"}), ":-1\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "nokey", "0", "x", "y"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "nokey", "1"}), ":-1\r\n");
  PlantList("l");
  EXPECT_EQ(t_.Run({"BITPOS", "l", "3"}), "-ERR The bit argument must be 1 or 0.\r\n");
  EXPECT_EQ(t_.Run({"BITPOS", "l", "1"}), kWrongType);
}

TEST_F(BitmapCommandsTest, BitOp) {
  PlantString("a", "abc");
  PlantString("b", std::string("\xff", 1));
  PlantString("dest", "old", t_.clock().NowMs() + 100000);
  EXPECT_EQ(t_.Run({"BITOP", "AND", "dest", "a", "b"}), ":3\r\n");
  EXPECT_EQ(Value("dest"), std::string("a\0\0", 3));
  EXPECT_FALSE(db().Peek("dest")->has_expire());  // replaced like SET
  EXPECT_EQ(db().Peek("dest")->encoding(), StringEncoding::kRaw);
  EXPECT_EQ(t_.Run({"BITOP", "or", "dest", "a", "missing"}), ":3\r\n");
  EXPECT_EQ(Value("dest"), "abc");
  EXPECT_EQ(t_.Run({"BITOP", "NOT", "dest", "b"}), ":1\r\n");
  EXPECT_EQ(Value("dest"), std::string("\0", 1));
  EXPECT_EQ(t_.Run({"BITOP", "NOT", "dest", "a", "b"}),
            "-ERR BITOP NOT must be called with a single source key.\r\n");
  EXPECT_EQ(t_.Run({"BITOP", "NAND", "dest", "a"}), kSyntax);
  PlantList("l");
  EXPECT_EQ(t_.Run({"BITOP", "XOR", "dest", "a", "l"}), kWrongType);
  EXPECT_EQ(t_.Run({"BITOP", "XOR", "l", "a", "a"}), ":3\r\n");  // destination of any type
  EXPECT_EQ(Value("l"), std::string(3, '\0'));
  // An empty result deletes the destination.
  uint64_t d0 = dirty();
  EXPECT_EQ(t_.Run({"BITOP", "OR", "dest", "nokey1", "nokey2"}), ":0\r\n");
  EXPECT_EQ(db().Peek("dest"), nullptr);
  EXPECT_EQ(dirty(), d0 + 1);
  EXPECT_EQ(t_.Run({"BITOP", "OR", "dest", "nokey1"}), ":0\r\n");
  EXPECT_EQ(dirty(), d0 + 1);
  EXPECT_EQ(t_.Run({"BITOP", "AND", "dest"}),
            "-ERR wrong number of arguments for 'bitop' command\r\n");
}

TEST_F(BitmapCommandsTest, BitOpManySources) {
  std::vector<std::string> args = {"BITOP", "XOR", "d"};
  for (int i = 0; i < 40; i++) {
    std::string key = "s" + std::to_string(i);
    PlantString(key, std::string(1, static_cast<char>(1 << (i % 8))));
    args.push_back(key);
  }
  EXPECT_EQ(t_.RunStrings(args), ":1\r\n");
  EXPECT_EQ(Value("d"), "\xff");  // each bit flipped 5 times
}

TEST_F(BitmapCommandsTest, Bitfield) {
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "i8", "0", "-5", "GET", "u8", "0", "INCRBY", "i8", "0",
                    "200", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "200"}),
            "*4\r\n:0\r\n:251\r\n:-61\r\n$-1\r\n");
  EXPECT_EQ(
      t_.Run({"BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u4", "#1", "100", "GET", "u4", "#1"}),
      "*2\r\n:15\r\n:15\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD", "k"}), "*0\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD", "nokey", "GET", "i64", "100"}), "*1\r\n:0\r\n");
  EXPECT_EQ(db().Peek("nokey"), nullptr);  // GET-only never creates the key
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "GET", "u64", "0"}),
            "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
            "supported but i64 is.\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "OVERFLOW", "LOUD"}),
            "-ERR Invalid OVERFLOW type specified\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "GET", "u8"}), kSyntax);
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "u8", "0"}), kSyntax);
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "u8", "0", "x"}), kNotInt);
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "GET", "u8", "#-1"}), kBadOffset);
}

TEST_F(BitmapCommandsTest, BitfieldValidatesEverythingBeforeTouchingTheKey) {
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "u8", "0", "1", "GET", "x8", "0"}),
            "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
            "supported but i64 is.\r\n");
  EXPECT_EQ(db().Peek("k"), nullptr);
  PlantList("l");
  EXPECT_EQ(t_.Run({"BITFIELD", "l", "GET", "u8", "x"}), kBadOffset);
  EXPECT_EQ(t_.Run({"BITFIELD", "l", "GET", "u8", "0"}), kWrongType);
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "l", "SET", "u8", "0", "1"}),
            "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "l", "GET", "u8", "0"}), kWrongType);
}

TEST_F(BitmapCommandsTest, BitfieldFailStillCreatesTheKeyWithoutDirtying) {
  uint64_t d0 = dirty();
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "8", "10"}),
            "*1\r\n$-1\r\n");
  EXPECT_EQ(Value("k"), std::string(2, '\0'));
  EXPECT_EQ(dirty(), d0);
  // Every successful write of a call that grew the string counts.
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "u8", "0", "0", "SET", "u8", "100", "0"}),
            "*2\r\n:0\r\n:0\r\n");
  EXPECT_EQ(dirty(), d0 + 2);
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "SET", "u8", "0", "0"}), "*1\r\n:0\r\n");
  EXPECT_EQ(dirty(), d0 + 2);
}

TEST_F(BitmapCommandsTest, BitfieldReadOnly) {
  PlantString("k", "\x7f");
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "k", "GET", "i8", "0", "GET", "u4", "#1"}),
            "*2\r\n:127\r\n:15\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "i8", "0"}), "*1\r\n:127\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "k", "INCRBY", "i8", "0", "1"}),
            "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
  EXPECT_EQ(t_.Run({"BITFIELD_RO", "k", "INCRBY", "i8", "0"}), kSyntax);
  EXPECT_EQ(Value("k"), "\x7f");
}

TEST_F(BitmapCommandsTest, Resp3NullForFailedOverflow) {
  t_.Run({"HELLO", "3"});
  EXPECT_EQ(t_.Run({"BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "i4", "0", "8", "GET", "i4", "0"}),
            "*2\r\n_\r\n:0\r\n");
}

}  // namespace
}  // namespace duet
