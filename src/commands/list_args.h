// LEFT / RIGHT arguments of the list commands (Redis's getListPositionFromObjectOrReply) and
// the end of a successful move, shared by commands/list_cmds.cc and
// commands/blocking_list_cmds.cc.
#pragma once

#include <string_view>

#include "commands/command_context.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "types/list_type.h"

namespace duet {

// Sets *end from LEFT (head) or RIGHT (tail), case-insensitive; otherwise replies a syntax
// error and returns false.
inline bool ParseListEndOrReply(CommandContext& ctx, std::string_view arg, lists::End* end) {
  if (EqualsWord(arg, "left")) {
    *end = lists::End::kHead;
  } else if (EqualsWord(arg, "right")) {
    *end = lists::End::kTail;
  } else {
    ctx.reply().Error(errors::kSyntax);
    return false;
  }
  return true;
}

// LMOVE / RPOPLPUSH and their blocking forms once `value` moved from `src` to `dst`: both keys
// are signalled, the dirty counter gets one change (as Redis counts a move), and the element
// is the reply.
// LMOVE's events in Redis's order: the push on `dst`, then the pop (and "del" when emptied)
// on `src`.
inline void SignalMoveAndReply(CommandContext& ctx, std::string_view src, std::string_view dst,
                               std::string_view value, bool from_head, bool to_head) {
  ctx.KeyModified(dst, kNotifyList, to_head ? "lpush" : "rpush");
  ctx.Notify(kNotifyList, from_head ? "lpop" : "rpop", src);
  ctx.NotifyDelIfGone(src);
  if (src != dst) ctx.KeyModifiedInDb(ctx.db_index(), src);
  ctx.reply().Bulk(value);
}

}  // namespace duet
