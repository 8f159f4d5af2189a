#include "commands/key_extraction.h"

#include <gtest/gtest.h>

#include <string>

namespace duet {
namespace {

// A spec as a family registers it, with the metadata CommandTable::Add would attach.
CommandSpec SpecOf(std::string name, int arity, CmdFlag flags = CmdFlag::kNone) {
  CommandSpec spec{.name = name, .arity = arity, .flags = flags};
  spec.meta = FindCommandMeta(name);
  return spec;
}

// "pos:FLAGS pos:FLAGS" for compact assertions.
std::string Keys(const CommandSpec& spec, std::vector<std::string_view> argv, bool* ok) {
  std::vector<KeyRef> keys;
  *ok = GetCommandKeys(spec, argv, &keys);
  std::string out;
  for (const KeyRef& k : keys) {
    if (!out.empty()) out += ' ';
    out += std::to_string(k.pos) + ':';
    for (std::string_view f : KeyFlagNames(k.flags)) out += std::string(f) + ',';
  }
  return out;
}

TEST(KeyExtraction, RangeSpecs) {
  bool ok;
  EXPECT_EQ(Keys(SpecOf("get", 2), {"get", "k"}, &ok), "1:RO,access,");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Keys(SpecOf("mset", -3), {"mset", "a", "1", "b", "2"}, &ok),
            "1:OW,update, 3:OW,update,");
  // An odd argument count still yields the keys at the step positions.
  EXPECT_EQ(Keys(SpecOf("mset", -3), {"mset", "a", "1", "b"}, &ok), "1:OW,update, 3:OW,update,");
  EXPECT_EQ(Keys(SpecOf("bitop", -4), {"bitop", "and", "d", "a", "b"}, &ok),
            "2:OW,update, 3:RO,access, 4:RO,access,");
  EXPECT_EQ(Keys(SpecOf("rename", 3), {"rename", "a", "b"}, &ok),
            "1:RW,access,delete, 2:OW,update,");
  EXPECT_EQ(Keys(SpecOf("object|encoding", 3), {"object", "encoding", "k"}, &ok), "2:RO,");
}

TEST(KeyExtraction, VariableFlagsUseTheCommandsFinder) {
  bool ok;
  EXPECT_EQ(Keys(SpecOf("set", -3), {"set", "k", "v"}, &ok), "1:OW,update,");
  EXPECT_EQ(Keys(SpecOf("set", -3), {"set", "k", "v", "nx", "GeT"}, &ok), "1:RW,access,update,");
  // SET's value is never taken for the GET option.
  EXPECT_EQ(Keys(SpecOf("set", -3), {"set", "k", "get"}, &ok), "1:OW,update,");
  EXPECT_EQ(Keys(SpecOf("bitfield", -2), {"bitfield", "k", "get", "u8", "0"}, &ok), "1:RO,access,");
  EXPECT_EQ(Keys(SpecOf("bitfield", -2),
                 {"bitfield", "k", "overflow", "sat", "incrby", "u8", "0", "1"}, &ok),
            "1:RW,access,update,");
  EXPECT_EQ(Keys(SpecOf("bitfield", -2), {"bitfield", "k", "get", "u8"}, &ok),
            "1:RW,access,update,");
  EXPECT_EQ(Keys(SpecOf("bitfield", -2), {"bitfield", "k"}, &ok), "1:RO,access,");
}

TEST(KeyExtraction, KeynumSpecsAndFallback) {
  bool ok;
  CommandSpec eval = SpecOf("eval", -3, CmdFlag::kNoMandatoryKeys);
  EXPECT_EQ(Keys(eval, {"eval", "s", "2", "a", "b", "c"}, &ok),
            "3:RW,access,update, 4:RW,access,update,");
  EXPECT_TRUE(ok);
  // A count that is not a strict integer fails the spec; the fallback uses atoi and leaves
  // the flags empty, as Redis does.
  EXPECT_EQ(Keys(eval, {"eval", "s", "2x", "a", "b"}, &ok), "3: 4:");
  EXPECT_EQ(Keys(eval, {"eval", "s", "3", "a", "b"}, &ok), "");
  EXPECT_FALSE(ok);
  EXPECT_EQ(Keys(eval, {"eval", "s", "-1"}, &ok), "");
  EXPECT_FALSE(ok);
  // Redis narrows the count to an int: 2^32 + 1 counts as 1, 2^31 as negative.
  EXPECT_EQ(Keys(eval, {"eval", "s", "4294967297", "a"}, &ok), "3:RW,access,update,");
  EXPECT_EQ(Keys(eval, {"eval", "s", "2147483648", "a"}, &ok), "");
  EXPECT_FALSE(ok);
  CommandSpec zunionstore = SpecOf("zunionstore", -4);
  EXPECT_EQ(Keys(zunionstore, {"zunionstore", "d", "02", "a", "b"}, &ok), "3: 4: 1:");
}

TEST(KeyExtraction, KeywordSpecs) {
  bool ok;
  CommandSpec migrate = SpecOf("migrate", -6);
  EXPECT_EQ(Keys(migrate, {"migrate", "h", "p", "k", "0", "5"}, &ok), "3:RW,access,delete,");
  // KEYS as the last argument is not searched (the backward search starts before it).
  EXPECT_EQ(Keys(migrate, {"migrate", "h", "p", "k", "0", "5", "keys"}, &ok),
            "3:RW,access,delete,");
  // The KEYS spec is incomplete: MIGRATE's own finder answers.
  EXPECT_EQ(Keys(migrate, {"migrate", "h", "p", "", "0", "5", "keys", "a", "b"}, &ok),
            "7:RW,access,delete, 8:RW,access,delete,");
  EXPECT_EQ(Keys(migrate, {"migrate", "h", "p", "k", "0", "5", "keys", "a"}, &ok), "");
  EXPECT_FALSE(ok);
  EXPECT_EQ(Keys(migrate, {"migrate", "h", "p", "", "0", "5", "auth", "keys", "a"}, &ok),
            "3:RW,access,delete,");

  CommandSpec xread = SpecOf("xread", -4);
  EXPECT_EQ(Keys(xread, {"xread", "streams", "a", "b", "1", "2"}, &ok),
            "2:RO,access, 3:RO,access,");
  EXPECT_EQ(Keys(xread, {"xread", "count", "1", "streams", "a", "b", "1"}, &ok), "4:RO,access,");
}

TEST(KeyExtraction, UnknownSpecsUseTheFinder) {
  bool ok;
  CommandSpec sort = SpecOf("sort", -2);
  EXPECT_EQ(Keys(sort, {"sort", "k"}, &ok), "1:RO,access,");
  EXPECT_EQ(Keys(sort, {"sort", "k", "by", "x", "store", "a", "store", "b"}, &ok),
            "1:RO,access, 7:OW,update,");
  EXPECT_EQ(Keys(sort, {"sort", "k", "limit", "store", "a", "b", "c", "store", "d"}, &ok),
            "1:RO,access, 8:OW,update,");
  EXPECT_EQ(Keys(sort, {"sort", "k", "get", "store", "x"}, &ok), "1:RO,access,");
  EXPECT_EQ(Keys(SpecOf("sort_ro", -2), {"sort_ro", "k", "by", "x"}, &ok), "1:RO,access,");
}

TEST(KeyExtraction, HasKeys) {
  EXPECT_TRUE(CommandHasKeys(SpecOf("get", 2)));
  EXPECT_TRUE(CommandHasKeys(SpecOf("sort", -2)));
  EXPECT_FALSE(CommandHasKeys(SpecOf("ping", -1)));
  EXPECT_FALSE(CommandHasKeys(SpecOf("object|help", 2)));
  EXPECT_FALSE(CommandHasKeys(SpecOf("object", -2)));
  // Without metadata the legacy key range decides.
  CommandSpec bare{.name = "nometa", .arity = 2, .first_key = 1, .last_key = 1, .step = 1};
  EXPECT_TRUE(CommandHasKeys(bare));
  bool ok;
  EXPECT_EQ(Keys(bare, {"nometa", "k"}, &ok), "1:RW,access,");
}

TEST(KeyExtraction, SpecsAloneReportFailure) {
  std::vector<KeyRef> keys;
  const KeySpec unknown[] = {Spec(kKeyRO, UnknownBegin(), UnknownFind())};
  EXPECT_EQ(GetKeysFromSpecs(unknown, std::vector<std::string_view>{"x", "k"}, &keys), -1);
  const KeySpec past_end[] = {Spec(kKeyRO, Index(2), Range(0, 1, 0))};
  EXPECT_EQ(GetKeysFromSpecs(past_end, std::vector<std::string_view>{"x", "k"}, &keys), -1);
  const KeySpec limit[] = {Spec(kKeyRO, Keyword("STREAMS", 1), Range(-1, 1, 2))};
  EXPECT_EQ(GetKeysFromSpecs(limit, std::vector<std::string_view>{"x", "STREAMS", "a", "1"}, &keys),
            1);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].pos, 2);
}

}  // namespace
}  // namespace duet
