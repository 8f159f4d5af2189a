#include <gtest/gtest.h>

#include <string>

#include "commands/acl_categories.h"
#include "commands/command_meta.h"
#include "server/test_harness.h"

namespace duet {
namespace {

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// The facts Redis 7.0 reports for every command duet registers must be what duet's
// CommandSpec declares: COMMAND INFO replies with the spec's values and the dispatcher
// enforces them. A mismatch names the command and the differing field.
std::string CheckSpec(const CommandSpec& spec) {
  const CommandMeta* m = spec.meta;
  if (!m) return spec.name + ": no metadata entry (commands/command_meta_<group>.cc)\n";
  std::string out;
  auto check = [&](const char* what, auto have, auto want) {
    if (have != want) {
      out += spec.name + ": " + what + " is " + std::to_string(have) + ", Redis has " +
             std::to_string(want) + "\n";
    }
  };
  check("arity", spec.arity, m->arity);
  check("first_key", spec.first_key, m->first_key);
  check("last_key", spec.last_key, m->last_key);
  check("step", spec.step, m->step);
  auto join = [](const std::vector<std::string_view>& v) {
    std::string s;
    for (std::string_view x : v) s += std::string(x) + " ";
    return s;
  };
  CmdFlag flags = spec.flags;
  if (HasFlag(m->flags, CmdFlag::kMovableKeys)) flags = flags | CmdFlag::kMovableKeys;
  std::string have_flags = join(FlagNames(flags)), want_flags = join(FlagNames(m->flags));
  if (have_flags != want_flags) {
    out += spec.name + ": flags are [" + have_flags + "], Redis has [" + want_flags + "]\n";
  }
  std::string have_acl = join(AclCategoryNames(EffectiveAclCategories(spec)));
  std::string want_acl = join(AclCategoryNames(m->acl_categories));
  if (have_acl != want_acl) {
    out += spec.name + ": ACL categories are [" + have_acl + "], Redis has [" + want_acl + "]\n";
  }
  bool unknown = false;
  ParseAclCategories(spec.acl_categories, &unknown);
  if (unknown) out += spec.name + ": unknown ACL category in '" + spec.acl_categories + "'\n";
  for (const CommandSpec& sub : spec.subcommands) out += CheckSpec(sub);
  return out;
}

TEST(CommandSpecs, EveryRegisteredCommandMatchesRedis) {
  TestServer t;
  std::string problems;
  t.server().commands().ForEach([&](const CommandSpec& spec) { problems += CheckSpec(spec); });
  EXPECT_EQ(problems, "");
}

TEST(CommandCmd, InfoMatchesRedisBytes) {
  TestServer t;
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "echo"}),
            "*1\r\n*10\r\n$4\r\necho\r\n:2\r\n*3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n"
            ":0\r\n*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  EXPECT_EQ(t.Run({"command", "info", "COMMAND|Count", "nosuch", "echo|x"}),
            "*3\r\n*10\r\n$13\r\ncommand|count\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n"
            ":0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n$-1\r\n$-1\r\n");
  t.Run({"HELLO", "3"});
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "echo"}),
            "*1\r\n*10\r\n$4\r\necho\r\n:2\r\n~3\r\n+loading\r\n+stale\r\n+fast\r\n:0\r\n:0\r\n"
            ":0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "INFO", "nosuch"}), "*1\r\n_\r\n");
}

TEST(CommandCmd, InfoOfAContainerListsItsSubcommands) {
  TestServer t;
  std::string reply = t.Run({"COMMAND", "INFO", "command"});
  EXPECT_EQ(reply.rfind("*1\r\n*10\r\n$7\r\ncommand\r\n:-1\r\n*2\r\n+loading\r\n+stale\r\n", 0),
            0u);
  // Seven subcommands, each a full 10-element entry.
  EXPECT_NE(reply.find("*7\r\n*10\r\n"), std::string::npos);
  EXPECT_NE(reply.find(Bulk("command|getkeysandflags")), std::string::npos);
  // Tips come from the metadata.
  EXPECT_NE(reply.find(Bulk("nondeterministic_output_order")), std::string::npos);
}

