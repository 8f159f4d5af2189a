#include "types/list_type.h"

#include <algorithm>

#include "types/typed_lookup.h"

namespace duet::lists {

ListValue::ListValue(const Config& config)
    : ql_(config.list_max_listpack_size, config.list_compress_depth) {}

size_t ListValue::MemoryUsage() const { return sizeof(ListValue) + ql_.MemoryUsage(); }

namespace {

Result<ListValue*> Typed(Result<Entry*> e) {
  if (!e.ok()) return e.status();
  return *e ? ValueOf<ListValue>(*e) : nullptr;
}

// Redis's index arithmetic for LRANGE/LTRIM: clamps [start, end] to [0, len) and returns
// false when the range is empty.
bool ClampRange(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

}  // namespace

Result<ListValue*> FindForRead(Db& db, std::string_view key) {
  return Typed(FindTypedForRead(db, key, ValueType::kList));
}

Result<ListValue*> FindForWrite(Db& db, std::string_view key) {
  return Typed(FindTypedForWrite(db, key, ValueType::kList));
}

Result<size_t> Push(Db& db, const Config& config, std::string_view key, End end,
                    std::span<const std::string_view> elems, bool only_if_exists) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  ListValue* list;
  if (slot) {
    auto* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kList) return OpStatus::kWrongType;
    list = ValueOf<ListValue>(e);
  } else {
    if (only_if_exists) return size_t{0};
    list = new ListValue(config);
    db.Add(Entry::NewObject(key, ValueType::kList, list, Entry::kNoExpire), hash);
  }
  for (std::string_view ele : elems) list->Push(end, ele, config.list_packed_threshold);
  return list->size();
}

Result<size_t> Pop(Db& db, std::string_view key, End end, size_t count,
                   FunctionRef<void(size_t n)> on_count,
                   FunctionRef<void(std::string_view)> on_elem) {
  Result<ListValue*> list = FindForWrite(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr || count == 0) return size_t{0};
  Quicklist& ql = (*list)->ql();
  size_t n = std::min(count, ql.size());
  on_count(n);
  if (end == End::kHead) {
    ql.PopHead(n, on_elem);
  } else {
    ql.PopTail(n, on_elem);
  }
  if (ql.size() == 0) db.Delete(key);
  return n;
}

