// CLIENT TRACKING and its companions, with Redis 7.0's option rules and error texts
// (networking.c's clientCommand).
#include "server/tracking_cmds.h"

#include <string>
#include <vector>

#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_context.h"

namespace duet {

namespace {
// Redis's stringCheckPrefix: one is a prefix of the other.
bool Overlap(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// Redis's checkPrefixCollisionsOrReply.
bool CheckPrefixes(CommandContext& ctx, const Client& c, const std::vector<std::string>& pfx) {
  for (size_t i = 0; i < pfx.size(); i++) {
    if (c.tracking) {
      for (const std::string& existing : c.tracking->prefixes) {
        if (Overlap(existing, pfx[i])) {
          ctx.reply().Error(errors::TrackingPrefixOverlap(pfx[i], existing, true));
          return false;
        }
      }
    }
    for (size_t j = i + 1; j < pfx.size(); j++) {
      if (Overlap(pfx[i], pfx[j])) {
        ctx.reply().Error(errors::TrackingPrefixOverlap(pfx[i], pfx[j], false));
        return false;
      }
    }
  }
  return true;
}
}  // namespace

void CmdClientTracking(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  int64_t redirect = 0;
  ClientTracking opts;
  std::vector<std::string> prefixes;
  // args[0] is TRACKING itself, args[1] ON|OFF.
  for (size_t j = 2; j < args.size(); j++) {
    bool more = j + 1 < args.size();
    std::string_view a = args[j];
    if (EqualsIgnoreCase(a, "redirect") && more) {
      j++;
      if (redirect != 0) return ctx.reply().Error(errors::kTrackingOneRedirect);
      std::optional<int64_t> id = ParseInt64(args[j]);
      if (!id) return ctx.reply().Error(errors::kNotInteger);
      redirect = *id;
      if (redirect <= 0 || !sctx.server().FindClient(static_cast<uint64_t>(redirect))) {
        return ctx.reply().Error(errors::kTrackingNoRedirectTarget);
      }
    } else if (EqualsIgnoreCase(a, "bcast")) {
      opts.bcast = true;
    } else if (EqualsIgnoreCase(a, "optin")) {
      opts.optin = true;
    } else if (EqualsIgnoreCase(a, "optout")) {
      opts.optout = true;
    } else if (EqualsIgnoreCase(a, "noloop")) {
      opts.noloop = true;
    } else if (EqualsIgnoreCase(a, "prefix") && more) {
      prefixes.emplace_back(args[++j]);
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (EqualsIgnoreCase(args[1], "on")) {
    if (!opts.bcast && !prefixes.empty()) {
      return ctx.reply().Error(errors::kTrackingPrefixNeedsBcast);
    }
    if (c.tracking && c.tracking->bcast != opts.bcast) {
      return ctx.reply().Error(errors::kTrackingBcastSwitch);
    }
    if (opts.bcast && (opts.optin || opts.optout)) {
      return ctx.reply().Error(errors::kTrackingOptBcast);
    }
    if (opts.optin && opts.optout) return ctx.reply().Error(errors::kTrackingOptinOptout);
    if (c.tracking && ((opts.optin && c.tracking->optout) || (opts.optout && c.tracking->optin))) {
      return ctx.reply().Error(errors::kTrackingOptSwitch);
    }
    if (opts.bcast && !CheckPrefixes(ctx, c, prefixes)) return;
    sctx.server().EnableTracking(c, static_cast<uint64_t>(redirect), opts, prefixes);
  } else if (EqualsIgnoreCase(args[1], "off")) {
    sctx.server().DisableTracking(c);
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  ctx.reply().Ok();
}

void CmdClientCaching(CommandContext& ctx, ArgReader& args) {
  Client& c = ServerContext::From(ctx).client();
  if (!c.tracking) return ctx.reply().Error(errors::kCachingNotTracking);
  if (EqualsIgnoreCase(args[1], "yes")) {
    if (!c.tracking->optin) return ctx.reply().Error(errors::kCachingYesNeedsOptin);
  } else if (EqualsIgnoreCase(args[1], "no")) {
    if (!c.tracking->optout) return ctx.reply().Error(errors::kCachingNoNeedsOptout);
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  c.tracking->caching = true;
  ctx.reply().Ok();
}

void CmdClientGetredir(CommandContext& ctx, ArgReader& args) {
  const Client& c = ServerContext::From(ctx).client();
  ctx.reply().Integer(c.tracking ? static_cast<int64_t>(c.tracking->redirect) : -1);
}

void CmdClientTrackinginfo(CommandContext& ctx, ArgReader& args) {
  const Client& c = ServerContext::From(ctx).client();
  const ClientTracking* t = c.tracking.get();
  ReplyBuilder& r = ctx.reply();
  std::vector<std::string_view> flags;
  flags.push_back(t ? "on" : "off");
  if (t) {
    if (t->bcast) flags.push_back("bcast");
    if (t->optin) {
      flags.push_back("optin");
      if (t->caching) flags.push_back("caching-yes");
    }
    if (t->optout) {
      flags.push_back("optout");
      if (t->caching) flags.push_back("caching-no");
    }
    if (t->noloop) flags.push_back("noloop");
    if (t->broken_redirect) flags.push_back("broken_redirect");
  }
  r.MapHeader(3);
  r.Bulk("flags");
  r.SetHeader(flags.size());
  for (std::string_view f : flags) r.Bulk(f);
  r.Bulk("redirect");
  r.Integer(t ? static_cast<int64_t>(t->redirect) : -1);
  r.Bulk("prefixes");
  r.ArrayHeader(t ? t->prefixes.size() : 0);
  if (t) {
    for (const std::string& p : t->prefixes) r.Bulk(p);
  }
}

}  // namespace duet
