#include "persistence/fsync_pool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace duet {
namespace {

class TempFile {
 public:
  TempFile() {
    char path[] = "/tmp/duet-fsync-pool-XXXXXX";
    fd_ = mkstemp(path);
    path_ = path;
  }
  ~TempFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

TEST(FsyncPoolTest, EveryJobFinishesOnceAndIsReportedByNumber) {
  TempFile f;
  ASSERT_GE(f.fd(), 0);
  std::atomic<int> wakeups{0};
  FsyncPool pool(3);
  pool.SetOnDone([](void* n) { static_cast<std::atomic<int>*>(n)->fetch_add(1); }, &wakeups);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 10; i++) {
    ASSERT_EQ(write(f.fd(), "abc", 3), 3);
    ids.push_back(pool.Submit(f.fd()));
  }
  EXPECT_EQ(ids.front(), 1u);
  EXPECT_EQ(ids.back(), 10u);
  pool.WaitIdle();
  EXPECT_EQ(wakeups.load(), 10);
  EXPECT_EQ(pool.InFlight(), 10u);  // finished, not taken yet
  std::vector<FsyncPool::Finished> done;
  pool.TakeFinished(&done);
  EXPECT_EQ(pool.InFlight(), 0u);
  std::vector<uint64_t> got;
  for (const FsyncPool::Finished& d : done) {
    EXPECT_EQ(d.error, 0);
    got.push_back(d.job);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, ids);
  done.clear();
  pool.TakeFinished(&done);
  EXPECT_TRUE(done.empty());
}

TEST(FsyncPoolTest, AFailedSyncReportsItsErrno) {
  FsyncPool pool(1);
  uint64_t id = pool.Submit(-1);
  pool.WaitIdle();
  std::vector<FsyncPool::Finished> done;
  pool.TakeFinished(&done);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].job, id);
  EXPECT_EQ(done[0].error, EBADF);
}

TEST(FsyncPoolTest, DestructionRunsWhatIsQueued) {
  TempFile f;
  std::atomic<int> wakeups{0};
  {
    FsyncPool pool(2);
    pool.SetOnDone([](void* n) { static_cast<std::atomic<int>*>(n)->fetch_add(1); }, &wakeups);
    for (int i = 0; i < 5; i++) pool.Submit(f.fd());
  }
  EXPECT_EQ(wakeups.load(), 5);
}

TEST(FsyncPoolTest, AHedgedJobIsReportedOnceAndWaitIdleWaitsForEveryCopy) {
  TempFile f;
  ASSERT_GE(f.fd(), 0);
  std::atomic<int> wakeups{0};
  FsyncPool pool(4);
  pool.SetOnDone([](void* n) { static_cast<std::atomic<int>*>(n)->fetch_add(1); }, &wakeups);
  ASSERT_EQ(write(f.fd(), "abc", 3), 3);
  uint64_t a = pool.Submit(f.fd(), 2);
  uint64_t b = pool.Submit(f.fd(), 9);  // more copies than threads: as many as there are
  EXPECT_EQ(pool.InFlight(), 2u);
  pool.WaitIdle();
  EXPECT_EQ(pool.BusyCopies(), 0);
  EXPECT_EQ(wakeups.load(), 2);  // one per job, not per copy
  std::vector<FsyncPool::Finished> done;
  pool.TakeFinished(&done);
  ASSERT_EQ(done.size(), 2u);
  std::vector<uint64_t> got = {done[0].job, done[1].job};
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint64_t>{a, b}));
  EXPECT_EQ(done[0].error, 0);
  EXPECT_EQ(done[1].error, 0);
  EXPECT_EQ(pool.InFlight(), 0u);
}

TEST(FsyncPoolTest, AnErrorIsStickyForEveryLaterJob) {
  TempFile f;
  FsyncPool pool(2);
  pool.Submit(-1);
  pool.WaitIdle();
  uint64_t later = pool.Submit(f.fd(), 2);
  pool.WaitIdle();
  std::vector<FsyncPool::Finished> done;
  pool.TakeFinished(&done);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[1].job, later);
  EXPECT_EQ(done[1].error, EBADF);
}

size_t OpenDescriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) n++;
  return n;
}

TEST(FsyncPoolTest, WorkersSyncThroughTheirOwnDescriptorsUntilForgetFiles) {
  TempFile f;
  FsyncPool pool(2);
  size_t before = OpenDescriptors();
  pool.Submit(f.fd(), 2);
  pool.WaitIdle();
  // One reopened description per worker that ran a copy (a copy still queued when the
  // first finished is dropped), kept for the next jobs on the same file.
  size_t after = OpenDescriptors();
  EXPECT_GE(after, before + 1);
  EXPECT_LE(after, before + 2);
  pool.Submit(f.fd(), 2);
  pool.WaitIdle();
  EXPECT_LE(OpenDescriptors(), before + 2);
  pool.ForgetFiles();
  EXPECT_EQ(OpenDescriptors(), before);  // a closed AOF file is not kept open by the pool
}

}  // namespace
}  // namespace duet
