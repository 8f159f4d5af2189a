#include "commands/command_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duet {
namespace {

void Noop(CommandContext&, ArgReader&) {}

TEST(CommandTable, FindIsCaseInsensitiveAndRemembersTheLastName) {
  CommandTable t;
  t.Add("get", 2, CmdFlag::kReadOnly, 1, 1, 1, Noop, "");
  t.Add("set", -3, CmdFlag::kWrite, 1, 1, 1, Noop, "");
  const CommandSpec* get = t.Find("GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->name, "get");
  EXPECT_EQ(t.Find("GET"), get);  // the cached spelling
  EXPECT_EQ(t.Find("gEt"), get);
  EXPECT_EQ(t.Find("set")->name, "set");
  EXPECT_EQ(t.Find("GETX"), nullptr);
  EXPECT_EQ(t.Find("GE"), nullptr);
  EXPECT_EQ(t.Find(std::string(100, 'a')), nullptr);
}

TEST(CommandTable, RenameForgetsTheCachedName) {
  CommandTable t;
  t.Add("get", 2, CmdFlag::kReadOnly, 1, 1, 1, Noop, "");
  ASSERT_NE(t.Find("GET"), nullptr);
  ASSERT_TRUE(t.Rename("get", "fetch"));
  EXPECT_EQ(t.Find("GET"), nullptr);
  ASSERT_NE(t.Find("FETCH"), nullptr);
  EXPECT_EQ(t.Find("FETCH")->name, "get");
  ASSERT_TRUE(t.Rename("fetch", ""));
  EXPECT_EQ(t.Find("FETCH"), nullptr);
}

TEST(CommandTable, ManyNamesAndSpellingsResolveThroughTheCache) {
  CommandTable t;
  std::vector<std::string> names;
  for (int i = 0; i < 60; i++) names.push_back("cmd" + std::to_string(i));
  for (const std::string& n : names) t.Add(n.c_str(), 1, CmdFlag::kReadOnly, 0, 0, 0, Noop, "");
  // Every name in two spellings (more than the cache holds: it is cleared and refilled),
  // twice over, always the right spec.
  for (int round = 0; round < 2; round++) {
    for (const std::string& n : names) {
      std::string upper = n;
      for (char& ch : upper) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
      const CommandSpec* a = t.Find(n);
      const CommandSpec* b = t.Find(upper);
      ASSERT_NE(a, nullptr) << n;
      EXPECT_EQ(a, b) << n;
      EXPECT_EQ(a->name, n);
    }
  }
  EXPECT_EQ(t.Find("cmd60"), nullptr);
  EXPECT_EQ(t.Find("CMD60"), nullptr);
}

}  // namespace
}  // namespace duet
