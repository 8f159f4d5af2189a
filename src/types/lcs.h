// Longest common subsequence of two strings: the logic of the LCS command (Redis 7.0's
// lcsCommand), without keyspace access or replies (commands/lcs_cmds.cc does those).
//
// The algorithm is Redis's dynamic-programming table of (len(a)+1) * (len(b)+1) 32-bit cells,
// walked back from the end; the subsequence and the match ranges it yields (including which
// of several equally long subsequences is chosen, and the order of the ranges) are exactly
// Redis's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace duet::lcs {

// One run of consecutive matching bytes: a[a_start..a_end] == b[b_start..b_end] (inclusive).
struct Match {
  uint32_t a_start, a_end, b_start, b_end;
  uint32_t length() const { return a_end - a_start + 1; }
};

struct Options {
  bool want_sequence = true;              // fill Result::sequence
  bool want_matches = false;              // fill Result::matches (IDX)
  uint64_t min_match_len = 0;             // MINMATCHLEN: shorter runs are left out of `matches`
  uint64_t max_table_bytes = UINT64_MAX;  // proto-max-bulk-len: a bigger table is refused
};

struct Result {
  uint32_t length = 0;         // length of the LCS
  std::string sequence;        // the LCS itself, when requested
  std::vector<Match> matches;  // runs from the end of the strings backwards, when requested
};

enum class Status {
  kOk,
  kTooLong,    // a string has UINT32_MAX - 1 bytes or more ("String too long for LCS")
  kNoMemory,   // the table could not be allocated ("Insufficient memory ...")
  kOverLimit,  // the table would exceed max_table_bytes ("... exceeds proto-max-bulk-len")
};

// Computes the LCS of `a` and `b` into `*out`.
Status Compute(std::string_view a, std::string_view b, const Options& options, Result* out);

}  // namespace duet::lcs
