#include "server/oom_score.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace duet {
namespace {

// A file standing in for /proc/self/oom_score_adj.
class OomScoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/duet-oom-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
    Write("22\n");
  }
  void TearDown() override { unlink(path_.c_str()); }
  void Write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  std::string Read() {
    std::ifstream in(path_);
    std::string s;
    std::getline(in, s);
    return s;
  }
  std::string path_;
};

TEST_F(OomScoreTest, ParsesTheDirectivesValues) {
  EXPECT_EQ(OomScoreAdjuster::ParseMode("no"), OomScoreAdjuster::Mode::kNo);
  EXPECT_EQ(OomScoreAdjuster::ParseMode("yes"), OomScoreAdjuster::Mode::kRelative);
  EXPECT_EQ(OomScoreAdjuster::ParseMode("relative"), OomScoreAdjuster::Mode::kRelative);
  EXPECT_EQ(OomScoreAdjuster::ParseMode("absolute"), OomScoreAdjuster::Mode::kAbsolute);
}

TEST_F(OomScoreTest, RelativeAddsToTheBaseAndOffRestoresIt) {
  OomScoreAdjuster a(path_);
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kRelative, 9));
  EXPECT_EQ(Read(), "31");
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kRelative, 15));  // the base stays 22
  EXPECT_EQ(Read(), "37");
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kAbsolute, 9));
  EXPECT_EQ(Read(), "9");
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kNo, 9));
  EXPECT_EQ(Read(), "22");
}

TEST_F(OomScoreTest, OffLeavesAnOutsideChangeAlone) {
  OomScoreAdjuster a(path_);
  Write("24\n");
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kNo, 100));
  EXPECT_EQ(Read(), "24");
}

TEST_F(OomScoreTest, ClampsToTheKernelsRange) {
  OomScoreAdjuster a(path_);
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kRelative, 2000));
  EXPECT_EQ(Read(), "1000");
  ASSERT_TRUE(a.Apply(OomScoreAdjuster::Mode::kAbsolute, -2000));
  EXPECT_EQ(Read(), "-1000");
}

TEST_F(OomScoreTest, AnUnreadableFileIsAnError) {
  OomScoreAdjuster a("/nonexistent/oom_score_adj");
  EXPECT_FALSE(a.Apply(OomScoreAdjuster::Mode::kRelative, 10));
  EXPECT_TRUE(a.Apply(OomScoreAdjuster::Mode::kNo, 10));  // never adjusted: nothing to undo
}

}  // namespace
}  // namespace duet
