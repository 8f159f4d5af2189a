#include "persistence/aof_filler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/aof_manifest.h"

namespace duet::aof {
namespace {

TEST(AofFillerTest, LinesOf64BytesAlignedToTheFile) {
  std::string out;
  AppendFiller(&out, 0, 128);
  EXPECT_EQ(out, std::string(63, '#') + "\n" + std::string(63, '#') + "\n");
  out.clear();
  AppendFiller(&out, 60, 64);
  EXPECT_EQ(out, "###\n");
  // Never a lone newline first: the line ending at 63 joins the next one.
  out.clear();
  AppendFiller(&out, 63, 128);
  EXPECT_EQ(out, std::string(64, '#') + "\n");
  out.clear();
  AppendFiller(&out, 62, 64);
  EXPECT_EQ(out, "#\n");
  out.clear();
  AppendFiller(&out, 10, 10);
  EXPECT_EQ(out, "");
  EXPECT_TRUE(EndNeedsMark(63));
  EXPECT_TRUE(EndNeedsMark(127));
  EXPECT_FALSE(EndNeedsMark(64));
  EXPECT_FALSE(EndNeedsMark(62));
}

TEST(AofFillerTest, TailStartFindsTheFillerAfterTheLastCommand) {
  std::string cmd = "*1\r\n$4\r\nPING\r\n";
  std::string file = cmd;
  AppendFiller(&file, file.size(), 192);
  EXPECT_EQ(FillerTailStart(file, 0), cmd.size());
  EXPECT_EQ(FillerTailStart(file, cmd.size()), cmd.size());
  // No filler: the end.
  EXPECT_EQ(FillerTailStart(cmd, 0), cmd.size());
  // Redis's own annotations stay; only '#'-only lines count.
  std::string ts = cmd + "#TS:1628217470\r\n";
  EXPECT_EQ(FillerTailStart(ts, cmd.size()), ts.size());
  std::string ts_fill = ts;
  AppendFiller(&ts_fill, ts.size(), 256);
  EXPECT_EQ(FillerTailStart(ts_fill, cmd.size()), ts.size());
  // A last line without its newline (a file cut inside the filler) is filler too.
  std::string cut = cmd + "#####";
  EXPECT_EQ(FillerTailStart(cut, cmd.size()), cmd.size());
  // A lone newline is not.
  std::string lone = cmd + "\n" + std::string(63, '#') + "\n";
  EXPECT_EQ(FillerTailStart(lone, cmd.size()), cmd.size() + 1);
  // A command's data running into the filler is not filler.
  std::string torn = "*2\r\n$4\r\nECHO\r\n$10\r\nab";
  AppendFiller(&torn, torn.size(), 128);
  EXPECT_EQ(FillerTailStart(torn, 0), 64u);
  EXPECT_EQ(FillerTailStart("", 0), 0u);
}

// The writer's steps (Server::FlushAof over PreextendAof's filler) on a string as the file.
class FileSim {
 public:
  explicit FileSim(std::string start) : file_(std::move(start)), logical_(file_.size()) {}
  void Extend(size_t chunk) {
    size_t from = file_.size();
    size_t to = from + chunk;
    to -= to % kFillerLine;
    AppendFiller(&file_, from, to);
  }
  size_t room() const { return file_.size() - logical_; }
  // The image after `batch` is written over the filler, or only its first `cut` bytes.
  std::string Image(const std::string& batch, size_t cut) const {
    std::string img = file_;
    img.replace(logical_, cut, batch, 0, cut);
    return img;
  }
  void Write(const std::string& batch) {
    file_.replace(logical_, batch.size(), batch);
    logical_ += batch.size();
    if (EndNeedsMark(logical_)) file_[logical_] = '#';
  }
  const std::string& file() const { return file_; }
  size_t logical() const { return logical_; }

