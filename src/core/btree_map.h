// BTreeMap: an ordered map of small trivially copyable keys and values in a B+tree.
//
// Made for lookups and erasures of random keys in large maps (a stream group's pending
// entries list, where XACK erases random IDs among millions): a lookup reads about one node
// per level (4-5 levels for 1M elements) instead of the ~20 scattered nodes of a red-black
// tree, and elements live in the leaves, 24 bytes each for a 16-byte key and a pointer, with
// no allocation per element.
//
// Nodes are kNodeBytes (512) blocks. Leaves hold Slot{first, second} pairs in key order and
// are linked forward for iteration; inner nodes hold n children and n - 1 separators
// (separator i <= every key under child i + 1; separators need not be present keys). An
// insert past the last element of the last leaf starts a new leaf (and a new rightmost inner
// node where one is full) instead of splitting the full one in half, so ascending inserts
// fill nodes (all but) completely. A node that falls below half full after an erase is
// merged with a sibling, or shares elements with it evenly when both do not fit in one node,
// so random erasures leave nodes at least half full (about 2/3 on average).
//
// Requirements: K and V trivially copyable; K has operator< and operator== (a total order).
// Iterators (and pointers to values) are valid until the next Insert/Erase/Clear.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <utility>

namespace duet {

template <typename K, typename V, size_t kNodeBytes = 512>
class BTreeMap {
  static_assert(std::is_trivially_copyable_v<K> && std::is_trivially_copyable_v<V>);

 public:
  struct Slot {
    K first;
    V second;
  };

 private:
  struct Node {
    uint16_t n;  // slots (leaf) or children (inner)
    bool leaf;
  };
  static constexpr size_t kLeafHeader = 16;  // Node + next pointer
  static constexpr int kLeafCap = static_cast<int>((kNodeBytes - kLeafHeader) / sizeof(Slot));
  static constexpr int kInnerCap =
      static_cast<int>((kNodeBytes - sizeof(Node) + sizeof(K)) / (sizeof(K) + sizeof(void*)));
  static_assert(kLeafCap >= 4 && kInnerCap >= 4, "node too small for the element size");
  struct Leaf : Node {
    Leaf* next;
    Slot slots[kLeafCap];
  };
  struct Inner : Node {
    K keys[kInnerCap - 1];
    Node* child[kInnerCap];
  };
  static constexpr int kMaxDepth = 32;
  struct Path {
    Inner* node[kMaxDepth];
    int idx[kMaxDepth];
    int depth = 0;
    Leaf* leaf = nullptr;
    int pos = 0;  // first slot whose key is not below the searched key
  };

 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Slot;
    using difference_type = std::ptrdiff_t;
    using pointer = const Slot*;
    using reference = const Slot&;

    const_iterator() = default;
    reference operator*() const { return leaf_->slots[pos_]; }
    pointer operator->() const { return &leaf_->slots[pos_]; }
    const_iterator& operator++() {
      if (++pos_ >= leaf_->n) {
        leaf_ = leaf_->next;
        pos_ = 0;
      }
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const { return leaf_ == o.leaf_ && pos_ == o.pos_; }

   private:
    friend class BTreeMap;
    const_iterator(Leaf* l, int p) : leaf_(l), pos_(p) {
      if (leaf_ != nullptr && pos_ >= leaf_->n) {
        leaf_ = leaf_->next;
        pos_ = 0;
      }
    }
    Leaf* leaf_ = nullptr;
    int pos_ = 0;
  };
  using iterator = const_iterator;

