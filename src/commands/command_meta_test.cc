#include "commands/command_meta.h"

#include <gtest/gtest.h>

#include "commands/acl_categories.h"

namespace duet {
namespace {

TEST(CommandMeta, TablesParseWithoutErrors) {
  std::string all;
  for (const std::string& e : CommandMetaErrors()) all += e + "\n";
  EXPECT_EQ(all, "");
  // Every Redis 7.0 command and subcommand (367 in 7.0.15), and CLIENT SETINFO.
  EXPECT_EQ(AllCommandMeta().size(), 367u);
}

TEST(CommandMeta, EntriesAreConsistent) {
  for (const CommandMeta& m : AllCommandMeta()) {
    std::string_view name = m.def->name;
    SCOPED_TRACE(std::string(name));
    EXPECT_FALSE(m.def->summary.empty());
    EXPECT_FALSE(m.def->since.empty());
    EXPECT_NE(m.arity, 0);
    // Subcommands belong to a parent entry.
    size_t bar = name.find('|');
    if (bar != std::string_view::npos) {
      EXPECT_NE(FindCommandMeta(name.substr(0, bar)), nullptr);
    }
    // Key spec indexes in the argument tree point at existing key specs.
    std::vector<const std::vector<CommandArg>*> todo = {&m.args};
    while (!todo.empty()) {
      const std::vector<CommandArg>* args = todo.back();
      todo.pop_back();
      for (const CommandArg& a : *args) {
        if (a.key_spec_index >= 0) {
          EXPECT_LT(static_cast<size_t>(a.key_spec_index), m.key_specs.size());
        }
        todo.push_back(&a.args);
      }
    }
  }
}

TEST(CommandMeta, FindsByFullName) {
  const CommandMeta* get = FindCommandMeta("get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->group, "string");
  EXPECT_EQ(get->arity, 2);
  EXPECT_EQ(get->first_key, 1);
  EXPECT_EQ(get->flags, CmdFlag::kReadOnly | CmdFlag::kFast);
  EXPECT_EQ(get->acl_categories, kAclRead | kAclString | kAclFast);
  ASSERT_EQ(get->key_specs.size(), 1u);
  EXPECT_EQ(get->key_specs[0].flags, kKeyRO | kKeyAccess);
  EXPECT_EQ(get->key_specs[0].begin.type, BeginSearch::Type::kIndex);

  const CommandMeta* config_get = FindCommandMeta("config|get");
  ASSERT_NE(config_get, nullptr);
  EXPECT_EQ(config_get->group, "server");
  EXPECT_EQ(config_get->arity, -3);

  EXPECT_EQ(FindCommandMeta("GET"), nullptr);  // names are stored lower case
  EXPECT_EQ(FindCommandMeta("nosuch"), nullptr);
  const CommandMeta* keyslot = FindCommandMeta("cluster|keyslot");
  ASSERT_NE(keyslot, nullptr);
  EXPECT_EQ(keyslot->group, "cluster");
  EXPECT_EQ(keyslot->arity, 3);
}

TEST(CommandMeta, MovableKeysAndTips) {
  const CommandMeta* sort = FindCommandMeta("sort");
  ASSERT_NE(sort, nullptr);
  EXPECT_TRUE(HasFlag(sort->flags, CmdFlag::kMovableKeys));
  EXPECT_EQ(sort->key_specs.size(), 3u);
  EXPECT_EQ(sort->key_specs[2].begin.type, BeginSearch::Type::kUnknown);
  EXPECT_FALSE(sort->key_specs[1].notes.empty());

  const CommandMeta* mset = FindCommandMeta("mset");
  ASSERT_NE(mset, nullptr);
  EXPECT_EQ(mset->tips, (std::vector<std::string_view>{"request_policy:multi_shard",
                                                       "response_policy:all_succeeded"}));
}

TEST(CommandMeta, HistoryAndDeprecation) {
  const CommandMeta* getset = FindCommandMeta("getset");
  ASSERT_NE(getset, nullptr);
  EXPECT_EQ(getset->doc_flags, std::vector<std::string_view>{"deprecated"});
  EXPECT_EQ(getset->def->deprecated_since, "6.2.0");
  const CommandMeta* set = FindCommandMeta("set");
  ASSERT_NE(set, nullptr);
  ASSERT_EQ(set->history.size(), 4u);
  EXPECT_EQ(set->history[1].first, "6.0.0");
  EXPECT_EQ(set->history[1].second, "Added the `KEEPTTL` option.");
}

TEST(CommandMetaArgs, ParsesTree) {
  std::vector<CommandArg> args;
  std::string error;
  ASSERT_TRUE(
      ParseCommandArgs("key:key#0 oneof:condition?@2.6.12[pure-token:nx=NX pure-token:xx=XX] "
                       "string:ip:port=ADDR!6.2.0 pure-token:empty_string='' pure-token:star='*' "
                       "block:pair+*[string:field string:value]",
                       &args, &error))
      << error;
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[0].name, "key");
  EXPECT_EQ(args[0].type, "key");
  EXPECT_EQ(args[0].key_spec_index, 0);
  EXPECT_FALSE(args[0].has_token);
  EXPECT_EQ(args[1].type, "oneof");
  EXPECT_EQ(args[1].flags, CommandArg::kOptional);
  EXPECT_EQ(args[1].since, "2.6.12");
  ASSERT_EQ(args[1].args.size(), 2u);
  EXPECT_EQ(args[1].args[1].token, "XX");
  EXPECT_EQ(args[2].name, "ip:port");
  EXPECT_EQ(args[2].token, "ADDR");
  EXPECT_EQ(args[2].deprecated_since, "6.2.0");
  EXPECT_TRUE(args[3].has_token);
  EXPECT_EQ(args[3].token, "");
  EXPECT_EQ(args[4].token, "*");
  EXPECT_EQ(args[5].flags, CommandArg::kMultiple | CommandArg::kMultipleToken);
  EXPECT_EQ(args[5].args.size(), 2u);
}

TEST(CommandMetaArgs, FlagsOnBlocks) {
  std::vector<CommandArg> args;
  std::string error;
  ASSERT_TRUE(ParseCommandArgs("block:data*[key:key#0 string:value]", &args, &error)) << error;
  ASSERT_EQ(args.size(), 1u);
  EXPECT_EQ(args[0].flags, CommandArg::kMultiple);
  EXPECT_EQ(args[0].args.size(), 2u);
  args.clear();
  ASSERT_TRUE(ParseCommandArgs("", &args, &error));
  EXPECT_TRUE(args.empty());
}

TEST(CommandMetaArgs, RejectsMalformedText) {
  std::string error;
  for (std::string_view bad :
       {"key", "nosuchtype:x", "key:", "oneof:x", "oneof:x[key:k", "key:k]", "key:k=", "key:k='x",
        "key:k#", "key:k@", "key:k!", "key:k[string:s]", "key:k ]"}) {
    std::vector<CommandArg> args;
    EXPECT_FALSE(ParseCommandArgs(bad, &args, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(KeyFlags, NamesInRedisOrder) {
  EXPECT_EQ(KeyFlagNames(kKeyVariableFlags | kKeyRW | kKeyUpdate | kKeyAccess),
            (std::vector<std::string_view>{"RW", "access", "update", "variable_flags"}));
  EXPECT_TRUE(KeyFlagNames(0).empty());
}

TEST(AclCategories, ParseAndNames) {
  bool unknown = false;
  EXPECT_EQ(ParseAclCategories("@write @string,@SLOW", &unknown),
            kAclWrite | kAclString | kAclSlow);
  EXPECT_FALSE(unknown);
  EXPECT_EQ(ParseAclCategories("@nosuch read", &unknown), kAclRead);
  EXPECT_TRUE(unknown);
  EXPECT_EQ(AclCategoryNames(kAclSlow | kAclKeyspace | kAclDangerous),
            (std::vector<std::string_view>{"@keyspace", "@slow", "@dangerous"}));
  EXPECT_EQ(AclCategoryByName("SortedSet"), kAclSortedSet);
  EXPECT_EQ(AclCategoryByName("@read"), 0u);
}

TEST(AclCategories, ImpliedByFlags) {
  // A family may declare only the data-type category: the rest follows from its flags.
  EXPECT_EQ(EffectiveAclCategories(kAclString, CmdFlag::kReadOnly | CmdFlag::kFast),
            kAclRead | kAclString | kAclFast);
  EXPECT_EQ(EffectiveAclCategories(0, CmdFlag::kAdmin | CmdFlag::kNoScript),
            kAclAdmin | kAclDangerous | kAclSlow);
  EXPECT_EQ(EffectiveAclCategories(kAclScripting, CmdFlag::kReadOnly), kAclScripting | kAclSlow);
  EXPECT_EQ(EffectiveAclCategories(kAclList, CmdFlag::kWrite | CmdFlag::kBlocking),
            kAclWrite | kAclList | kAclSlow | kAclBlocking);
}

TEST(CmdFlags, NamesInRedisOrderWithoutMayReplicate) {
  EXPECT_EQ(FlagNames(CmdFlag::kAllowBusy | CmdFlag::kMovableKeys | CmdFlag::kNoMulti |
                      CmdFlag::kMayReplicate | CmdFlag::kWrite | CmdFlag::kNoAsyncLoading),
            (std::vector<std::string_view>{"write", "no_async_loading", "no_multi", "movablekeys",
                                           "allow_busy"}));
  EXPECT_EQ(FlagByName("denyoom"), CmdFlag::kDenyOom);
  EXPECT_EQ(FlagByName("may_replicate"), CmdFlag::kNone);
}

}  // namespace
}  // namespace duet
