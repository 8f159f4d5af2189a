#include "server/acl.h"

#include <gtest/gtest.h>

#include "commands/command_meta.h"
#include "server/acl_check.h"
#include "server/acl_describe.h"
#include "server/server_commands.h"
#include "server/test_harness.h"

namespace duet {
namespace {

class AclTest : public ::testing::Test {
 protected:
  AclTest() {
    RegisterAllCommands(table_);
    RegisterServerCommands(table_);
    acl_.Init(table_);
  }
  AclRuleContext ctx() const { return acl_.Context(false); }
  std::string Set(std::string_view name, std::vector<std::string> rules) {
    std::optional<AclUser> before;
    AclUser* u = nullptr;
    return acl_.SetUser(name, rules, ctx(), &before, &u);
  }
  AclResult Check(std::string_view user, std::vector<std::string_view> argv, int* pos = nullptr) {
    const CommandSpec* spec = table_.Find(argv[0]);
    if (spec->IsContainer()) spec = CommandTable::FindSub(*spec, argv[1]);
    int p = 0;
    AclResult r = AclCheckCommand(*acl_.Find(user), *spec, argv, &p);
    if (pos) *pos = p;
    return r;
  }
  CommandTable table_;
  Acl acl_;
};

TEST_F(AclTest, DefaultUserIsUnrestricted) {
  EXPECT_TRUE(acl_.default_user()->unrestricted);
  EXPECT_EQ(acl_.UserLines(ctx())[0], "user default on nopass ~* &* +@all");
  EXPECT_FALSE(acl_.DefaultNeedsAuth());
  acl_.SetDefaultPassword("pw", ctx());
  EXPECT_TRUE(acl_.DefaultNeedsAuth());
  EXPECT_EQ(acl_.CheckCredentials("default", "pw"), acl_.default_user());
  EXPECT_EQ(acl_.CheckCredentials("default", "px"), nullptr);
}

TEST_F(AclTest, RuleErrorsAreRedisTexts) {
  EXPECT_EQ(Set("u", {"foo"}), "Error in ACL SETUSER modifier 'foo': Syntax error");
  EXPECT_EQ(Set("u", {"+nosuch"}),
            "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL");
  EXPECT_EQ(Set("u", {"+config|get|x"}),
            "Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand "
            "is not supported");
  EXPECT_EQ(Set("u", {"(~x", "+get"}), "Unmatched parenthesis in acl selector starting at '(~x'.");
  EXPECT_EQ(acl_.Find("u"), nullptr);  // nothing was applied
}

TEST_F(AclTest, DescribeRebuildsCategories) {
  ASSERT_EQ(Set("a", {"on", ">p", "~k*", "%R~r*", "&ch", "+@all", "-@string", "+incr"}), "");
  const AclUser* a = acl_.Find("a");
  EXPECT_EQ(DescribeAclCommands(a->selectors[0], ctx()), "+@all -@string +incr");
  EXPECT_EQ(DescribeAclKeys(a->selectors[0]), "~k* %R~r*");
  EXPECT_EQ(DescribeAclChannels(a->selectors[0]), "&ch");
  ASSERT_EQ(Set("b", {"-@all", "+memory|doctor"}), "");
  EXPECT_EQ(DescribeAclCommands(acl_.Find("b")->selectors[0], ctx()), "-@all +memory|doctor");
  ASSERT_EQ(Set("b", {"+memory"}), "");
  EXPECT_EQ(DescribeAclCommands(acl_.Find("b")->selectors[0], ctx()), "-@all +memory");
}

TEST_F(AclTest, ChecksCommandsKeysAndChannels) {
  ASSERT_EQ(Set("u", {"on", "nopass", "+get", "+set", "+publish", "~foo*", "&news"}), "");
  EXPECT_EQ(Check("u", {"get", "foo1"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"incr", "foo1"}), AclResult::kDeniedCmd);
  int pos = 0;
  EXPECT_EQ(Check("u", {"get", "bar"}, &pos), AclResult::kDeniedKey);
  EXPECT_EQ(pos, 1);
  EXPECT_EQ(Check("u", {"publish", "news", "x"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"publish", "other", "x"}), AclResult::kDeniedChannel);
}

TEST_F(AclTest, ReadWritePatternsFollowKeySpecs) {
  ASSERT_EQ(Set("u", {"on", "nopass", "+@all", "%R~read*", "%W~write*"}), "");
  EXPECT_EQ(Check("u", {"get", "read1"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"get", "write1"}), AclResult::kDeniedKey);
  EXPECT_EQ(Check("u", {"set", "write1", "v"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"set", "read1", "v"}), AclResult::kDeniedKey);
  EXPECT_EQ(Check("u", {"copy", "read1", "write1"}), AclResult::kOk);
}

TEST_F(AclTest, SelectorsAreAlternatives) {
  ASSERT_EQ(Set("u", {"on", "nopass", "+get", "~a*", "(+set ~b*)"}), "");
  EXPECT_EQ(Check("u", {"get", "a1"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"set", "b1", "v"}), AclResult::kOk);
  EXPECT_EQ(Check("u", {"set", "a1", "v"}), AclResult::kDeniedKey);
  EXPECT_EQ(acl_.UserLines(ctx())[1],
            "user u on nopass ~a* resetchannels -@all +get (~b* resetchannels -@all +set)");
}

TEST(AclServerTest, NoPermErrorsAndLog) {
  TestServer t;
  EXPECT_EQ(t.Run({"ACL", "SETUSER", "u", "on", ">p", "+get", "+auth", "~k*"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"AUTH", "u", "p"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"SET", "k", "v"}),
            "-NOPERM this user has no permissions to run the 'set' command\r\n");
  EXPECT_EQ(t.Run({"GET", "x"}),
            "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n");
  EXPECT_EQ(t.Run({"AUTH", "u", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  ASSERT_EQ(t.server().acl().log().entries().size(), 3u);
  const AclLogEntry& e = t.server().acl().log().entries()[0];
  EXPECT_EQ(e.reason, AclResult::kDeniedAuth);
  EXPECT_EQ(e.object, "AUTH");
  EXPECT_EQ(e.username, "u");
  EXPECT_EQ(t.server().acl().log().entries()[1].object, "x");
}

}  // namespace
}  // namespace duet
