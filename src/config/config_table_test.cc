#include "config/config_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/config_loader.h"

namespace duet {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

class ConfigTableTest : public ::testing::Test {
 protected:
  std::string Get1(const std::string& name) {
    auto r = table_.Get({name});
    return r.size() == 1 ? r[0].second : "<" + std::to_string(r.size()) + " results>";
  }
  std::string Set(Pairs pairs) { return table_.Set(pairs, {}); }
  std::string Fatal(const std::string& text) {
    Status st = table_.LoadString(text);
    return st.ok() ? "ok" : st.message();
  }
  std::string TempDir() {
    char tmpl[] = "/tmp/duet-config-test-XXXXXX";
    return mkdtemp(tmpl);
  }
  static void WriteFile(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  Config config_;
  ConfigTable table_{&config_};
};

TEST_F(ConfigTableTest, DefaultsAsRedisPrintsThem) {
  EXPECT_EQ(Get1("save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(Get1("bind"), "* -::*");
  EXPECT_EQ(Get1("client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(Get1("oom-score-adj-values"), "0 200 800");
  EXPECT_EQ(Get1("latency-tracking-info-percentiles"), "50 99 99.9");
  EXPECT_EQ(Get1("proto-max-bulk-len"), "536870912");
  EXPECT_EQ(Get1("hash-max-listpack-entries"), "512");
  EXPECT_EQ(Get1("maxmemory-policy"), "noeviction");
  EXPECT_EQ(Get1("syslog-facility"), "local0");
  EXPECT_EQ(Get1("shutdown-on-sigterm"), "default");
  EXPECT_EQ(Get1("notify-keyspace-events"), "");
  EXPECT_EQ(Get1("replicaof"), "");
  EXPECT_EQ(Get1("proc-title-template"), "{title} {listen-addr} {server-mode}");
  EXPECT_EQ(Get1("loading-process-events-interval-bytes"), "2097152");
}

TEST_F(ConfigTableTest, GetNamesAliasesHiddenAndPatterns) {
  // An exact lookup answers under the spelling of the request.
  auto r = table_.Get({"MAXMEMORY"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, "MAXMEMORY");
  EXPECT_EQ(table_.Get({"MAXMEMORY", "maxmemory"}).size(), 1u);
  EXPECT_EQ(table_.Get({"hash-max-ziplist-entries"})[0].first, "hash-max-ziplist-entries");
  // Patterns list aliases as entries of their own; hidden directives need their exact name.
  EXPECT_EQ(table_.Get({"hash-max-*"}).size(), 4u);
  EXPECT_EQ(table_.Get({"key-load-delay"}).size(), 1u);
  EXPECT_EQ(table_.Get({"key-load-*"}).size(), 0u);
  // `CONFIG GET *` on redis-server 7.0.15 gives 192; duet adds metrics-port, metrics-bind
  // and metrics-bullmq-prefix.
  EXPECT_EQ(table_.Get({"*"}).size(), 195u);
  EXPECT_EQ(table_.Get({"max*", "maxmemory"}).size(), 6u);
  EXPECT_EQ(table_.Get({"nope"}).size(), 0u);
  EXPECT_EQ(table_.GetValue("slaveof"), "");
}

TEST_F(ConfigTableTest, SensitiveDirectives) {
  for (const ConfigTable::Directive& d : table_.directives()) {
    EXPECT_EQ(ConfigTable::IsSensitive(d.name), (d.flags & ConfigTable::kSensitive) != 0) << d.name;
  }
  EXPECT_TRUE(ConfigTable::IsSensitive("REQUIREPASS"));
  EXPECT_FALSE(ConfigTable::IsSensitive("maxmemory"));
}

TEST_F(ConfigTableTest, SetValuesAndCanonicalForms) {
  EXPECT_EQ(Set({{"maxmemory", "1mb"}}), "");
  EXPECT_EQ(config_.maxmemory, 1u << 20);
  EXPECT_EQ(Get1("maxmemory"), "1048576");
  EXPECT_EQ(Set({{"maxmemory", "99999999999999999999"}}), "");
  EXPECT_EQ(Get1("maxmemory"), "18446744073709551615");
  EXPECT_EQ(Set({{"maxmemory-policy", "ALLKEYS-LRU"}}), "");
  EXPECT_EQ(config_.maxmemory_policy, "allkeys-lru");
  EXPECT_EQ(Set({{"hz", "1000"}}), "");
  EXPECT_EQ(config_.hz, 500);
  EXPECT_EQ(Set({{"hz", "0"}}), "");
  EXPECT_EQ(config_.hz, 1);
  EXPECT_EQ(Set({{"save", "100 10 200 20"}}), "");
  EXPECT_EQ(config_.save_params, (std::vector<SaveParam>{{100, 10}, {200, 20}}));
  EXPECT_EQ(Set({{"save", ""}}), "");
  EXPECT_TRUE(config_.save_params.empty());
  EXPECT_EQ(Set({{"notify-keyspace-events", "KEA"}}), "");
  EXPECT_EQ(Get1("notify-keyspace-events"), "AKE");
  EXPECT_EQ(Set({{"client-output-buffer-limit", "pubsub 1mb 2kb 5"}}), "");
  EXPECT_EQ(config_.client_obuf_limits[kObufPubsub], (OutputBufferLimit{1u << 20, 2048, 5}));
  EXPECT_EQ(Set({{"shutdown-on-sigint", "now save"}}), "");
  EXPECT_EQ(Get1("shutdown-on-sigint"), "save now");
  EXPECT_EQ(Set({{"oom-score-adj", "relative"}}), "");
  EXPECT_EQ(Get1("oom-score-adj"), "yes");
  EXPECT_EQ(Set({{"maxmemory-clients", "10%"}}), "");
  EXPECT_EQ(Get1("maxmemory-clients"), "10%");
  EXPECT_EQ(Set({{"latency-tracking-info-percentiles", "0.5 99.990 100"}}), "");
  EXPECT_EQ(Get1("latency-tracking-info-percentiles"), "0.5 99.99 100");
  EXPECT_EQ(Set({{"list-max-ziplist-size", "-5"}}), "");
  EXPECT_EQ(config_.list_max_listpack_size, -5);
  EXPECT_EQ(Set({{"requirepass", "pw"}, {"timeout", "30"}}), "");
  EXPECT_EQ(config_.requirepass, "pw");
  EXPECT_EQ(config_.timeout, 30);
}

TEST_F(ConfigTableTest, SetErrorsAreRedisTexts) {
  auto failed = [](const std::string& arg, const std::string& why) {
    return "ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + why;
  };
  EXPECT_EQ(Set({{"nosuch", "1"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_EQ(Set({{"DAEMONIZE", "yes"}}), failed("DAEMONIZE", "can't set immutable config"));
  EXPECT_EQ(Set({{"dir", "/tmp"}}), failed("dir", "can't set protected config"));
  EXPECT_EQ(Set({{"maxmemory", "abc"}}), failed("maxmemory", "argument must be a memory value"));
  EXPECT_EQ(Set({{"HASH-MAX-ZIPLIST-ENTRIES", "x"}}),
            failed("hash-max-ziplist-entries", "argument couldn't be parsed into an integer"));
  EXPECT_EQ(Set({{"maxclients", "0"}}),
            failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
  EXPECT_EQ(Set({{"hash-max-listpack-entries", "-1"}}),
            failed("hash-max-listpack-entries",
                   "argument must be between 0 and 9223372036854775807 inclusive"));
  EXPECT_EQ(Set({{"maxmemory-clients", "200%"}}),
            failed("maxmemory-clients", "percentage argument must be less or equal to 100"));
  EXPECT_EQ(Set({{"loglevel", "nothing"}}),
            failed("loglevel",
                   "argument(s) must be one of the following: debug, verbose, notice, warning"));
  EXPECT_EQ(Set({{"save", "3600  1"}}), failed("save", "Invalid save parameters"));
  EXPECT_EQ(Set({{"maxmemory", "1mb"}, {"maxmemory", "2mb"}}),
            failed("maxmemory", "duplicate parameter"));
  EXPECT_EQ(Set({{"shutdown-on-sigint", "save nosave"}}),
            failed("shutdown-on-sigint",
                   "shutdown options SAVE and NOSAVE can't be used simultaneously"));
  EXPECT_EQ(Set({{"oom-score-adj-values", "1 2 5000"}}),
            failed("oom-score-adj-values",
                   "Invalid oom-score-adj-values, elements must be between -2000 and 2000."));
  // The first problem found wins: an unknown name after an immutable one is not reported.
  EXPECT_EQ(Set({{"daemonize", "yes"}, {"nosuch", "1"}}),
            failed("daemonize", "can't set immutable config"));
  EXPECT_EQ(Set({{"nosuch", "1"}, {"daemonize", "yes"}}),
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
}

TEST_F(ConfigTableTest, SetIsAtomic) {
  EXPECT_NE(Set({{"maxmemory", "5mb"}, {"timeout", "7"}, {"hz", "abc"}}), "");
  EXPECT_EQ(config_.maxmemory, 0u);
  EXPECT_EQ(config_.timeout, 0);
  // A failing apply hook rolls back too, and the hook sees the old values again.
  std::vector<std::string> applied;
  table_.SetApplyHook([&](const std::string& name) -> std::string {
    applied.push_back(name + "=" + std::to_string(config_.maxclients));
    return name == "maxclients" && config_.maxclients == 5 ? "nope" : "";
  });
  EXPECT_EQ(Set({{"timeout", "9"}, {"maxclients", "5"}}),
            "ERR CONFIG SET failed (possibly related to argument 'maxclients') - nope");
  EXPECT_EQ(config_.timeout, 0);
  EXPECT_EQ(config_.maxclients, 10000);
  EXPECT_EQ(applied, (std::vector<std::string>{"timeout=5", "maxclients=5", "timeout=10000",
                                               "maxclients=10000"}));
}

TEST_F(ConfigTableTest, ProtectedConfigsFollowEnableProtectedConfigs) {
  ASSERT_TRUE(table_.LoadString("enable-protected-configs local\n").ok());
  ConfigTable::SetOptions remote, local;
  local.local_client = true;
  EXPECT_NE(table_.Set({{"dbfilename", "x.rdb"}}, remote), "");
  EXPECT_EQ(table_.Set({{"dbfilename", "x.rdb"}}, local), "");
  EXPECT_EQ(config_.dbfilename, "x.rdb");
  ConfigTable::SetOptions loading;
  loading.loading = true;
  EXPECT_EQ(table_.Set({{"appendonly", "yes"}}, loading),
            "LOADING Redis is loading the dataset in memory");
}

TEST_F(ConfigTableTest, LoadsFilesLikeRedis) {
  ASSERT_EQ(Fatal("# comment\n\n  timeout 5  \nrequirepass \"a b\"\nsave 900 1\nsave 300 10\n"
                  "slave-read-only no\nunixsocketperm 700\nlist-max-ziplist-entries 5\n"
                  "maxmemory 1gb\nmaxmemory 2gb\nsentinel\nloglevel WARNING\n"),
            "ok");
  EXPECT_EQ(config_.timeout, 5);
  EXPECT_EQ(config_.requirepass, "a b");
  EXPECT_EQ(Get1("save"), "900 1 300 10");
  EXPECT_EQ(Get1("replica-read-only"), "no");
  EXPECT_EQ(Get1("unixsocketperm"), "700");
  EXPECT_EQ(config_.unixsocketperm, 0700);
  EXPECT_EQ(config_.maxmemory, 2ULL << 30);
  EXPECT_EQ(config_.loglevel, "warning");
  // `save ""` clears, and the next lines add again.
  ASSERT_EQ(Fatal("save \"\"\nsave 1 1\n"), "ok");
  EXPECT_EQ(Get1("save"), "1 1");
  // A single quoted argument of a multi-argument directive is split on spaces.
  ASSERT_EQ(Fatal("client-output-buffer-limit \"normal 1mb 1mb 1\"\n"), "ok");
  EXPECT_EQ(config_.client_obuf_limits[kObufNormal], (OutputBufferLimit{1u << 20, 1u << 20, 1}));
}

TEST_F(ConfigTableTest, FatalReports) {
  const std::string head = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n";
  EXPECT_EQ(Fatal("port 1 2\n"), head +
                                     "Reading the configuration file, at line 1\n>>> 'port 1 2'\n"
                                     "wrong number of arguments");
  EXPECT_EQ(Fatal("# c\n\nfoo bar\n"),
            head +
                "Reading the configuration file, at line 3\n>>> 'foo bar'\n"
                "Bad directive or wrong number of arguments");
  EXPECT_EQ(Fatal("timeout 1\r\nmaxmemory oops\r\n"),
            head +
                "Reading the configuration file, at line 2\n>>> 'maxmemory oops'\n"
                "argument must be a memory value");
  EXPECT_EQ(Fatal("save \"x\n"), head +
                                     "Reading the configuration file, at line 1\n>>> 'save \"x'\n"
                                     "Unbalanced quotes in configuration line");
  EXPECT_EQ(Fatal("module.x\n"), head +
                                     "Reading the configuration file, at line 1\n>>> 'module.x'\n"
                                     "Module config specified without value");
  EXPECT_EQ(Fatal("logfile /nonexistent-dir/x.log\n"),
            head + "Can't open the log file: No such file or directory");
  EXPECT_TRUE(ConfigTable::IsFatalReport(table_.LoadString("x\n")));
  Status missing = table_.LoadFile("/nonexistent/duet.conf");
  EXPECT_FALSE(ConfigTable::IsFatalReport(missing));
  EXPECT_EQ(missing.message(),
            "Fatal error, can't open config file '/nonexistent/duet.conf': No such file or "
            "directory");
}

TEST_F(ConfigTableTest, RenameCommandChecks) {
  table_.SetCommandLookup([](std::string_view n) { return n == "get" || n == "set"; });
  const std::string head = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n";
  EXPECT_EQ(Fatal("rename-command nosuch x\n"),
            head +
                "Reading the configuration file, at line 1\n>>> 'rename-command nosuch x'\n"
                "No such command in rename-command");
  EXPECT_EQ(Fatal("rename-command GET set\n"),
            head +
                "Reading the configuration file, at line 1\n>>> 'rename-command GET set'\n"
                "Target command name already exists");
  Config fresh;
  ConfigTable t(&fresh);
  t.SetCommandLookup([](std::string_view n) { return n == "get" || n == "set"; });
  ASSERT_TRUE(t.LoadString("rename-command get g\nrename-command set \"\"\n").ok());
  EXPECT_EQ(fresh.rename_commands.size(), 2u);
  EXPECT_FALSE(t.LoadString("rename-command get x\n").ok());  // already renamed away
}

TEST_F(ConfigTableTest, IncludeFollowsFilesAndGlobs) {
  std::string dir = TempDir();
  WriteFile(dir + "/a.conf", "timeout 11\n");
  WriteFile(dir + "/b.conf", "tcp-keepalive 12\n");
  WriteFile(dir + "/main.conf", "include " + dir + "/a.conf\ninclude " + dir +
                                    "/b*.conf\ninclude " + dir + "/none*.conf\n");
  ASSERT_TRUE(table_.LoadFile(dir + "/main.conf").ok());
  EXPECT_EQ(config_.timeout, 11);
  EXPECT_EQ(config_.tcp_keepalive, 12);
  WriteFile(dir + "/bad.conf", "\n\nhz x\n");
  Status st = table_.LoadString("include " + dir + "/bad.conf\n");
  EXPECT_NE(st.message().find("at line 3\n>>> 'hz x'"), std::string::npos) << st.message();
}

TEST_F(ConfigTableTest, RewriteKeepsCommentsAndPositions) {
  std::string dir = TempDir();
  std::string path = dir + "/duet.conf";
  WriteFile(path,
            "# Top\n   # indented\n\nmaxmemory 100mb\nsave 900 1\nsave 300 10\n"
            "slave-read-only yes\nhash-max-ziplist-entries 100\nrename-command GET g\n"
            "loglevel notice\nloglevel verbose\n\n\n\n# end\n");
  ASSERT_TRUE(table_.LoadFile(path).ok());
  config_.config_file = path;
  ASSERT_EQ(Set({{"maxmemory", "200mb"}, {"notify-keyspace-events", "Ex"}, {"save", ""}}), "");
  char cwd[1024];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(table_.Rewrite(), "");
  EXPECT_EQ(ReadFile(path),
            "# Top\n# indented\n\nmaxmemory 200mb\nsave \"\"\n\nreplica-read-only yes\n"
            "hash-max-listpack-entries 100\nrename-command GET g\nloglevel verbose\n\n"
            "# end\n\n# Generated by CONFIG REWRITE\ndir \"" +
                std::string(cwd) +
                "\"\n"
                "notify-keyspace-events \"xE\"\nlatency-tracking-info-percentiles 50 99 99.9\n");
  // The file's final newline reads as one more (empty) line, as in Redis: a second rewrite
  // adds an empty line at the end, later ones change nothing.
  std::string once = ReadFile(path);
  ASSERT_EQ(table_.Rewrite(), "");
  std::string twice = ReadFile(path);
  EXPECT_EQ(twice, once + "\n");
  ASSERT_EQ(table_.Rewrite(), "");
  EXPECT_EQ(ReadFile(path), twice);
}

TEST_F(ConfigTableTest, RewriteErrors) {
  EXPECT_EQ(table_.Rewrite(), "ERR The server is running without a config file");
  config_.config_file = "/nonexistent-dir/duet.conf";
  EXPECT_EQ(table_.Rewrite(), "ERR Rewriting config file: No such file or directory");
}

TEST(ConfigLoaderTest, CommandLineLikeRedisMain) {
  auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), "duet-server");
    return ParseCommandLine(static_cast<int>(args.size()), const_cast<char**>(args.data()));
  };
  EXPECT_EQ(parse({"--port", "7000", "--save", "900 1"}).options,
            "port \"7000\" \nsave \"900 1\" ");
  EXPECT_EQ(parse({"--save", "--port", "1"}).options, "save \"\"\nport \"1\" ");
  EXPECT_EQ(parse({"--port", "1", "--save"}).options, "port \"1\" \nsave \"\"");
  EXPECT_EQ(parse({"--port 7000", "--x"}).options, "port 7000 \nx ");
  EXPECT_EQ(parse({"--requirepass", "--secret"}).options, "requirepass \"--secret\" ");
  EXPECT_EQ(parse({"--port", "1", "--", "--x"}).options, "port \"1\" \n \"--x\" ");
  CommandLineConfig with_file = parse({"/etc/duet.conf", "--port", "1"});
  EXPECT_EQ(with_file.config_file, "/etc/duet.conf");
  EXPECT_TRUE(parse({"-"}).from_stdin);
  EXPECT_TRUE(parse({"/x.conf", "-"}).from_stdin);
  EXPECT_EQ(parse({"-x"}).options, "\"-x\" ");
}

TEST(ConfigLoaderTest, AbsolutePath) {
  char cwd[1024];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  std::string base = cwd;
  EXPECT_EQ(AbsolutePath("/a/b.conf"), "/a/b.conf");
  EXPECT_EQ(AbsolutePath("b.conf"), base + "/b.conf");
  std::string parent = base.substr(0, base.rfind('/') + 1);
  EXPECT_EQ(AbsolutePath("../b.conf"), parent + "b.conf");
}

}  // namespace
}  // namespace duet
