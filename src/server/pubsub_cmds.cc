// The Pub/Sub family: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE
// PUBLISH SPUBLISH PUBSUB (Redis 7.0's pubsub.c). The subscription state is the Server's
// PubSub; confirmations are pushes (sent even under CLIENT REPLY OFF, as in Redis).
#include <string>

#include "commands/help_reply.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// One (un)subscription confirmation: [kind, name or null, count].
void Confirm(ServerContext& ctx, std::string_view kind, const std::string_view* name,
             size_t count) {
  Client& c = ctx.client();
  std::string msg;
  AppendRespLen(&msg, c.resp == 3 ? '>' : '*', 3);
  AppendRespLen(&msg, '$', kind.size());
  msg.append(kind).append("\r\n");
  if (name) {
    AppendRespLen(&msg, '$', name->size());
    msg.append(*name).append("\r\n");
  } else {
    msg.append(c.resp == 3 ? "_\r\n" : "$-1\r\n");
  }
  AppendRespLen(&msg, ':', count);
  ctx.server().Push(c, msg);
}

size_t Count(const Client& c) { return c.subscriptions ? c.subscriptions->Count() : 0; }
size_t ShardCount(const Client& c) {
  return c.subscriptions ? c.subscriptions->shard_channels.size() : 0;
}
void LeavePubSubModeIfDone(Client& c) {
  if (!c.subscriptions || c.subscriptions->Total() == 0) c.pubsub_mode = false;
}

void Subscribe(CommandContext& ctx, ArgReader& args, bool shard) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  // A client that must get one reply per command may not subscribe; EXEC is one, but
  // SUBSCRIBE/PSUBSCRIBE keep working there for backward compatibility (Redis's rule).
  if (shard && c.in_exec) return ctx.reply().Error(errors::SubscribeDenyBlocking("SSUBSCRIBE"));
  PubSub& ps = sctx.server().pubsub();
  for (std::string_view ch : args.All()) {
    ps.Subscribe(&c, ch, shard);
    Confirm(sctx, shard ? "ssubscribe" : "subscribe", &ch, shard ? ShardCount(c) : Count(c));
  }
  c.pubsub_mode = true;
}

void Unsubscribe(CommandContext& ctx, ArgReader& args, bool shard) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  PubSub& ps = sctx.server().pubsub();
  std::string_view kind = shard ? "sunsubscribe" : "unsubscribe";
  auto count = [&] { return shard ? ShardCount(c) : Count(c); };
  if (args.size() == 0) {
    std::vector<std::string> all;
    if (c.subscriptions) {
      const StringSet& mine = shard ? c.subscriptions->shard_channels : c.subscriptions->channels;
      all.assign(mine.begin(), mine.end());
    }
    for (const std::string& ch : all) {
      ps.Unsubscribe(&c, ch, shard);
      std::string_view v = ch;
      Confirm(sctx, kind, &v, count());
    }
    if (all.empty()) Confirm(sctx, kind, nullptr, count());
  } else {
    for (std::string_view ch : args.All()) {
      ps.Unsubscribe(&c, ch, shard);
      Confirm(sctx, kind, &ch, count());
    }
  }
  LeavePubSubModeIfDone(c);
}

void CmdSubscribe(CommandContext& ctx, ArgReader& args) { Subscribe(ctx, args, false); }
void CmdSsubscribe(CommandContext& ctx, ArgReader& args) { Subscribe(ctx, args, true); }
void CmdUnsubscribe(CommandContext& ctx, ArgReader& args) { Unsubscribe(ctx, args, false); }
void CmdSunsubscribe(CommandContext& ctx, ArgReader& args) { Unsubscribe(ctx, args, true); }

void CmdPsubscribe(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  for (std::string_view pat : args.All()) {
    sctx.server().pubsub().PSubscribe(&c, pat);
    Confirm(sctx, "psubscribe", &pat, Count(c));
  }
  c.pubsub_mode = true;
}

void CmdPunsubscribe(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  PubSub& ps = sctx.server().pubsub();
  if (args.size() == 0) {
    std::vector<std::string> all;
    if (c.subscriptions) all = c.subscriptions->patterns;
    for (const std::string& pat : all) {
      ps.PUnsubscribe(&c, pat);
      std::string_view v = pat;
      Confirm(sctx, "punsubscribe", &v, Count(c));
    }
    if (all.empty()) Confirm(sctx, "punsubscribe", nullptr, Count(c));
  } else {
    for (std::string_view pat : args.All()) {
      ps.PUnsubscribe(&c, pat);
      Confirm(sctx, "punsubscribe", &pat, Count(c));
    }
  }
  LeavePubSubModeIfDone(c);
}

void CmdPublish(CommandContext& ctx, ArgReader& args) {
  size_t n = ServerContext::From(ctx).server().Publish(args[0], args[1], false);
  ctx.ForceReplicationOnly();  // the replicas' subscribers get it too
  ctx.reply().Integer(static_cast<int64_t>(n));
}

