#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

constexpr std::string_view kDebugRefused =
    "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.\r\n";

TEST(ShutdownTest, ArgumentErrors) {
  TestServer t;
  EXPECT_EQ(t.Run({"SHUTDOWN", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"SHUTDOWN", "SAVE", "NOSAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_FALSE(t.client().close_after_reply);
}

TEST(ShutdownTest, ShutsDownWithoutReply) {
  TestServer t;
  EXPECT_EQ(t.Run({"SHUTDOWN", "NOSAVE", "NOW", "FORCE"}), "");
  EXPECT_TRUE(t.client().close_after_reply);
}

TEST(FunctionTest, NoLibraries) {
  TestServer t;
  EXPECT_EQ(t.Run({"FUNCTION"}), "-ERR wrong number of arguments for 'function' command\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LOAD", "x"}), "-ERR Missing library metadata\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LIST"}), "*0\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LIST", "withcode", "LIBRARYNAME", "x*"}), "*0\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LIST", "WITHCODE", "WITHCODE"}),
            "-ERR Unknown argument WITHCODE\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LIST", "LIBRARYNAME"}),
            "-ERR library name argument was not given\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "LIST", "a\nb"}), "-ERR Unknown argument a b\r\n");
  uint64_t dirty = t.server().stats().dirty;
  EXPECT_EQ(t.Run({"FUNCTION", "FLUSH", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(t.server().stats().dirty, dirty + 1);
  EXPECT_EQ(t.Run({"FUNCTION", "FLUSH", "later"}),
            "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "FLUSH", "sync", "async"}),
            "-ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION "
            "HELP.\r\n");
}

TEST(DebugTest, ProtectedByEnableDebugCommand) {
  TestServer t;
  EXPECT_EQ(t.Run({"DEBUG"}), "-ERR wrong number of arguments for 'debug' command\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "0"}), kDebugRefused);
  // The refusal comes before authentication, as in Redis.
  t.config().requirepass = "pw";
  t.client().authenticated = false;
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "0"}), kDebugRefused);
  t.client().authenticated = true;
  t.config().requirepass.clear();

  t.config().other["enable-debug-command"] = "local";
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "0"}), kDebugRefused);
  t.client().peer_ip = "127.0.0.1";
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
  t.client().peer_ip = "10.0.0.7";
  t.config().other["enable-debug-command"] = "yes";
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "0"}), "+OK\r\n");
}

TEST(DebugTest, StringmatchTest) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  EXPECT_EQ(t.Run({"DEBUG", "STRINGMATCH-TEST"}),
            "+Apparently Redis did not crash: test passed\r\n");
  // Redis 7.0.15 has no STRINGMATCH-LEN.
  EXPECT_EQ(t.Run({"DEBUG", "STRINGMATCH-LEN"}),
            "-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-LEN'. Try "
            "DEBUG HELP.\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "STRINGMATCH-TEST", "x"}),
            "-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-TEST'. Try "
            "DEBUG HELP.\r\n");
}

TEST(DebugTest, Subcommands) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  EXPECT_EQ(t.Run({"DEBUG", "foo"}),
            "-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "OBJECT"}),
            "-ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "HELP"}).substr(0, 6), "*106\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "junk"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "SLEEP", "-3"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "LOG", "hello"}), "+OK\r\n");

  EXPECT_EQ(t.Run({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}), "+OK\r\n");
  EXPECT_FALSE(t.config().active_expire_enabled);
  EXPECT_EQ(t.Run({"DEBUG", "set-active-expire", "1abc"}), "+OK\r\n");
  EXPECT_TRUE(t.config().active_expire_enabled);
  EXPECT_EQ(t.Run({"DEBUG", "set-active-expire", "junk"}), "+OK\r\n");
  EXPECT_FALSE(t.config().active_expire_enabled);

  // DEBUG ERROR is written verbatim and not counted as an error reply.
  uint64_t errors = t.server().stats().total_error_replies;
  EXPECT_EQ(t.Run({"DEBUG", "ERROR", "MYERR a\nb"}), "-MYERR a b\r\n");
  EXPECT_EQ(t.server().stats().total_error_replies, errors);
}

