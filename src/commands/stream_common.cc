#include "commands/stream_common.h"

#include <string>
#include <vector>

#include "protocol/errors.h"
#include "types/typed_lookup.h"

namespace duet::stream_cmds {

StreamValue* LookupRead(CommandContext& ctx, std::string_view key, bool* failed) {
  Result<Entry*> e = FindTypedForRead(ctx.db(), key, ValueType::kStream);
  if (!e.ok()) {
    ctx.reply().Error(e.status());
    *failed = true;
    return nullptr;
  }
  return *e ? ValueOf<StreamValue>(*e) : nullptr;
}

StreamValue* LookupWrite(CommandContext& ctx, std::string_view key, bool* failed) {
  Result<Entry*> e = FindTypedForWrite(ctx.db(), key, ValueType::kStream);
  if (!e.ok()) {
    ctx.reply().Error(e.status());
    *failed = true;
    return nullptr;
  }
  return *e ? ValueOf<StreamValue>(*e) : nullptr;
}

StreamValue* CreateAt(CommandContext& ctx, std::string_view key) {
  auto* s = new StreamValue();
  ctx.db().Add(Entry::NewObject(key, ValueType::kStream, s, Entry::kNoExpire));
  return s;
}

std::optional<StreamID> ParseIdOrReply(CommandContext& ctx, std::string_view arg,
                                       uint64_t missing_seq, bool strict, bool* seq_given) {
  StreamID id;
  if (!stream::ParseID(arg, missing_seq, strict, &id, seq_given)) {
    ctx.reply().Error(errors::kStreamBadId);
    return std::nullopt;
  }
  return id;
}

void ReplyId(ReplyBuilder& r, StreamID id) {
  char buf[StreamID::kMaxFormatted];
  r.Bulk(std::string_view(buf, id.Format(buf)));
}

void ReplyEntry(ReplyBuilder& r, const stream::EntryView& e) {
  r.ArrayHeader(2);
  ReplyId(r, e.id);
  r.ArrayHeader(e.fv.size());
  for (std::string_view s : e.fv) r.Bulk(s);
}

stream::NodeLimits Limits(const CommandContext& ctx) {
  return {ctx.config().stream_node_max_bytes, ctx.config().stream_node_max_entries};
}

size_t ReplyRangeForGroup(CommandContext& ctx, StreamValue& s, StreamID after, size_t count,
                          stream::StreamGroup* group, stream::StreamConsumer* consumer, bool noack,
                          std::string_view key, std::string_view group_name) {
  bool propagate_last_id = false;
  ReplyBuilder& r = ctx.reply();
  StreamID start = after;
  size_t n = 0;
  // The entries are written after their count is known: collect them first (the views stay
  // valid, only the group changes below).
  std::vector<stream::EntryView> entries;
  if (start.Incr()) {
    s.Range(start, StreamID::Max(), false, count, [&](const stream::EntryView& e) {
      entries.push_back(e);
      return true;
    });
  }
  r.ArrayHeader(entries.size());
  for (const stream::EntryView& e : entries) {
    if (group != nullptr && e.id > group->last_id) {
      if (group->entries_read != -1 && !s.RangeHasTombstones(e.id, StreamID::Max())) {
        group->entries_read++;
      } else if (s.entries_added() != 0) {
        group->entries_read = s.EstimateDistanceFromFirstEverEntry(e.id);
      }
      group->last_id = e.id;
      if (noack) propagate_last_id = true;
    }
    ReplyEntry(r, e);
    if (group != nullptr && !noack) {
      group->Deliver(e.id, consumer, ctx.now_ms());
      if (ctx.propagating()) {
        PropagateXclaim(ctx, key, group_name, *group, e.id.ToString(), *group->FindNack(e.id));
      }
    }
    n++;
  }
  if (propagate_last_id && ctx.propagating()) PropagateGroupId(ctx, key, group_name, *group);
  return n;
}

void PropagateXclaim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const stream::StreamGroup& g, std::string_view id,
                     const stream::StreamNack& nack) {
  if (!ctx.propagating()) return;
  ctx.AlsoPropagate({"XCLAIM", std::string(key), std::string(group_name), nack.consumer->name, "0",
                     std::string(id), "TIME", std::to_string(nack.delivery_time), "RETRYCOUNT",
                     std::to_string(nack.delivery_count), "FORCE", "JUSTID", "LASTID",
                     g.last_id.ToString()});
}

void PropagateGroupId(CommandContext& ctx, std::string_view key, std::string_view group_name,
                      const stream::StreamGroup& g) {
  if (!ctx.propagating()) return;
  ctx.AlsoPropagate({"XGROUP", "SETID", std::string(key), std::string(group_name),
                     g.last_id.ToString(), "ENTRIESREAD", std::to_string(g.entries_read)});
}

stream::StreamConsumer* LookupOrCreateConsumer(CommandContext& ctx, stream::StreamGroup* group,
                                               std::string_view name, std::string_view key,
                                               bool propagate_creation,
                                               std::string_view group_name) {
  bool created = false;
  stream::StreamConsumer* c = group->ConsumerFor(name, ctx.now_ms(), &created);
  if (created) {
    ctx.AddDirty(1);
    ctx.Notify(kNotifyStream, "xgroup-createconsumer", key);
    if (propagate_creation && ctx.propagating()) {
      ctx.AlsoPropagate({"XGROUP", "CREATECONSUMER", std::string(key), std::string(group_name),
                         std::string(name)});
    }
  } else {
    c->seen_time = ctx.now_ms();
  }
  return c;
}

}  // namespace duet::stream_cmds