void CmdSpublish(CommandContext& ctx, ArgReader& args) {
  size_t n = ServerContext::From(ctx).server().Publish(args[0], args[1], true);
  ctx.ForceReplicationOnly();  // no cluster: the replicas' shard subscribers get it too
  ctx.reply().Integer(static_cast<int64_t>(n));
}

void ChannelList(CommandContext& ctx, ArgReader& args, bool shard) {
  if (args.size() > 2) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  std::string pattern;
  if (args.size() == 2) pattern = args[1];
  std::vector<std::string_view> names = ServerContext::From(ctx).server().pubsub().ChannelNames(
      shard, args.size() == 2 ? &pattern : nullptr);
  ctx.reply().ArrayHeader(names.size());
  for (std::string_view n : names) ctx.reply().Bulk(n);
}

void NumSub(CommandContext& ctx, ArgReader& args, bool shard) {
  PubSub& ps = ServerContext::From(ctx).server().pubsub();
  // Redis replies a flat array (not a map) in both protocols.
  ctx.reply().ArrayHeader((args.size() - 1) * 2);
  for (size_t i = 1; i < args.size(); i++) {
    const PubSub::Subscribers* subs = ps.ChannelSubscribers(args[i], shard);
    ctx.reply().Bulk(args[i]);
    ctx.reply().Integer(subs ? static_cast<int64_t>(subs->size()) : 0);
  }
}

void CmdPubsubChannels(CommandContext& ctx, ArgReader& args) { ChannelList(ctx, args, false); }
void CmdPubsubShardchannels(CommandContext& ctx, ArgReader& args) { ChannelList(ctx, args, true); }
void CmdPubsubNumsub(CommandContext& ctx, ArgReader& args) { NumSub(ctx, args, false); }
void CmdPubsubShardnumsub(CommandContext& ctx, ArgReader& args) { NumSub(ctx, args, true); }
void CmdPubsubNumpat(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Integer(
      static_cast<int64_t>(ServerContext::From(ctx).server().pubsub().pattern_count()));
}

void CmdPubsubHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"CHANNELS [<pattern>]",
             "    Return the currently active channels matching a <pattern> (default: '*').",
             "NUMPAT", "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
             "    Return the number of subscribers for the specified channels, excluding",
             "    pattern subscriptions(default: no channels).", "SHARDCHANNELS [<pattern>]",
             "    Return the currently active shard level channels matching a <pattern> "
             "(default: '*').",
             "SHARDNUMSUB [<shardchannel> ...]",
             "    Return the number of subscribers for the specified shard level channel(s)"});
}

}  // namespace

void RegisterPubSubCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kSub = F::kPubSub | F::kNoScript | F::kLoading | F::kStale;
  constexpr F kInfo = F::kPubSub | F::kLoading | F::kStale;
  constexpr const char* kSlow = "@pubsub @slow";
  table.Add({.name = "subscribe",
             .arity = -2,
             .flags = kSub,
             .handler = CmdSubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "unsubscribe",
             .arity = -1,
             .flags = kSub,
             .handler = CmdUnsubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "psubscribe",
             .arity = -2,
             .flags = kSub,
             .handler = CmdPsubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "punsubscribe",
             .arity = -1,
             .flags = kSub,
             .handler = CmdPunsubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "ssubscribe",
             .arity = -2,
             .flags = kSub,
             .first_key = 1,
             .last_key = -1,
             .step = 1,
             .handler = CmdSsubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "sunsubscribe",
             .arity = -1,
             .flags = kSub,
             .first_key = 1,
             .last_key = -1,
             .step = 1,
             .handler = CmdSunsubscribe,
             .acl_categories = kSlow});
  table.Add({.name = "publish",
             .arity = 3,
             .flags = kInfo | F::kFast | F::kMayReplicate,
             .handler = CmdPublish,
             .acl_categories = "@pubsub @fast"});
  table.Add({.name = "spublish",
             .arity = 3,
             .flags = kInfo | F::kFast | F::kMayReplicate,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdSpublish,
             .acl_categories = "@pubsub @fast"});
  table.Add({.name = "pubsub",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "pubsub|channels",
                  .arity = -2,
                  .flags = kInfo,
                  .handler = CmdPubsubChannels,
                  .acl_categories = kSlow},
                 {.name = "pubsub|numsub",
                  .arity = -2,
                  .flags = kInfo,
                  .handler = CmdPubsubNumsub,
                  .acl_categories = kSlow},
                 {.name = "pubsub|numpat",
                  .arity = 2,
                  .flags = kInfo,
                  .handler = CmdPubsubNumpat,
                  .acl_categories = kSlow},
                 {.name = "pubsub|shardchannels",
                  .arity = -2,
                  .flags = kInfo,
                  .handler = CmdPubsubShardchannels,
                  .acl_categories = kSlow},
                 {.name = "pubsub|shardnumsub",
                  .arity = -2,
                  .flags = kInfo,
                  .handler = CmdPubsubShardnumsub,
                  .acl_categories = kSlow},
                 {.name = "pubsub|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdPubsubHelp,
                  .acl_categories = "@slow"},
             }});
}

}  // namespace duet
