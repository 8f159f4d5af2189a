// Shared pieces of the sorted-set command files (zset_cmds.cc, zset_range_cmds.cc,
// zset_setop_cmds.cc): the handlers each file exports to the registration in zset_cmds.cc, and
// reply helpers for (member, score) lists in Redis's RESP2/RESP3 shapes.
#pragma once

#include <string_view>

#include "commands/command_context.h"
#include "types/zset.h"

namespace duet::zsetcmd {

// RESP2: a flat array of n members (2n entries with scores). RESP3 with scores: n nested
// [member, score] pairs (Redis's zrange and zrandmember shapes).
inline void ScoredHeader(ReplyBuilder& r, size_t n, bool withscores) {
  r.ArrayHeader(withscores && !r.resp3() ? 2 * n : n);
}
inline void Scored(ReplyBuilder& r, std::string_view member, double score, bool withscores) {
  if (withscores && r.resp3()) r.ArrayHeader(2);
  r.Bulk(member);
  if (withscores) r.Double(score);
}

// zset_range_cmds.cc
void CmdZRange(CommandContext& ctx, ArgReader& args);
void CmdZRangeStore(CommandContext& ctx, ArgReader& args);
void CmdZRangeByScore(CommandContext& ctx, ArgReader& args);
void CmdZRevRangeByScore(CommandContext& ctx, ArgReader& args);
void CmdZRangeByLex(CommandContext& ctx, ArgReader& args);
void CmdZRevRangeByLex(CommandContext& ctx, ArgReader& args);
void CmdZRevRange(CommandContext& ctx, ArgReader& args);

// zset_setop_cmds.cc
void CmdZUnion(CommandContext& ctx, ArgReader& args);
void CmdZInter(CommandContext& ctx, ArgReader& args);
void CmdZDiff(CommandContext& ctx, ArgReader& args);
void CmdZUnionStore(CommandContext& ctx, ArgReader& args);
void CmdZInterStore(CommandContext& ctx, ArgReader& args);
void CmdZDiffStore(CommandContext& ctx, ArgReader& args);
void CmdZInterCard(CommandContext& ctx, ArgReader& args);

// Stores `z` (a detached set; none or empty: nothing) at `dst`, replacing whatever was there (TTL
// dropped), or deletes `dst` when empty; replies the count. `event` is the keyspace event of a
// store ("zunionstore", "zrangestore", "geosearchstore"...); a deletion notifies "del".
void StoreValue(CommandContext& ctx, std::string_view dst, zset::ZSet z, std::string_view event);
// Stores `members` (sorted by (score, member)) at `dst` as a new sorted set, replacing
// whatever was there (TTL dropped), or deletes `dst` when empty; replies the count. The
// encoding is listpack when the result fits the limits (Redis converts STORE results).
void StoreResult(CommandContext& ctx, std::string_view dst,
                 std::vector<std::pair<std::string, double>>& members, std::string_view event);

}  // namespace duet::zsetcmd
