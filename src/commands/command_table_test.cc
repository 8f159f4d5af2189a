#include "commands/command_table.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace duet
