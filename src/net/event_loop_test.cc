#include "net/event_loop.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace duet {
namespace {

TEST(EventLoopTest, LimitNextIterationDispatchesAtMostThatManyEventsOnce) {
  EventLoop loop;
  std::vector<int> fds;
  std::vector<int> dispatched_in;  // the iteration each handler ran in
  int iteration = 0;
  for (int i = 0; i < 3; i++) {
    int fd = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);  // readable from the start
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    ASSERT_TRUE(loop.AddFd(fd, EPOLLIN, [&, fd](uint32_t) {
      uint64_t v;
      ASSERT_EQ(read(fd, &v, sizeof(v)), static_cast<ssize_t>(sizeof(v)));
      dispatched_in.push_back(iteration);
    }));
  }
  loop.SetBeforeSleep([&] {
    iteration++;
    if (iteration == 1) loop.LimitNextIteration(1);
    if (dispatched_in.size() == 3 || iteration > 5) loop.Stop();
  });
  loop.Run();
  // One event in the first iteration, the two left ready in the next (the limit lasts one
  // iteration; level-triggered or not, an event not taken stays ready in epoll).
  EXPECT_EQ(dispatched_in, (std::vector<int>{1, 2, 2}));
  for (int fd : fds) {
    loop.RemoveFd(fd);
    close(fd);
  }
}

}  // namespace
}  // namespace duet
