#include "core/order_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace duet {
namespace {

struct Item {
  int64_t key;
};
struct ItemTraits {
  static bool Less(const void* a, const void* b) {
    return static_cast<const Item*>(a)->key < static_cast<const Item*>(b)->key;
  }
};
using Tree = OrderTree<ItemTraits>;

// Checks the tree against a sorted reference: size, iteration both ways, At(rank), ranks.
void CheckAgainst(const Tree& t, const std::vector<Item*>& ref) {
  ASSERT_EQ(t.size(), ref.size());
  size_t i = 0;
  for (auto c = t.First(); c.valid(); c.Next()) ASSERT_EQ(c.get(), ref[i++]);
  ASSERT_EQ(i, ref.size());
  for (auto c = t.Last(); c.valid(); c.Prev()) ASSERT_EQ(c.get(), ref[--i]);
  for (size_t r = 0; r < ref.size(); r += 1 + ref.size() / 50) {
    ASSERT_EQ(t.At(r).get(), ref[r]);
    int64_t k = ref[r]->key;
    ASSERT_EQ(t.CountBelow([&](const void* x) { return static_cast<const Item*>(x)->key < k; }), r);
  }
  ASSERT_FALSE(t.At(ref.size()).valid());
}

TEST(OrderTreeTest, RandomOpsMatchReference) {
  std::mt19937_64 rng(42);
  Tree t;
  std::vector<Item*> ref;
  auto less = [](const Item* a, const Item* b) { return a->key < b->key; };
  for (int round = 0; round < 20000; round++) {
    int op = static_cast<int>(rng() % 10);
    if (op < 6 || ref.empty()) {
      Item* it = new Item{static_cast<int64_t>(rng() % 1000000)};
      if (std::binary_search(ref.begin(), ref.end(), it, less)) {
        delete it;
        continue;
      }
      t.Insert(it);
      ref.insert(std::lower_bound(ref.begin(), ref.end(), it, less), it);
    } else if (op < 9) {
      size_t r = rng() % ref.size();
      Item* it = ref[r];
      if (op == 8) {
        ASSERT_EQ(t.EraseRank(r), it);
      } else {
        ASSERT_TRUE(t.Erase(it));
      }
      ref.erase(ref.begin() + static_cast<long>(r));
      delete it;
    } else {
      size_t r = rng() % ref.size();
      Item* it = ref[r];
      int64_t nk = static_cast<int64_t>(rng() % 1000000);
      Item probe{nk};
      if (std::binary_search(ref.begin(), ref.end(), &probe, less)) continue;
      ref.erase(ref.begin() + static_cast<long>(r));
      t.Update(it, [&](void* e) { static_cast<Item*>(e)->key = nk; });
      ref.insert(std::lower_bound(ref.begin(), ref.end(), it, less), it);
    }
    if (round % 997 == 0) CheckAgainst(t, ref);
  }
  CheckAgainst(t, ref);
  // Drain from both ends (pop-min / pop-max patterns: by element, then by rank), checking
  // along the way.
  while (!ref.empty()) {
    bool front = ref.size() % 3 != 0;
    Item* want = front ? ref.front() : ref.back();
    if (ref.size() % 2) {
      ASSERT_EQ(front ? t.First().get() : t.Last().get(), want);
      ASSERT_TRUE(t.Erase(want));
    } else {
      ASSERT_EQ(t.EraseRank(front ? 0 : ref.size() - 1), want);
    }
    delete want;
    ref.erase(front ? ref.begin() : ref.end() - 1);
    if (ref.size() % 1000 == 0) CheckAgainst(t, ref);
  }
  EXPECT_EQ(t.bytes_used(), 0u);
}

TEST(OrderTreeTest, AscendingInsertsFillLeaves) {
  Tree t;
  std::vector<Item> items(100000);
  for (size_t i = 0; i < items.size(); i++) {
    items[i].key = static_cast<int64_t>(i);
    t.Insert(&items[i]);
  }
  // Full leaves: about 8 bytes of index per element, plus a little for inner nodes.
  EXPECT_LT(t.bytes_used() / items.size(), 10u);
  for (size_t i = 0; i < items.size(); i += 777) EXPECT_EQ(t.At(i).get(), &items[i]);
  // Delete every other element, then the rest from the back.
  for (size_t i = 0; i < items.size(); i += 2) ASSERT_TRUE(t.Erase(&items[i]));
  EXPECT_EQ(t.size(), items.size() / 2);
  for (size_t r = 0; r < t.size(); r += 333) EXPECT_EQ(t.At(r).get(), &items[2 * r + 1]);
  for (size_t i = items.size(); i-- > 0;) {
    if (i % 2) {
      ASSERT_TRUE(t.Erase(&items[i]));
    }
  }
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.First().valid());
  Item x{5};
  EXPECT_FALSE(t.Erase(&x));
}

}  // namespace
}  // namespace duet
