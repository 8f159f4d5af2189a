#include "net/parallel_sender.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

namespace duet {
namespace {

struct Pair {
  int a = -1, b = -1;
  Pair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    a = fds[0];
    b = fds[1];
  }
  ~Pair() {
    if (a >= 0) close(a);
    if (b >= 0) close(b);
  }
  std::string Drain() const {
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = recv(b, buf, sizeof(buf), MSG_DONTWAIT)) > 0;) got.append(buf, n);
    return got;
  }
};

// Many batches of many sockets: every job's bytes arrive whole on its own socket, whichever
// thread sent them (batches reuse the sender, as the server's loop does).
TEST(ParallelSenderTest, EveryJobSentToItsSocket) {
  ParallelSender sender;
  std::vector<Pair> pairs(150);
  for (int round = 0; round < 50; round++) {
    std::vector<std::string> payloads;
    std::vector<ParallelSender::Job> jobs;
    for (size_t i = 0; i < pairs.size(); i++) {
      payloads.push_back("round " + std::to_string(round) + " job " + std::to_string(i));
    }
    for (size_t i = 0; i < pairs.size(); i++) {
      jobs.push_back({.fd = pairs[i].a, .data = payloads[i].data(), .len = payloads[i].size()});
    }
    sender.Run(jobs);
    for (size_t i = 0; i < pairs.size(); i++) {
      ASSERT_EQ(jobs[i].error, 0);
      ASSERT_EQ(jobs[i].sent, payloads[i].size());
      ASSERT_EQ(pairs[i].Drain(), payloads[i]);
    }
  }
}

// A socket that cannot take everything reports what it took and EAGAIN; a closed peer
// reports its error; the others are unaffected.
TEST(ParallelSenderTest, FullAndBrokenSockets) {
  ParallelSender sender;
  Pair full, broken, fine;
  int small = 4096;
  setsockopt(full.a, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  close(broken.b);
  broken.b = -1;
  std::string big(1 << 20, 'x');
  std::string word = "hello";
  std::vector<ParallelSender::Job> jobs = {
      {.fd = full.a, .data = big.data(), .len = big.size()},
      {.fd = broken.a, .data = word.data(), .len = word.size()},
      {.fd = fine.a, .data = word.data(), .len = word.size()},
  };
  sender.Run(jobs);
  EXPECT_EQ(jobs[0].error, EAGAIN);
  EXPECT_GT(jobs[0].sent, 0u);
  EXPECT_LT(jobs[0].sent, big.size());
  EXPECT_EQ(jobs[1].error, EPIPE);
  EXPECT_EQ(jobs[2].error, 0);
  EXPECT_EQ(fine.Drain(), word);
}

// The helper is kept off the CPU the caller was on when a batch started, so the two threads
// send side by side; with a single allowed CPU nothing is changed.
TEST(ParallelSenderTest, HelperAvoidsTheCallersCpu) {
  ParallelSender sender;
  Pair pair;
  std::string word = "hi";
  std::vector<ParallelSender::Job> jobs = {{.fd = pair.a, .data = word.data(), .len = 2}};
  sender.Run(jobs);  // starts the helper with the process's CPUs
  EXPECT_EQ(pair.Drain(), word);
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  if (CPU_COUNT(&all) < 2) {
    EXPECT_EQ(sender.avoided_cpu(), -1);
    GTEST_SKIP() << "one CPU: nothing to avoid";
  }
  for (int cpu = 0, tried = 0; cpu < CPU_SETSIZE && tried < 2; cpu++) {
    if (!CPU_ISSET(cpu, &all)) continue;
    tried++;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
    jobs[0].sent = 0;
    sender.Run(jobs);
    EXPECT_EQ(sender.avoided_cpu(), cpu);
    EXPECT_FALSE(sender.HelperMayRunOn(cpu));
    EXPECT_EQ(pair.Drain(), word);
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
}

// A streamed batch: jobs added one at a time (the helper may send each at once) are all
// sent by Finish, which returns them in the order added; the storage's size bounds the batch;
// batches of both kinds follow each other on one sender.
TEST(ParallelSenderTest, StreamedBatches) {
  ParallelSender sender;
  std::vector<Pair> pairs(120);
  for (int round = 0; round < 30; round++) {
    std::vector<std::string> payloads;
    for (size_t i = 0; i < pairs.size(); i++) {
      payloads.push_back("streamed " + std::to_string(round) + " job " + std::to_string(i));
    }
    std::vector<ParallelSender::Job> storage(pairs.size() - 20);
    sender.Begin(storage);
    EXPECT_TRUE(sender.streaming());
    size_t taken = 0;
    for (size_t i = 0; i < pairs.size(); i++) {
      if (sender.Add({.fd = pairs[i].a, .data = payloads[i].data(), .len = payloads[i].size()})) {
        taken++;
      }
    }
    EXPECT_EQ(taken, storage.size());  // the last 20 did not fit
    std::span<ParallelSender::Job> done = sender.Finish();
    EXPECT_FALSE(sender.streaming());
    ASSERT_EQ(done.size(), storage.size());
    for (size_t i = 0; i < pairs.size(); i++) {
      if (i < storage.size()) {
        ASSERT_EQ(done[i].fd, pairs[i].a);
        ASSERT_EQ(done[i].error, 0);
        ASSERT_EQ(done[i].sent, payloads[i].size());
        ASSERT_EQ(pairs[i].Drain(), payloads[i]);
      } else {
        ASSERT_EQ(pairs[i].Drain(), "");
      }
    }
    // A plain batch after the streamed one.
    std::vector<ParallelSender::Job> jobs;
    for (size_t i = 0; i < 10; i++) {
      jobs.push_back({.fd = pairs[i].a, .data = payloads[i].data(), .len = payloads[i].size()});
    }
    sender.Run(jobs);
    for (size_t i = 0; i < 10; i++) ASSERT_EQ(pairs[i].Drain(), payloads[i]);
  }
}

// An empty streamed batch, and one that fails a send, finish cleanly.
TEST(ParallelSenderTest, StreamedBatchEdges) {
  ParallelSender sender;
  std::vector<ParallelSender::Job> storage(4);
  sender.Begin(storage);
  EXPECT_TRUE(sender.Finish().empty());
  Pair broken, fine;
  close(broken.b);
  broken.b = -1;
  std::string word = "hello";
  sender.Begin(storage);
  ASSERT_TRUE(sender.Add({.fd = broken.a, .data = word.data(), .len = word.size()}));
  ASSERT_TRUE(sender.Add({.fd = fine.a, .data = word.data(), .len = word.size()}));
  std::span<ParallelSender::Job> done = sender.Finish();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].error, EPIPE);
  EXPECT_EQ(done[1].error, 0);
  EXPECT_EQ(done[1].sent, word.size());
  EXPECT_EQ(fine.Drain(), word);
}

}  // namespace
}  // namespace duet
