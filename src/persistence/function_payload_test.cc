#include "persistence/function_payload.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/rdb_format.h"

namespace duet::rdb {
namespace {

constexpr std::string_view kCode =
    "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return 1 end)";

// FUNCTION DUMP of redis-server 7.0.15 after FUNCTION LOAD of kCode.
std::string RedisDump() {
  std::string s = "\xf5\x40\x50";
  s += kCode;
  s += std::string("\x0a\x00\xba\xb3\xff\xb4\x06\x06\x73\xaa", 10);
  return s;
}

TEST(FunctionPayload, DumpIsRedisBytes) {
  EXPECT_EQ(CreateFunctionsPayload({kCode}, true), RedisDump());
  std::vector<std::string> codes;
  std::string err;
  ASSERT_TRUE(ParseFunctionsPayload(RedisDump(), false, &codes, &err)) << err;
  EXPECT_EQ(codes, std::vector<std::string>{std::string(kCode)});
}

TEST(FunctionPayload, SeveralLibrariesCompressed) {
  std::string big = "#!lua name=big\n" + std::string(200, 'x');
  std::string payload = CreateFunctionsPayload({kCode, big}, true);
  EXPECT_LT(payload.size(), big.size());  // LZF
  std::vector<std::string> codes;
  std::string err;
  ASSERT_TRUE(ParseFunctionsPayload(payload, false, &codes, &err)) << err;
  EXPECT_EQ(codes, (std::vector<std::string>{std::string(kCode), big}));
}

TEST(FunctionPayload, EmptyPayloadHasNoLibraries) {
  std::vector<std::string> codes;
  std::string err;
  ASSERT_TRUE(ParseFunctionsPayload(CreateFunctionsPayload({}, true), false, &codes, &err));
  EXPECT_TRUE(codes.empty());
}

TEST(FunctionPayload, BadPayloadsAreRefusedWithRedisMessages) {
  std::vector<std::string> codes;
  std::string err;
  std::string bad_crc = RedisDump();
  bad_crc.back() ^= 1;
  EXPECT_FALSE(ParseFunctionsPayload(bad_crc, false, &codes, &err));
  EXPECT_EQ(err, "DUMP payload version or checksum are wrong");
  EXPECT_TRUE(ParseFunctionsPayload(bad_crc, true, &codes, &err));  // checksum not checked

  // A key's DUMP payload (string type byte) is not a function.
  std::string key_dump = std::string(
      "\x00\x03"
      "abc\x0a\x00",
      7);
  key_dump += std::string(8, '\0');
  EXPECT_FALSE(ParseFunctionsPayload(key_dump, true, &codes, &err));
  EXPECT_EQ(err, "given type is not a function");

  // A library string whose length runs past the end.
  std::string truncated = std::string(
                              "\xf5\x3f"
                              "ab\x0a\x00",
                              6) +
                          std::string(8, '\0');
  EXPECT_FALSE(ParseFunctionsPayload(truncated, true, &codes, &err));
  EXPECT_EQ(err, "Failed loading library payload");
}

TEST(FunctionPayload, PreReleaseRecordBecomesCode) {
  // FUNCTION (246): name, engine, has-description, description, body.
  RdbEncoder enc(false);
  enc.String("mylib");
  enc.String("LUA");
  enc.Length(1);
  enc.String("a description");
  enc.String("redis.register_function('f', function() return 1 end)");
  std::string rec = enc.buffer();
  RdbDecoder dec(reinterpret_cast<const uint8_t*>(rec.data()), rec.size());
  std::string code, err;
  ASSERT_TRUE(ReadFunction(dec, kOpFunction, &code, &err)) << err;
  EXPECT_EQ(code, "#!LUA name=mylib\nredis.register_function('f', function() return 1 end)");

  RdbDecoder short_dec(reinterpret_cast<const uint8_t*>(rec.data()), 8);
  EXPECT_FALSE(ReadFunction(short_dec, kOpFunction, &code, &err));
  EXPECT_EQ(err, "Failed loading engine name");
}

}  // namespace
}  // namespace duet::rdb