  BTreeMap() = default;
  ~BTreeMap() { FreeNodes(root_); }
  BTreeMap(const BTreeMap&) = delete;
  BTreeMap& operator=(const BTreeMap&) = delete;
  BTreeMap(BTreeMap&& o) noexcept { Steal(o); }
  BTreeMap& operator=(BTreeMap&& o) noexcept {
    if (this != &o) {
      FreeNodes(root_);
      Steal(o);
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes of all nodes.
  size_t bytes_used() const { return leaves_ * sizeof(Leaf) + inners_ * sizeof(Inner); }

  const_iterator begin() const { return const_iterator(first_, 0); }
  const_iterator end() const { return const_iterator(); }
  // The last element (precondition: !empty()).
  const Slot& back() const {
    Node* n = root_;
    while (!n->leaf) {
      auto* in = static_cast<Inner*>(n);
      n = in->child[in->n - 1];
    }
    auto* l = static_cast<Leaf*>(n);
    return l->slots[l->n - 1];
  }

  // The first element whose key is not below `k`.
  const_iterator lower_bound(const K& k) const {
    if (root_ == nullptr) return end();
    Path p;
    Descend(k, &p);
    return const_iterator(p.leaf, p.pos);
  }
  const_iterator find(const K& k) const {
    const_iterator it = lower_bound(k);
    return it != end() && it->first == k ? it : end();
  }
  bool contains(const K& k) const { return find(k) != end(); }
  // The value of `k`, nullptr when absent (valid until the next change).
  V* Find(const K& k) {
    if (root_ == nullptr) return nullptr;
    Path p;
    Descend(k, &p);
    if (p.pos < p.leaf->n && p.leaf->slots[p.pos].first == k) return &p.leaf->slots[p.pos].second;
    return nullptr;
  }

  // Inserts (k, v) when `k` is absent and returns true; otherwise changes nothing and returns
  // false.
  bool Insert(const K& k, const V& v) {
    if (root_ == nullptr) {
      Leaf* l = NewLeaf();
      root_ = l;
      first_ = l;
    }
    Path p;
    Descend(k, &p);
    if (p.pos < p.leaf->n && p.leaf->slots[p.pos].first == k) return false;
    size_++;
    InsertInLeaf(p, Slot{k, v});
    return true;
  }

  // Removes `k`; when it was present, stores its value in *out (if given) and returns true.
  bool Erase(const K& k, V* out = nullptr) {
    if (root_ == nullptr) return false;
    Path p;
    Descend(k, &p);
    Leaf* l = p.leaf;
    if (p.pos >= l->n || !(l->slots[p.pos].first == k)) return false;
    if (out != nullptr) *out = l->slots[p.pos].second;
    memmove(&l->slots[p.pos], &l->slots[p.pos + 1], (l->n - p.pos - 1) * sizeof(Slot));
    l->n--;
    size_--;
    Rebalance(p);
    return true;
  }

  void Clear() {
    FreeNodes(root_);
    root_ = nullptr;
    first_ = nullptr;
    size_ = leaves_ = inners_ = 0;
  }

 private:
  static constexpr int kLeafMin = kLeafCap / 2;
  static constexpr int kInnerMin = kInnerCap / 2;

  void Steal(BTreeMap& o) {
    root_ = std::exchange(o.root_, nullptr);
    first_ = std::exchange(o.first_, nullptr);
    size_ = std::exchange(o.size_, 0);
    leaves_ = std::exchange(o.leaves_, 0);
    inners_ = std::exchange(o.inners_, 0);
  }

  Leaf* NewLeaf() {
    auto* l = new Leaf;
    l->n = 0;
    l->leaf = true;
    l->next = nullptr;
    leaves_++;
    return l;
  }
  Inner* NewInner() {
    auto* in = new Inner;
    in->n = 0;
    in->leaf = false;
    inners_++;
    return in;
  }
  void FreeNode(Node* n) {
    if (n->leaf) {
      delete static_cast<Leaf*>(n);
      leaves_--;
    } else {
      delete static_cast<Inner*>(n);
      inners_--;
    }
  }
  void FreeNodes(Node* n) {
    if (n == nullptr) return;
    if (!n->leaf) {
      auto* in = static_cast<Inner*>(n);
      for (int i = 0; i < in->n; i++) FreeNodes(in->child[i]);
    }
    FreeNode(n);
  }

  // Fills *p with the path to the leaf where `k` is or would be.
  void Descend(const K& k, Path* p) const {
    Node* n = root_;
    while (!n->leaf) {
      auto* in = static_cast<Inner*>(n);
      int lo = 0, hi = in->n - 1;  // child = number of separators <= k
      while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (k < in->keys[mid]) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      assert(p->depth < kMaxDepth);
      p->node[p->depth] = in;
      p->idx[p->depth] = lo;
      p->depth++;
      n = in->child[lo];
    }
    auto* l = static_cast<Leaf*>(n);
    int lo = 0, hi = l->n;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (l->slots[mid].first < k) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    p->leaf = l;
    p->pos = lo;
  }

  void InsertInLeaf(Path& p, const Slot& s) {
    Leaf* l = p.leaf;
    if (l->n < kLeafCap) {
      memmove(&l->slots[p.pos + 1], &l->slots[p.pos], (l->n - p.pos) * sizeof(Slot));
      l->slots[p.pos] = s;
      l->n++;
      return;
    }
    Leaf* r = NewLeaf();
    if (p.pos == l->n && l->next == nullptr) {
      r->slots[0] = s;  // an append: keep the full leaf full
      r->n = 1;
    } else {
      int keep = (kLeafCap + 1) / 2;
      int total = kLeafCap + 1;
      // Lay out the kLeafCap + 1 slots across l (first `keep`) and r (the rest).
      Slot tmp[kLeafCap + 1];
      memcpy(tmp, l->slots, p.pos * sizeof(Slot));
      tmp[p.pos] = s;
      memcpy(&tmp[p.pos + 1], &l->slots[p.pos], (l->n - p.pos) * sizeof(Slot));
      memcpy(l->slots, tmp, keep * sizeof(Slot));
      memcpy(r->slots, &tmp[keep], (total - keep) * sizeof(Slot));
      l->n = static_cast<uint16_t>(keep);
      r->n = static_cast<uint16_t>(total - keep);
    }
    r->next = l->next;
    l->next = r;
    InsertChild(p, p.depth - 1, r->slots[0].first, r);
  }

  // Inserts child `c` (whose keys are >= sep) right after the child at path level `level`'s
  // index; level -1 means the root split.
  void InsertChild(Path& p, int level, const K& sep, Node* c) {
    if (level < 0) {
      Inner* root = NewInner();
      root->n = 2;
      root->child[0] = root_;
      root->child[1] = c;
      root->keys[0] = sep;
      root_ = root;
      return;
    }
    Inner* in = p.node[level];
    int at = p.idx[level] + 1;  // c's index
    if (in->n < kInnerCap) {
      InsertAt(in, at, sep, c);
      return;
    }
    Inner* r = NewInner();
    K up;
    bool rightmost = at == in->n;
    for (int i = 0; rightmost && i < level; i++) rightmost = p.idx[i] == p.node[i]->n - 1;
    if (rightmost) {
      // An append at the right edge: the new node takes c and the last child only, so
      // ascending inserts leave inner nodes all but full.
      r->n = 2;
      r->child[0] = in->child[in->n - 1];
      r->child[1] = c;
      r->keys[0] = sep;
      up = in->keys[in->n - 2];
      in->n--;
    } else {
      int total = kInnerCap + 1;
      Node* ch[kInnerCap + 1];
      K ks[kInnerCap];  // ks[i] separates ch[i] and ch[i + 1]
      memcpy(ch, in->child, at * sizeof(Node*));
      ch[at] = c;
      memcpy(&ch[at + 1], &in->child[at], (in->n - at) * sizeof(Node*));
      memcpy(ks, in->keys, (at - 1) * sizeof(K));
      ks[at - 1] = sep;
      memcpy(&ks[at], &in->keys[at - 1], (in->n - at) * sizeof(K));
      int keep = total / 2;
      memcpy(in->child, ch, keep * sizeof(Node*));
      memcpy(in->keys, ks, (keep - 1) * sizeof(K));
      up = ks[keep - 1];
      memcpy(r->child, &ch[keep], (total - keep) * sizeof(Node*));
      memcpy(r->keys, &ks[keep], (total - keep - 1) * sizeof(K));
      in->n = static_cast<uint16_t>(keep);
      r->n = static_cast<uint16_t>(total - keep);
    }
    InsertChild(p, level - 1, up, r);
  }

  static void InsertAt(Inner* in, int at, const K& sep, Node* c) {
    memmove(&in->child[at + 1], &in->child[at], (in->n - at) * sizeof(Node*));
    memmove(&in->keys[at], &in->keys[at - 1], (in->n - at) * sizeof(K));
    in->child[at] = c;
    in->keys[at - 1] = sep;
    in->n++;
  }

  // Removes child `at` (and the separator in front of it, or after it for child 0).
  static void RemoveChildAt(Inner* in, int at) {
    memmove(&in->child[at], &in->child[at + 1], (in->n - at - 1) * sizeof(Node*));
    int k = at == 0 ? 0 : at - 1;
    memmove(&in->keys[k], &in->keys[k + 1], (in->n - 2 - k) * sizeof(K));
    in->n--;
  }

  // After an erase from p.leaf: merges or evens out underfull nodes bottom-up. Every node but
  // the root keeps at least one element (a leaf) or two children (an inner node) at the start
  // of an operation, so an underfull node always has a sibling to join.
  void Rebalance(Path& p) {
    Node* n = p.leaf;
    for (int level = p.depth - 1; level >= 0; level--) {
      if (n->n >= (n->leaf ? kLeafMin : kInnerMin)) return;
      Inner* parent = p.node[level];
      int idx = p.idx[level];
      int left = idx + 1 < parent->n ? idx : idx - 1;  // join child left with left + 1
      bool merged = n->leaf ? JoinLeaves(parent, left) : JoinInners(parent, left);
      if (!merged) return;
      n = parent;
    }
    // n is the root: collapse a root with a single child, free an empty root leaf.
    while (!root_->leaf && root_->n == 1) {
      Node* only = static_cast<Inner*>(root_)->child[0];
      FreeNode(root_);
      root_ = only;
    }
    if (root_->leaf && root_->n == 0) {
      FreeNode(root_);
      root_ = nullptr;
      first_ = nullptr;
    }
  }

  // Joins children left and left + 1 of `parent` (leaves) into one, or shares their slots
  // evenly when they do not fit. Returns true when they were merged (parent lost a child).
  bool JoinLeaves(Inner* parent, int left) {
    auto* a = static_cast<Leaf*>(parent->child[left]);
    auto* b = static_cast<Leaf*>(parent->child[left + 1]);
    int total = a->n + b->n;
    if (total <= kLeafCap) {
      memcpy(&a->slots[a->n], b->slots, b->n * sizeof(Slot));
      a->n = static_cast<uint16_t>(total);
      a->next = b->next;
      FreeNode(b);
      RemoveChildAt(parent, left + 1);
      return true;
    }
    int keep = total / 2;
    if (a->n > keep) {
      int move = a->n - keep;
      memmove(&b->slots[move], b->slots, b->n * sizeof(Slot));
      memcpy(b->slots, &a->slots[keep], move * sizeof(Slot));
    } else {
      int move = keep - a->n;
      memcpy(&a->slots[a->n], b->slots, move * sizeof(Slot));
      memmove(b->slots, &b->slots[move], (b->n - move) * sizeof(Slot));
    }
    a->n = static_cast<uint16_t>(keep);
    b->n = static_cast<uint16_t>(total - keep);
    parent->keys[left] = b->slots[0].first;
    return false;
  }

  bool JoinInners(Inner* parent, int left) {
    auto* a = static_cast<Inner*>(parent->child[left]);
    auto* b = static_cast<Inner*>(parent->child[left + 1]);
    int total = a->n + b->n;
    Node* ch[2 * kInnerCap];
    K ks[2 * kInnerCap];  // ks[i] separates ch[i] and ch[i + 1]
    memcpy(ch, a->child, a->n * sizeof(Node*));
    memcpy(&ch[a->n], b->child, b->n * sizeof(Node*));
    memcpy(ks, a->keys, (a->n - 1) * sizeof(K));
    ks[a->n - 1] = parent->keys[left];
    memcpy(&ks[a->n], b->keys, (b->n - 1) * sizeof(K));
    int nk = total - 1;
    if (total <= kInnerCap) {
      memcpy(a->child, ch, total * sizeof(Node*));
      memcpy(a->keys, ks, nk * sizeof(K));
      a->n = static_cast<uint16_t>(total);
      FreeNode(b);
      RemoveChildAt(parent, left + 1);
      return true;
    }
    int keep = total / 2;
    memcpy(a->child, ch, keep * sizeof(Node*));
    memcpy(a->keys, ks, (keep - 1) * sizeof(K));
    parent->keys[left] = ks[keep - 1];
    memcpy(b->child, &ch[keep], (total - keep) * sizeof(Node*));
    memcpy(b->keys, &ks[keep], (total - keep - 1) * sizeof(K));
    a->n = static_cast<uint16_t>(keep);
    b->n = static_cast<uint16_t>(total - keep);
    return false;
  }

  Node* root_ = nullptr;
  Leaf* first_ = nullptr;
  size_t size_ = 0;
  size_t leaves_ = 0;
  size_t inners_ = 0;
};

}  // namespace duet
