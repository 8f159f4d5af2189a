#include "types/lcs.h"

#include <cstdlib>
#include <memory>

namespace duet::lcs {

Status Compute(std::string_view a, std::string_view b, const Options& options, Result* out) {
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return Status::kTooLong;
  auto alen = static_cast<uint32_t>(a.size());
  auto blen = static_cast<uint32_t>(b.size());
  uint64_t cells = uint64_t{alen + 1} * (blen + 1);
  if (cells > SIZE_MAX / sizeof(uint32_t)) return Status::kNoMemory;
  if (cells * sizeof(uint32_t) > options.max_table_bytes) return Status::kOverLimit;
  // A failed allocation is an error reply, not an abort: the table is client-sized.
  std::unique_ptr<uint32_t, decltype(&free)> table(
      static_cast<uint32_t*>(malloc(cells * sizeof(uint32_t))), &free);
  if (!table) return Status::kNoMemory;
  uint32_t* dp = table.get();
  const uint64_t row = blen + 1;
  auto at = [&](uint32_t i, uint32_t j) -> uint32_t& { return dp[j + i * row]; };

  for (uint32_t i = 0; i <= alen; i++) {
    for (uint32_t j = 0; j <= blen; j++) {
      if (i == 0 || j == 0) {
        at(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        uint32_t up = at(i - 1, j), left = at(i, j - 1);
        at(i, j) = up > left ? up : left;
      }
    }
  }

  uint32_t idx = at(alen, blen);
  out->length = idx;
  out->sequence.clear();
  out->matches.clear();
  bool walk = options.want_sequence || options.want_matches;
  if (!walk) return Status::kOk;
  if (options.want_sequence) out->sequence.resize(idx);

  // Walk back from the end, collecting runs. `a_start == alen` means no run is open.
  uint32_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;
  uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      if (options.want_sequence) out->sequence[idx - 1] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        a_start--;
        b_start--;
      } else {
        emit = true;
      }
      // A run that reached the first byte of either string is complete.
      if (a_start == 0 || b_start == 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        i--;
      } else {
        j--;
      }
      if (a_start != alen) emit = true;
    }
    if (emit) {
      Match m{a_start, a_end, b_start, b_end};
      if (options.want_matches &&
          (options.min_match_len == 0 || m.length() >= options.min_match_len)) {
        out->matches.push_back(m);
      }
      a_start = alen;
    }
  }
  return Status::kOk;
}

}  // namespace duet::lcs