TEST(DebugTest, Protocol) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "bignum"}),
            "$37\r\n1234567999999999999999999999999999999\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "map"}), "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "push"}),
            "-ERR RESP2 is not supported by this command\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "attrib"}),
            "$39\r\nSome real reply following the attribute\r\n");
  t.Run({"HELLO", "3"});
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "double"}), ",3.141\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "bignum"}), "(1234567999999999999999999999999999999\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "map"}), "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "attrib"}),
            "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
            "$39\r\nSome real reply following the attribute\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "push"}),
            ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n"
            "$40\r\nSome real reply following the push reply\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "verbatim"}), "=29\r\ntxt:This is a verbatim\nstring\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "PROTOCOL", "nope"}).substr(0, 34),
            "-ERR Wrong protocol type name. Ple");
}

// "Value at:0x... refcount:..." without the address.
std::string WithoutAddress(const std::string& r) {
  size_t sp = r.find(' ', r.find("at:"));
  return r.substr(0, r.find("at:") + 3) + "X" + r.substr(sp);
}

TEST(DebugTest, ObjectLineForStrings) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  t.clock().SetMs(1700000000000);
  EXPECT_EQ(t.Run({"DEBUG", "OBJECT", "nokey"}), "-ERR no such key\r\n");
  t.Run({"SET", "s", "hello"});
  t.clock().AdvanceMs(5000);
  // lru is Redis's 24-bit seconds clock at the last access: 1700000000 & 0xffffff = 5501184.
  EXPECT_EQ(WithoutAddress(t.Run({"DEBUG", "OBJECT", "s"})),
            "+Value at:X refcount:1 encoding:embstr serializedlength:6 lru:5501184 "
            "lru_seconds_idle:5\r\n");
  // DEBUG OBJECT does not touch the key.
  EXPECT_NE(t.Run({"DEBUG", "OBJECT", "s"}).find("lru_seconds_idle:5"), std::string::npos);
  t.Run({"SET", "big", "12345678901"});
  EXPECT_NE(t.Run({"DEBUG", "OBJECT", "big"}).find("refcount:1 encoding:int serializedlength:12"),
            std::string::npos);
  t.Run({"SET", "n", "-200"});
  EXPECT_NE(t.Run({"DEBUG", "OBJECT", "n"}).find("refcount:1 encoding:int serializedlength:3"),
            std::string::npos);
  t.Run({"SET", "shared", "42"});
  EXPECT_NE(t.Run({"DEBUG", "OBJECT", "shared"})
                .find("refcount:2147483647 encoding:int serializedlength:2"),
            std::string::npos);
  t.RunStrings({"SET", "long", std::string(92, 'a')});
  EXPECT_NE(t.Run({"DEBUG", "OBJECT", "long"}).find("encoding:raw serializedlength:13 "),
            std::string::npos);
}

TEST(DebugTest, Populate) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "-1"}), "-ERR value is out of range, must be positive\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "x"}), "-ERR value is out of range, must be positive\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "9223372036854775807"}), "-ERR OOM in dictTryExpand\r\n");
  EXPECT_EQ(t.Run({"SET", "key:1", "keep"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "3"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"DBSIZE"}), ":3\r\n");
  EXPECT_EQ(t.Run({"GET", "key:0"}), "$7\r\nvalue:0\r\n");
  EXPECT_EQ(t.Run({"GET", "key:1"}), "$4\r\nkeep\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "1", "p", "10"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "p:0"}), std::string("$10\r\nvalue:0\0\0\0\r\n", 17));
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "1", "q", "2"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "q:0"}), "$2\r\nva\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "POPULATE", "1", "q", "-2"}),
            "-ERR value is out of range, must be positive\r\n");
}

}  // namespace
}  // namespace duet
