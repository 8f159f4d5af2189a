// Helpers shared by the stream command files (stream_cmds.cc, stream_read_cmds.cc,
// stream_group_cmds.cc, stream_info_cmds.cc): typed lookups, ID parsing with Redis's error
// replies, and the reply shape of one entry.
#pragma once

#include <optional>
#include <string_view>

#include "commands/command_context.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace duet::stream_cmds {

using stream::StreamID;
using stream::StreamValue;

// The stream at `key` for reading / writing (nullptr when missing). On another type replies
// WRONGTYPE and sets *failed.
StreamValue* LookupRead(CommandContext& ctx, std::string_view key, bool* failed);
StreamValue* LookupWrite(CommandContext& ctx, std::string_view key, bool* failed);
// A new empty stream stored at `key` (absent).
StreamValue* CreateAt(CommandContext& ctx, std::string_view key);

// stream::ParseID replying "Invalid stream ID" on failure.
std::optional<StreamID> ParseIdOrReply(CommandContext& ctx, std::string_view arg,
                                       uint64_t missing_seq, bool strict,
                                       bool* seq_given = nullptr);

// [id, [field, value, ...]]
void ReplyEntry(ReplyBuilder& r, const stream::EntryView& e);
void ReplyId(ReplyBuilder& r, StreamID id);

// The config's node limits.
stream::NodeLimits Limits(const CommandContext& ctx);

// XREAD/XREADGROUP's sending of entries after `after` (exclusive) up to `count` (0 = all),
// recording deliveries in `group` for `consumer` unless `noack` (streamReplyWithRange with a
// group); replies the array of entries. Returns how many.
// Each delivery propagates as Redis's XCLAIM form; with `noack`, a moved last ID as
// XGROUP SETID (`key`, `group_name`: as the client named them).
size_t ReplyRangeForGroup(CommandContext& ctx, StreamValue& s, StreamID after, size_t count,
                          stream::StreamGroup* group, stream::StreamConsumer* consumer, bool noack,
                          std::string_view key = {}, std::string_view group_name = {});

// streamLookupConsumer (refreshing its seen time) or, when missing, streamCreateConsumer:
// counts a change and notifies "xgroup-createconsumer" on `key`.
// `propagate_creation`: a new consumer propagates as XGROUP CREATECONSUMER (XREADGROUP
// NOACK, whose deliveries do not propagate it) under `group_name`.
stream::StreamConsumer* LookupOrCreateConsumer(CommandContext& ctx, stream::StreamGroup* group,
                                               std::string_view name, std::string_view key,
                                               bool propagate_creation = false,
                                               std::string_view group_name = {});

// Redis's streamPropagateXCLAIM: XCLAIM key group consumer 0 id TIME <delivery ms>
// RETRYCOUNT <count> FORCE JUSTID LASTID <group last ID>, ahead of the command's own form.
void PropagateXclaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const stream::StreamGroup& g, std::string_view id,
                     const stream::StreamNack& nack);
// Redis's streamPropagateGroupID: XGROUP SETID key group <last ID> ENTRIESREAD <n>.
void PropagateGroupId(CommandContext& ctx, std::string_view key, std::string_view group_name,
                      const stream::StreamGroup& g);

}  // namespace duet::stream_cmds
