#include "types/sort.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "types/hash_type.h"
#include "types/list_type.h"
#include "types/set_value.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::sorting {

namespace {

// One element being sorted and its weight.
struct Item {
  std::string elem;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA with BY: the looked-up value
};

// The string as C code sees it: up to the first NUL byte.
std::string_view CString(std::string_view s) { return s.substr(0, s.find('\0')); }

// Byte-wise comparison: Redis's compareStringObjects (binary) when `binary`, else strcoll,
// which under the C/C.UTF-8 locale redis-server runs with is strcmp: it stops at a NUL.
// Ties keep the load order (glibc's qsort is a stable merge sort for these sizes).
int CompareBytes(std::string_view a, std::string_view b, bool binary) {
  if (!binary) {
    a = CString(a);
    b = CString(b);
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Loads the elements to sort, in the value's own order. With `dontsort`, lists and sorted
// sets load only the LIMIT window [start, end] (in DESC order when `desc`) and the window is
// rebased to start at 0, as Redis does.
void Load(Entry* e, bool dontsort, bool desc, int64_t* start, int64_t* end, int64_t vectorlen,
          std::vector<Item>* items) {
  items->reserve(static_cast<size_t>(std::max<int64_t>(vectorlen, 0)));
  auto add = [&](std::string_view m) {
    items->push_back(Item{.elem = std::string(m), .score = 0, .cmp = std::nullopt});
  };
  if (e == nullptr) return;  // a missing key sorts as an empty list
  switch (e->type()) {
    case ValueType::kList: {
      auto* list = ValueOf<lists::ListValue>(e);
      int64_t len = static_cast<int64_t>(list->size());
      if (dontsort) {
        if (*end >= *start) {
          int64_t first = desc ? len - *start - 1 : *start;
          int64_t left = vectorlen;
          list->ql().Walk(static_cast<size_t>(first), !desc, [&](std::string_view m) {
            add(m);
            return --left > 0;
          });
          *end -= *start;
          *start = 0;
        }
      } else if (len > 0) {
        list->ql().Walk(0, true, [&](std::string_view m) {
          add(m);
          return true;
        });
      }
      return;
    }
    case ValueType::kSet:
      ValueOf<SetValue>(e)->ForEach(add);
      return;
    case ValueType::kZSet: {
      zset::ZSet z = zset::ZSet::Of(e);
      if (dontsort) {
        int64_t len = static_cast<int64_t>(z.Size());
        if (vectorlen > 0) {
          int64_t rank =
              desc ? len - 1 - std::max<int64_t>(*start, 0) : std::max<int64_t>(*start, 0);
          zset::ZSet::Cursor c = z.At(static_cast<size_t>(rank));
          for (int64_t i = 0; i < vectorlen && c.valid(); i++) {
            add(c.member());
            desc ? c.Prev() : c.Next();
          }
        }
        *end -= *start;
        *start = 0;
      } else {
        z.ForEach([&](std::string_view m, double) { add(m); });
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

std::optional<double> ParseSortWeight(std::string_view s) {
  std::string buf(CString(s));
  char* eptr = nullptr;
  errno = 0;
  double v = strtod(buf.c_str(), &eptr);
  if (*eptr != '\0' || errno == ERANGE || std::isnan(v)) return std::nullopt;
  return v;
}

std::optional<std::string> LookupByPattern(Db& db, std::string_view pattern,
                                           std::string_view element, bool write) {
  std::string_view cpat = CString(pattern);
  if (cpat == "#") return std::string(element);
  size_t star = cpat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  // A hash dereference: "->" after the '*' with a field name after it.
  size_t arrow = cpat.find("->", star + 1);
  std::string_view field;
  bool has_field = arrow != std::string_view::npos && arrow + 2 < cpat.size();
  if (has_field) field = pattern.substr(arrow + 2);
  size_t postfix_len = pattern.size() - star - 1 - (has_field ? field.size() + 2 : 0);
  std::string key;
  key.reserve(star + element.size() + postfix_len);
  key.append(pattern.substr(0, star)).append(element).append(pattern.substr(star + 1, postfix_len));

  Entry* e = nullptr;
  if (write) {
    KeyTable::SlotRef slot = db.Find(key);
    if (slot) e = static_cast<Entry*>(slot.get());
  } else {
    e = db.FindRead(key);
  }
  if (e == nullptr) return std::nullopt;
  if (has_field) {
    if (e->type() != ValueType::kHash) return std::nullopt;
    hashes::NumBuf num;
    std::optional<std::string_view> v = hashes::HashView(e).Get(field, num);
    if (!v) return std::nullopt;
    return std::string(*v);
  }
  if (e->type() != ValueType::kString) return std::nullopt;
  return std::string(e->str());
}

Result<SortResult> Sort(Db& db, std::string_view key, const SortParams& params) {
  Entry* e = db.FindRead(key);
  if (e && e->type() != ValueType::kSet && e->type() != ValueType::kList &&
      e->type() != ValueType::kZSet) {
    return OpStatus::kWrongType;
  }
  bool write = params.store.has_value();
  bool desc = params.desc, alpha = params.alpha;
  std::optional<std::string_view> by = params.by;
  // BY without '*' means "do not sort".
  bool dontsort = by && CString(*by).find('*') == std::string_view::npos;
  // A set's own order is its hash order: a stored result is sorted (ALPHA) instead so that
  // it is deterministic.
  if (dontsort && e && e->type() == ValueType::kSet && (write || params.from_script)) {
    dontsort = false;
    alpha = true;
    by.reset();
  }
  int64_t vectorlen = 0;
  if (e) {
    switch (e->type()) {
      case ValueType::kList:
        vectorlen = static_cast<int64_t>(ValueOf<lists::ListValue>(e)->size());
        break;
      case ValueType::kSet:
        vectorlen = static_cast<int64_t>(ValueOf<SetValue>(e)->size());
        break;
      default: {
        // Destructive, as Redis 7.0's zsetConvert before sorting.
        e = zset::ConvertToBigAt(db, key);
        vectorlen = static_cast<int64_t>(ValueOf<zset::ZSetValue>(e)->Size());
      }
    }
  }
  // LIMIT arithmetic, as Redis.
  int64_t start = params.limit_start < 0 ? 0 : params.limit_start;
  int64_t end = params.limit_count < 0 ? vectorlen - 1 : start + params.limit_count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  bool ordered_type = e && (e->type() == ValueType::kZSet || e->type() == ValueType::kList);
  if (ordered_type && dontsort && (start != 0 || end != vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  std::vector<Item> items;
  Load(e, dontsort, desc, &start, &end, vectorlen, &items);

  SortResult result;
  if (!dontsort) {
    for (Item& it : items) {
      std::optional<std::string> byval;
      if (by) {
        byval = LookupByPattern(db, *by, it.elem, write);
        if (!byval) continue;
      }
      if (alpha) {
        if (by) it.cmp = std::move(byval);
      } else if (std::optional<double> s = ParseSortWeight(by ? *byval : it.elem)) {
        it.score = *s;
      } else {
        result.bad_score = true;
      }
    }
    bool by_pattern = by.has_value();
    auto cmp = [&](const Item& a, const Item& b) {
      int c;
      if (!alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : CompareBytes(a.elem, b.elem, true);
      } else if (by_pattern) {
        if (!a.cmp || !b.cmp) {
          c = (a.cmp.has_value() == b.cmp.has_value()) ? 0 : (!a.cmp ? -1 : 1);
        } else {
          c = CompareBytes(*a.cmp, *b.cmp, write);
        }
      } else {
        c = CompareBytes(a.elem, b.elem, write);
      }
      return (desc ? -c : c) < 0;
    };
    std::stable_sort(items.begin(), items.end(), cmp);
  }
  if (result.bad_score) return result;

  for (int64_t j = start; j <= end; j++) {
    const std::string& elem = items[static_cast<size_t>(j)].elem;
    if (params.gets.empty()) {
      result.rows.emplace_back(elem);
      continue;
    }
    for (std::string_view get : params.gets) {
      result.rows.push_back(LookupByPattern(db, get, elem, write));
    }
  }
  return result;
}

bool StoreList(Db& db, const Config& config, std::string_view key,
               const std::vector<std::optional<std::string>>& items) {
  bool existed = db.Delete(key);
  if (items.empty()) return existed;
  std::vector<std::string_view> views;
  views.reserve(items.size());
  for (const std::optional<std::string>& it : items) {
    views.push_back(it ? std::string_view(*it) : std::string_view());
  }
  lists::Push(db, config, key, lists::End::kTail, views);
  return true;
}

}  // namespace duet::sorting
