// XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP (Redis 7.0.15's xinfoCommand).
#include <algorithm>
#include <array>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/help_reply.h"
#include "commands/stream_common.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using namespace stream_cmds;  // NOLINT: the family's own helpers
using stream::StreamGroup;

using Key = std::array<uint8_t, 16>;

// The node count of the radix tree Redis would hold for these 16-byte big-endian keys (its
// canonical compressed form: a chain of single children is one node, every key ends in a
// leaf node), for XINFO STREAM's radix-tree-nodes.
size_t RaxNodes(const std::vector<Key>& keys, size_t lo, size_t hi, size_t depth) {
  if (lo == hi) return 1;
  if (depth == 16) return 1;
  // Common prefix of the range from `depth`.
  size_t lcp = 16 - depth;
  if (hi - lo > 1) {
    lcp = 0;
    while (depth + lcp < 16 && keys[lo][depth + lcp] == keys[hi - 1][depth + lcp]) lcp++;
  }
  if (lcp > 0) return 1 + RaxNodes(keys, lo, hi, depth + lcp);
  size_t total = 1;
  size_t i = lo;
  while (i < hi) {
    size_t j = i;
    while (j < hi && keys[j][depth] == keys[i][depth]) j++;
    total += RaxNodes(keys, i, j, depth + 1);
    i = j;
  }
  return total;
}

size_t RadixTreeNodes(const StreamValue& s) {
  std::vector<Key> keys;
  keys.reserve(s.NodeCount());
  s.ForEachNode([&](StreamID id, uint32_t) {
    Key k;
    for (int b = 0; b < 8; b++) {
      k[b] = static_cast<uint8_t>(id.ms >> (56 - 8 * b));
      k[8 + b] = static_cast<uint8_t>(id.seq >> (56 - 8 * b));
    }
    keys.push_back(k);
  });
  return RaxNodes(keys, 0, keys.size(), 0);
}

void ReplyLag(ReplyBuilder& r, const StreamValue& s, const StreamGroup& g) {
  std::optional<int64_t> lag = s.GroupLag(g);
  if (lag) {
    r.Integer(*lag);
  } else {
    r.Null();
  }
}

void ReplyEntriesRead(ReplyBuilder& r, const StreamGroup& g) {
  if (g.entries_read != -1) {
    r.Integer(g.entries_read);
  } else {
    r.Null();
  }
}

StreamValue* LookupOrNoKey(CommandContext& ctx, std::string_view key) {
  bool failed = false;
  StreamValue* s = LookupRead(ctx, key, &failed);
  if (failed) return nullptr;
  if (s == nullptr) ctx.reply().Error(errors::kNoSuchKey);
  return s;
}