Result<std::optional<std::string>> Move(Db& db, const Config& config, std::string_view src,
                                        std::string_view dst, End from, End to) {
  Result<ListValue*> source = FindForWrite(db, src);
  if (!source.ok()) return source.status();
  if (*source == nullptr) return std::optional<std::string>();
  Result<ListValue*> dest = FindForWrite(db, dst);
  if (!dest.ok()) return dest.status();
  std::string value;
  auto take = [&](std::string_view v) { value.assign(v); };
  if (from == End::kHead) {
    (*source)->ql().PopHead(1, take);
  } else {
    (*source)->ql().PopTail(1, take);
  }
  // Push before deleting an emptied source: with src == dst the list is the destination.
  std::string_view elem = value;
  Push(db, config, dst, to, {&elem, 1}, false);
  if (src != dst && (*source)->size() == 0) db.Delete(src);
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<size_t>> FirstNonEmpty(Db& db, std::span<const std::string_view> keys) {
  for (size_t j = 0; j < keys.size(); j++) {
    Result<ListValue*> list = FindForWrite(db, keys[j]);
    if (!list.ok()) return list.status();
    if (*list != nullptr) return std::optional<size_t>(j);
  }
  return std::optional<size_t>();
}

Result<size_t> Length(Db& db, std::string_view key) {
  Result<ListValue*> list = FindForRead(db, key);
  if (!list.ok()) return list.status();
  return *list ? (*list)->size() : 0;
}

Result<std::optional<std::string>> Index(Db& db, std::string_view key, int64_t index) {
  Result<ListValue*> list = FindForRead(db, key);
  if (!list.ok()) return list.status();
  std::optional<std::string> out;
  std::string v;
  if (*list && (*list)->ql().Get(index, &v)) out = std::move(v);
  return out;
}

OpStatus Range(Db& db, std::string_view key, int64_t start, int64_t end,
               FunctionRef<void(size_t n)> on_count, FunctionRef<void(std::string_view)> on_elem) {
  Result<ListValue*> list = FindForRead(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) {
    on_count(0);
    return OpStatus::kOk;
  }
  Quicklist& ql = (*list)->ql();
  if (!ClampRange(static_cast<int64_t>(ql.size()), &start, &end)) {
    on_count(0);
    return OpStatus::kOk;
  }
  size_t n = static_cast<size_t>(end - start + 1);
  on_count(n);
  // Walk seeks `start` from the nearer end of the list.
  size_t left = n;
  ql.Walk(static_cast<size_t>(start), true, [&](std::string_view v) {
    on_elem(v);
    return --left > 0;
  });
  return OpStatus::kOk;
}

OpStatus Set(Db& db, const Config& config, std::string_view key, int64_t index,
             std::string_view ele) {
  Result<ListValue*> list = FindForWrite(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) return OpStatus::kNoSuchKey;
  Quicklist& ql = (*list)->ql();
  int64_t len = static_cast<int64_t>(ql.size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) return OpStatus::kIndexOutOfRange;
  ql.Replace(static_cast<size_t>(index), ele, config.list_packed_threshold);
  return OpStatus::kOk;
}

Result<int64_t> Insert(Db& db, const Config& config, std::string_view key, bool after,
                       std::string_view pivot, std::string_view ele) {
  Result<ListValue*> list = FindForWrite(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) return int64_t{0};
  Quicklist& ql = (*list)->ql();
  size_t index = 0;
  bool found = false;
  ql.Walk(0, true, [&](std::string_view v) {
    if (v == pivot) {
      found = true;
      return false;
    }
    index++;
    return true;
  });
  if (!found) return int64_t{-1};
  ql.Insert(index, ele, after, config.list_packed_threshold);
  return static_cast<int64_t>(ql.size());
}

Result<size_t> Remove(Db& db, std::string_view key, int64_t count, std::string_view ele) {
  Result<ListValue*> list = FindForWrite(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) return size_t{0};
  Quicklist& ql = (*list)->ql();
  // -count computed in unsigned arithmetic: count may be INT64_MIN.
  size_t limit = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  size_t removed = ql.RemoveEqual(ele, limit, count >= 0);
  if (ql.size() == 0) db.Delete(key);
  return removed;
}

Result<bool> Trim(Db& db, std::string_view key, int64_t start, int64_t end, size_t* removed) {
  Result<ListValue*> list = FindForWrite(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) return false;
  Quicklist& ql = (*list)->ql();
  size_t len = ql.size();
  size_t ltrim, rtrim;
  if (!ClampRange(static_cast<int64_t>(len), &start, &end)) {
    ltrim = len;
    rtrim = 0;
  } else {
    ltrim = static_cast<size_t>(start);
    rtrim = len - static_cast<size_t>(end) - 1;
  }
  if (rtrim > 0) ql.DeleteRange(len - rtrim, rtrim);
  if (ltrim > 0) ql.DeleteRange(0, ltrim);
  if (removed) *removed = ltrim + rtrim;
  if (ql.size() == 0) db.Delete(key);
  return true;
}

OpStatus Positions(Db& db, std::string_view key, std::string_view ele, const PosParams& params,
                   FunctionRef<void(int64_t index)> on_match) {
  Result<ListValue*> list = FindForRead(db, key);
  if (!list.ok()) return list.status();
  if (*list == nullptr) return OpStatus::kOk;
  Quicklist& ql = (*list)->ql();
  bool forward = params.rank > 0;
  // RANK -9223372036854775808 cannot be negated; Redis's arithmetic then accepts the first
  // match and never reaches COUNT, so it behaves as rank -1 without a count limit.
  bool min_rank = params.rank == INT64_MIN;
  uint64_t rank = min_rank ? 1 : (forward ? params.rank : -params.rank);
  int64_t count = min_rank && params.count > 0 ? 0 : params.count;
  uint64_t maxlen = static_cast<uint64_t>(params.maxlen);
  int64_t len = static_cast<int64_t>(ql.size());
  uint64_t index = 0, matches = 0, emitted = 0;
  ql.Walk(forward ? 0 : ql.size() - 1, forward, [&](std::string_view v) {
    if (maxlen != 0 && index >= maxlen) return false;
    if (v == ele) {
      matches++;
      if (matches >= rank) {
        on_match(forward ? static_cast<int64_t>(index) : len - static_cast<int64_t>(index) - 1);
        emitted++;
        // count -1 (no COUNT): one match; 0: all.
        if (count == -1 || (count > 0 && emitted >= static_cast<uint64_t>(count))) return false;
      }
    }
    index++;
    return true;
  });
  return OpStatus::kOk;
}

}  // namespace duet::lists
