#include "keyspace/lazy_free.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "keyspace/keyspace.h"

namespace duet {
namespace {

// A composite value that records its destruction.
class Tracked : public CompositeValue {
 public:
  explicit Tracked(std::atomic<int>* freed) : freed_(freed) {}
  ~Tracked() override { freed_->fetch_add(1); }
  size_t MemoryUsage() const override { return sizeof(*this); }
  CompositeValue* Clone() const override { return new Tracked(freed_); }
  std::string_view EncodingName() const override { return "tracked"; }
  size_t FreeEffort() const override { return 1000; }

 private:
  std::atomic<int>* freed_;
};

TEST(LazyFreerTest, FreesTablesInTheBackground) {
  std::atomic<int> freed{0};
  Keyspace ks(2);
  for (int i = 0; i < 1000; i++) {
    std::string k = "k" + std::to_string(i);
    ks.db(0).Add(i % 2 ? Entry::NewString(k, "v", i % 4 == 1 ? 5000 : Entry::kNoExpire)
                       : Entry::NewObject(k, ValueType::kList, new Tracked(&freed), 9000));
  }
  ks.db(1).Add(Entry::NewString("other", "v", Entry::kNoExpire));
  ks.FlushDb(0, true);
  EXPECT_EQ(ks.db(0).size(), 0u);
  EXPECT_EQ(ks.db(0).expires_size(), 0u);
  EXPECT_EQ(ks.db(1).size(), 1u);
  ks.lazy_freer().Drain();
  EXPECT_EQ(freed.load(), 500);
  EXPECT_EQ(ks.lazy_freer().pending_objects(), 0u);
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 1000u);
  // The emptied database is usable at once.
  ks.db(0).Add(Entry::NewString("again", "v", Entry::kNoExpire));
  EXPECT_NE(ks.db(0).Peek("again"), nullptr);
  ks.FlushAll(true);
  ks.lazy_freer().Drain();
  EXPECT_EQ(ks.TotalKeys(), 0u);
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 1002u);
}

TEST(LazyFreerTest, SingleEntriesAndShutdownWithPendingWork) {
  std::atomic<int> freed{0};
  {
    LazyFreer freer;
    for (int i = 0; i < 100; i++) {
      freer.FreeEntry(Entry::NewObject("k", ValueType::kSet, new Tracked(&freed), -1));
    }
    // The destructor finishes the queue before joining.
  }
  EXPECT_EQ(freed.load(), 100);
}

TEST(LazyFreerTest, EmptyFlushStartsNoThread) {
  Keyspace ks(1);
  ks.FlushAll(true);
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 0u);
}

}  // namespace
}  // namespace duet