 private:
  std::string file_;
  size_t logical_;
};

std::string Set(int i) {
  std::vector<std::string> argv = {"SET", "k" + std::to_string(i), std::string(i % 71, 'v')};
  std::string out;
  AppendCommand(&out, argv);
  return out;
}

// Reads `img` as duet's loader does; returns the commands read (their SET keys) up to a
// format error or a command whose CRLF is not "\r\n" (`torn`), or the end.
std::vector<std::string> Load(const std::string& img, bool* torn, size_t* valid_up_to) {
  CommandReader r(img.data(), img.size());
  std::vector<std::string_view> argv;
  std::vector<std::string> keys;
  *torn = false;
  while (true) {
    CommandReader::Result res = r.Next(&argv);
    if (res == CommandReader::Result::kEnd) break;
    if (res == CommandReader::Result::kFormatError || res == CommandReader::Result::kTruncated ||
        !r.last_crlf_ok()) {
      *torn = true;
      break;
    }
    keys.emplace_back(argv.size() > 1 ? argv[1] : argv[0]);
  }
  *valid_up_to = r.offset();
  return keys;
}

// Every state the file passes through while batches are written over the filler, and every
// cut of each batch (a write torn by a crash), loads: a clean state holds exactly the
// commands written, followed by filler; a torn one holds the complete commands before the
// cut and is either seen as torn (a format error or a command running into the filler,
// with filler at the end of the file: duet's loader truncates there) or holds nothing more.
TEST(AofFillerTest, EveryStateAndEveryTornWriteLoads) {
  std::string select = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
  FileSim sim(select);
  sim.Extend(300);
  std::vector<std::string> written = {"0"};  // SELECT's argv[1]
  int marks = 0;
  for (int i = 0; i < 160;) {
    // Batches of 1-3 commands, so that batch ends fall on every offset of a line.
    std::string batch;
    std::vector<std::string> keys;
    for (int n = 0; n < 1 + i % 3; n++, i++) {
      batch += Set(i);
      keys.push_back("k" + std::to_string(i));
    }
    if (sim.room() < batch.size() + 1 + 64) sim.Extend(512);
    for (size_t cut = 0; cut < batch.size(); cut++) {
      std::string img = sim.Image(batch, cut);
      bool torn;
      size_t valid_up_to;
      std::vector<std::string> got = Load(img, &torn, &valid_up_to);
      // The complete commands before the cut; the one the cut is in only where the filler
      // happens to hold its missing bytes (a cut just before its final '\n', over a line end).
      std::vector<std::string> want = written;
      size_t done = 0;
      for (size_t k = 0; k < keys.size(); k++) {
        std::string cmd = Set(i - static_cast<int>(keys.size()) + static_cast<int>(k));
        bool whole =
            done + cmd.size() <= cut || img.compare(sim.logical() + done, cmd.size(), cmd) == 0;
        if (!whole) break;
        want.push_back(keys[k]);
        done += cmd.size();
      }
      ASSERT_EQ(got, want) << "batch ending at command " << i << ", cut " << cut;
      if (torn) {
        ASSERT_LT(FillerTailStart(img, valid_up_to), img.size()) << "cut " << cut;
      }
    }
    sim.Write(batch);
    for (const std::string& k : keys) written.push_back(k);
    if (EndNeedsMark(sim.logical())) marks++;
    bool torn;
    size_t valid_up_to;
    ASSERT_EQ(Load(sim.file(), &torn, &valid_up_to), written);
    ASSERT_FALSE(torn);
    EXPECT_EQ(valid_up_to, sim.logical());
    EXPECT_EQ(FillerTailStart(sim.file(), valid_up_to), sim.logical());
    // Every line is shorter than Redis's annotation limit.
    size_t line_start = 0;
    for (size_t p = 0; p < sim.file().size(); p++) {
      if (sim.file()[p] == '\n') {
        ASSERT_LT(p + 1 - line_start, 1024u);
        line_start = p + 1;
      }
    }
  }
  EXPECT_GT(marks, 0);  // the lone-newline case came up
}

}  // namespace
}  // namespace duet::aof