TEST(CommandCmd, DocsUsesDuetSummaries) {
  TestServer t;
  const CommandMeta* echo = FindCommandMeta("echo");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(t.Run({"COMMAND", "DOCS", "echo", "nosuch"}),
            "*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n" + Bulk(echo->def->summary) +
                "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n"
                "$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n"
                "$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  t.Run({"HELLO", "3"});
  EXPECT_EQ(t.Run({"COMMAND", "DOCS", "nosuch"}), "%0\r\n");
  std::string docs = t.Run({"COMMAND", "DOCS", "command"});
  // summary, since, group, complexity, subcommands
  EXPECT_EQ(docs.rfind("%1\r\n$7\r\ncommand\r\n%5\r\n", 0), 0u);
  EXPECT_NE(docs.find("$11\r\nsubcommands\r\n%7\r\n"), std::string::npos);
}

TEST(CommandCmd, CountAndList) {
  TestServer t;
  size_t n = t.server().commands().size();
  EXPECT_EQ(t.Run({"COMMAND", "COUNT"}), ":" + std::to_string(n) + "\r\n");
  std::string all = t.Run({"COMMAND"});
  EXPECT_EQ(all.rfind("*" + std::to_string(n) + "\r\n*10\r\n", 0), 0u);

  // Subcommands are listed in registration order, matched case-insensitively.
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "pattern", "COMMAND|GETKEYS*"}),
            "*2\r\n" + Bulk("command|getkeys") + Bulk("command|getkeysandflags"));
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "aclcat", "nosuch"}), "*0\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "module", "x"}), "*0\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "aclcat", "@connection"}), "*0\r\n");
  std::string conn = t.Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "Connection"});
  EXPECT_NE(conn.find(Bulk("echo")), std::string::npos);
  EXPECT_NE(conn.find(Bulk("command|info")), std::string::npos);
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "pattern"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "name", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "FILTERBY", "pattern", "x", "FILTERBY", "pattern", "y"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "LIST", "extra"}), "-ERR syntax error\r\n");
}

TEST(CommandCmd, GetKeys) {
  TestServer t;
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "command", "info"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "nosuch", "x"}), "-ERR Invalid command specified\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "command", "nosuch"}),
            "-ERR Invalid command specified\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "ping", "x"}),
            "-ERR The command has no key arguments\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS"}),
            "-ERR wrong number of arguments for 'command|getkeys' command\r\n");

  // A command with keys, registered just for this test.
  t.server().commands().Add({.name = "get",
                             .arity = 2,
                             .flags = CmdFlag::kReadOnly | CmdFlag::kFast,
                             .first_key = 1,
                             .last_key = 1,
                             .step = 1,
                             .handler = [](CommandContext&, ArgReader&) {},
                             .acl_categories = "@string"});
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "GET", "k"}), "*1\r\n$1\r\nk\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYS", "get", "k", "x"}),
            "-ERR Invalid number of arguments specified for command\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "get", "k"}),
            "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n");
  t.Run({"HELLO", "3"});
  EXPECT_EQ(t.Run({"COMMAND", "GETKEYSANDFLAGS", "get", "k"}),
            "*1\r\n*2\r\n$1\r\nk\r\n~2\r\n+RO\r\n+access\r\n");
}

TEST(CommandCmd, HelpAndErrors) {
  TestServer t;
  std::string help = t.Run({"COMMAND", "HELP"});
  EXPECT_EQ(help.rfind("*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
                       "\r\n+(no subcommand)\r\n",
                       0),
            0u);
  EXPECT_NE(help.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
  EXPECT_EQ(t.Run({"COMMAND", "nosuch"}),
            "-ERR unknown subcommand 'nosuch'. Try COMMAND HELP.\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "COUNT", "x"}),
            "-ERR wrong number of arguments for 'command|count' command\r\n");
  EXPECT_EQ(t.Run({"COMMAND", "HELP", "x"}),
            "-ERR wrong number of arguments for 'command|help' command\r\n");
}

}  // namespace
}  // namespace duet