// XINFO STREAM key [FULL [COUNT count]]
void CmdXinfoStream(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All().subspan(1);
  StreamValue* s = LookupOrNoKey(ctx, a[0]);
  if (s == nullptr) return;
  bool full = true;
  int64_t count = 10;
  size_t optc = a.size() - 1;
  if (optc == 0) {
    full = false;
  } else {
    if ((optc != 1 && optc != 3) || !EqualsIgnoreCase(a[1], "full")) {
      return ctx.reply().Error(errors::SubcommandSyntax("xinfo", args[0]));
    }
    if (optc == 3) {
      if (!EqualsIgnoreCase(a[2], "count")) {
        return ctx.reply().Error(errors::SubcommandSyntax("xinfo", args[0]));
      }
      std::optional<int64_t> v = ParseInt64(a[3]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      count = *v < 0 ? 10 : *v;
    }
  }
  ReplyBuilder& r = ctx.reply();
  r.MapHeader(full ? 9 : 10);
  r.Bulk("length");
  r.Integer(static_cast<int64_t>(s->length()));
  r.Bulk("radix-tree-keys");
  r.Integer(static_cast<int64_t>(s->NodeCount()));
  r.Bulk("radix-tree-nodes");
  r.Integer(static_cast<int64_t>(RadixTreeNodes(*s)));
  r.Bulk("last-generated-id");
  ReplyId(r, s->last_id());
  r.Bulk("max-deleted-entry-id");
  ReplyId(r, s->max_deleted_id());
  r.Bulk("entries-added");
  r.Integer(static_cast<int64_t>(s->entries_added()));
  r.Bulk("recorded-first-entry-id");
  ReplyId(r, s->first_id());
  if (!full) {
    r.Bulk("groups");
    r.Integer(static_cast<int64_t>(s->group_count()));
    for (bool rev : {false, true}) {
      r.Bulk(rev ? "last-entry" : "first-entry");
      std::optional<stream::EntryView> e;
      s->Range(StreamID{}, StreamID::Max(), rev, 1, [&](const stream::EntryView& v) {
        e = v;
        return false;
      });
      if (e) {
        ReplyEntry(r, *e);
      } else {
        r.Null();
      }
    }
    return;
  }
  r.Bulk("entries");
  std::vector<stream::EntryView> entries;
  s->Range(StreamID{}, StreamID::Max(), false, static_cast<size_t>(count),
           [&](const stream::EntryView& v) {
             entries.push_back(v);
             return true;
           });
  r.ArrayHeader(entries.size());
  for (const stream::EntryView& e : entries) ReplyEntry(r, e);
  r.Bulk("groups");
  r.ArrayHeader(s->group_count());
  auto limit = [&](size_t n) { return count == 0 ? n : std::min(n, static_cast<size_t>(count)); };
  for (const auto& [name, g] : s->groups()) {
    r.MapHeader(7);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("last-delivered-id");
    ReplyId(r, g->last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(r, *g);
    r.Bulk("lag");
    ReplyLag(r, *s, *g);
    r.Bulk("pel-count");
    r.Integer(static_cast<int64_t>(g->pel.size()));
    r.Bulk("pending");
    size_t n = limit(g->pel.size());
    r.ArrayHeader(n);
    for (auto it = g->pel.begin(); n-- > 0; ++it) {
      r.ArrayHeader(4);
      ReplyId(r, it->first);
      r.Bulk(it->second->consumer->name);
      r.Integer(it->second->delivery_time);
      r.Integer(static_cast<int64_t>(it->second->delivery_count));
    }
    r.Bulk("consumers");
    r.ArrayHeader(g->consumers.size());
    for (const auto& [cname, c] : g->consumers) {
      r.MapHeader(4);
      r.Bulk("name");
      r.Bulk(cname);
      r.Bulk("seen-time");
      r.Integer(c->seen_time);
      r.Bulk("pel-count");
      r.Integer(static_cast<int64_t>(c->pel.size()));
      r.Bulk("pending");
      size_t m = limit(c->pel.size());
      r.ArrayHeader(m);
      for (auto it = c->pel.begin(); m-- > 0; ++it) {
        r.ArrayHeader(3);
        ReplyId(r, it->first);
        r.Integer(it->second->delivery_time);
        r.Integer(static_cast<int64_t>(it->second->delivery_count));
      }
    }
  }
}

// XINFO GROUPS key
void CmdXinfoGroups(CommandContext& ctx, ArgReader& args) {
  StreamValue* s = LookupOrNoKey(ctx, args[1]);
  if (s == nullptr) return;
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(s->group_count());
  for (const auto& [name, g] : s->groups()) {
    r.MapHeader(6);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("consumers");
    r.Integer(static_cast<int64_t>(g->consumers.size()));
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(g->pel.size()));
    r.Bulk("last-delivered-id");
    ReplyId(r, g->last_id);
    r.Bulk("entries-read");
    ReplyEntriesRead(r, *g);
    r.Bulk("lag");
    ReplyLag(r, *s, *g);
  }
}

// XINFO CONSUMERS key group
void CmdXinfoConsumers(CommandContext& ctx, ArgReader& args) {
  StreamValue* s = LookupOrNoKey(ctx, args[1]);
  if (s == nullptr) return;
  StreamGroup* g = s->FindGroup(args[2]);
  if (g == nullptr) return ctx.reply().Error(errors::NoSuchGroupForKey(args[2], args[1]));
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(g->consumers.size());
  int64_t now = ctx.now_ms();
  for (const auto& [name, c] : g->consumers) {
    int64_t idle = now - c->seen_time;
    r.MapHeader(3);
    r.Bulk("name");
    r.Bulk(name);
    r.Bulk("pending");
    r.Integer(static_cast<int64_t>(c->pel.size()));
    r.Bulk("idle");
    r.Integer(idle < 0 ? 0 : idle);
  }
}

void CmdXinfoHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), "xinfo",
            {"CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
             "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
             "    Show information about the stream."});
}

void CmdXinfo(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Error(errors::SubcommandSyntax("xinfo", args[0]));
}

CommandSpec XinfoSub(const char* name, int arity, CommandHandler handler, bool key) {
  return {.name = name,
          .arity = arity,
          .flags = key ? CmdFlag::kReadOnly : CmdFlag::kLoading | CmdFlag::kStale,
          .first_key = key ? 2 : 0,
          .last_key = key ? 2 : 0,
          .step = key ? 1 : 0,
          .handler = handler,
          .acl_categories = key ? "@read @stream @slow" : "@stream @slow"};
}

}  // namespace

void RegisterStreamInfoCommands(CommandTable& table) {
  table.Add({.name = "xinfo",
             .arity = -2,
             .handler = CmdXinfo,
             .acl_categories = "@slow",
             .subcommands = {XinfoSub("xinfo|consumers", 4, CmdXinfoConsumers, true),
                             XinfoSub("xinfo|groups", 3, CmdXinfoGroups, true),
                             XinfoSub("xinfo|stream", -3, CmdXinfoStream, true),
                             XinfoSub("xinfo|help", 2, CmdXinfoHelp, false)}});
}

}  // namespace duet
