// GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN GETRANGE
// SUBSTR SETRANGE: parse, call types/string_type.h, reply. Counters are in counter_cmds.cc,
// LCS in lcs_cmds.cc.
//
// GET and SET are the hottest commands of all; their plain forms take a short path with no
// option parsing and no allocation.
#include "commands/command_context.h"
#include "commands/families.h"
#include "protocol/errors.h"
#include "types/string_storage.h"
#include "types/string_type.h"

namespace duet {

namespace {

using strings::ExpireUnit;
using strings::SetCondition;

// Options of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply accepts them.
enum OptFlag : uint32_t {
  kOptNx = 1 << 0,
  kOptXx = 1 << 1,
  kOptGet = 1 << 2,
  kOptKeepTtl = 1 << 3,
  kOptPersist = 1 << 4,
  kOptEx = 1 << 5,
  kOptPx = 1 << 6,
  kOptExAt = 1 << 7,
  kOptPxAt = 1 << 8,
};
constexpr uint32_t kAnyExpire = kOptEx | kOptPx | kOptExAt | kOptPxAt;

struct ExtendedArgs {
  uint32_t flags = 0;
  std::string_view expire;  // the EX/PX/EXAT/PXAT argument when one of those is set
};

// Parses the options after SET's value (`for_set`) or GETEX's key. Each expire option
// excludes the other expire kinds, KEEPTTL and PERSIST, but may repeat (the last one wins);
// NX and XX exclude each other. Returns false on a syntax error.
bool ParseExtended(std::span<const std::string_view> opts, bool for_set, ExtendedArgs* out) {
  uint32_t& f = out->flags;
  for (size_t j = 0; j < opts.size(); j++) {
    std::string_view opt = opts[j];
    bool has_next = j + 1 < opts.size();
    uint32_t expire_kind = 0;
    if (for_set && EqualsWord(opt, "NX") && !(f & kOptXx)) {
      f |= kOptNx;
    } else if (for_set && EqualsWord(opt, "XX") && !(f & kOptNx)) {
      f |= kOptXx;
    } else if (for_set && EqualsWord(opt, "GET")) {
      f |= kOptGet;
    } else if (for_set && EqualsWord(opt, "KEEPTTL") && !(f & (kOptPersist | kAnyExpire))) {
      f |= kOptKeepTtl;
    } else if (!for_set && EqualsWord(opt, "PERSIST") && !(f & (kOptKeepTtl | kAnyExpire))) {
      f |= kOptPersist;
    } else if (EqualsWord(opt, "EX")) {
      expire_kind = kOptEx;
    } else if (EqualsWord(opt, "PX")) {
      expire_kind = kOptPx;
    } else if (EqualsWord(opt, "EXAT")) {
      expire_kind = kOptExAt;
    } else if (EqualsWord(opt, "PXAT")) {
      expire_kind = kOptPxAt;
    } else {
      return false;
    }
    if (expire_kind) {
      uint32_t conflicts = kOptKeepTtl | kOptPersist | (kAnyExpire & ~expire_kind);
      if ((f & conflicts) || !has_next) return false;
      f |= expire_kind;
      out->expire = opts[++j];
    }
  }
  return true;
}

// The absolute expire time for the parsed EX/PX/EXAT/PXAT option, or an error reply sent.
bool ResolveExpire(CommandContext& ctx, const ExtendedArgs& ea, int64_t* at_ms) {
  std::optional<int64_t> v = ParseInt64(ea.expire);
  if (!v) {
    ctx.reply().Error(errors::kNotInteger);
    return false;
  }
  ExpireUnit unit =
      (ea.flags & (kOptPx | kOptPxAt)) ? ExpireUnit::kMilliseconds : ExpireUnit::kSeconds;
  bool relative = ea.flags & (kOptEx | kOptPx);
  Result<int64_t> at = strings::ExpireAtMs(*v, unit, relative, ctx.now_ms());
  if (!at.ok()) {
    ctx.reply().Error(errors::InvalidExpire(ctx.spec().name));
    return false;
  }
  *at_ms = *at;
  return true;
}

// Replies with the string value of `key` (nil when missing), as Redis's getGenericCommand.
// Returns false (after the WRONGTYPE reply) when the key holds another type.
bool ReplyValue(CommandContext& ctx, std::string_view key) {
  Result<const Entry*> e = strings::Get(ctx.db(), key);
  if (!e.ok()) {
    ctx.reply().Error(e.status());
    return false;
  }
  if (*e) {
    ctx.reply().Bulk((*e)->str());
  } else {
    ctx.reply().Null();
  }
  return true;
}

void CmdGet(CommandContext& ctx, ArgReader& args) { ReplyValue(ctx, args[0]); }

// SET's propagated form (Redis's setGenericCommand): with an expire option, SET key value PXAT
// <absolute ms>; otherwise the command as sent without its GET options.
void PropagateSet(CommandContext& ctx, ArgReader& args, bool expire,
                  const strings::SetParams& params) {
  std::span<const std::string_view> all = args.All();
  if (expire) {
    ctx.PropagateAs({"SET", std::string(all[0]), std::string(all[1]), "PXAT",
                     std::to_string(params.expire_at_ms)});
    return;
  }
  std::vector<std::string> argv{std::string(ctx.name())};
  for (size_t i = 0; i < all.size(); i++) {
    if (i >= 2 && EqualsIgnoreCase(all[i], "get")) continue;
    argv.emplace_back(all[i]);
  }
  if (argv.size() != all.size() + 1) ctx.PropagateAs(std::move(argv));
}

void CmdSet(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0], value = args[1];
  if (args.size() == 2) {  // plain SET: the benchmark's path
    strings::Set(ctx.db(), key, value, {});
    ctx.KeyModified(key, kNotifyString, "set");
    ctx.reply().Ok();
    return;
  }
  ExtendedArgs ea;
  if (!ParseExtended(args.All().subspan(2), true, &ea)) {
    ctx.reply().Error(errors::kSyntax);
    return;
  }
  strings::SetParams params;
  if ((ea.flags & kAnyExpire) && !ResolveExpire(ctx, ea, &params.expire_at_ms)) return;
  params.keep_ttl = ea.flags & kOptKeepTtl;
  params.condition = (ea.flags & kOptNx)   ? SetCondition::kIfMissing
                     : (ea.flags & kOptXx) ? SetCondition::kIfExists
                                           : SetCondition::kAlways;
  bool get = ea.flags & kOptGet;
  // With GET the old value is the reply, written before it is overwritten.
  if (get && !ReplyValue(ctx, key)) return;
  OpStatus st = strings::Set(ctx.db(), key, value, params);
  if (st == OpStatus::kOk) {
    ctx.KeyModified(key, kNotifyString, "set");
    if (ea.flags & kAnyExpire) ctx.Notify(kNotifyGeneric, "expire", key);
    if (ctx.propagating()) PropagateSet(ctx, args, (ea.flags & kAnyExpire) != 0, params);
  }
  if (get) return;
  if (st == OpStatus::kOk) {
    ctx.reply().Ok();
  } else {
    ctx.reply().Null();
  }
}

void CmdSetNx(CommandContext& ctx, ArgReader& args) {
  strings::SetParams params;
  params.condition = SetCondition::kIfMissing;
  bool set = strings::Set(ctx.db(), args[0], args[1], params) == OpStatus::kOk;
  if (set) ctx.KeyModified(args[0], kNotifyString, "set");
  ctx.reply().Integer(set ? 1 : 0);
}

// SETEX key seconds value / PSETEX key milliseconds value.
void SetWithExpire(CommandContext& ctx, ArgReader& args, ExpireUnit unit) {
  std::optional<int64_t> v = ParseInt64(args[1]);
  if (!v) return ctx.reply().Error(errors::kNotInteger);
  Result<int64_t> at = strings::ExpireAtMs(*v, unit, true, ctx.now_ms());
  if (!at.ok()) return ctx.reply().Error(errors::InvalidExpire(ctx.spec().name));
  strings::SetParams params;
  params.expire_at_ms = *at;
  strings::Set(ctx.db(), args[0], args[2], params);
  ctx.KeyModified(args[0], kNotifyString, "set");
  ctx.Notify(kNotifyGeneric, "expire", args[0]);
  if (ctx.propagating()) {
    ctx.PropagateAs(
        {"SET", std::string(args[0]), std::string(args[2]), "PXAT", std::to_string(*at)});
  }
  ctx.reply().Ok();
}

void CmdSetEx(CommandContext& ctx, ArgReader& args) {
  SetWithExpire(ctx, args, ExpireUnit::kSeconds);
}

void CmdPSetEx(CommandContext& ctx, ArgReader& args) {
  SetWithExpire(ctx, args, ExpireUnit::kMilliseconds);
}

void CmdGetSet(CommandContext& ctx, ArgReader& args) {
  if (!ReplyValue(ctx, args[0])) return;
  strings::Set(ctx.db(), args[0], args[1], {});
  ctx.KeyModified(args[0], kNotifyString, "set");
  if (ctx.propagating()) ctx.PropagateAs({"SET", std::string(args[0]), std::string(args[1])});
}

void CmdGetDel(CommandContext& ctx, ArgReader& args) {
  Result<const Entry*> e = strings::Get(ctx.db(), args[0]);
  if (!e.ok()) return ctx.reply().Error(e.status());
  if (!*e) return ctx.reply().Null();
  ctx.reply().Bulk((*e)->str());
  ctx.db().Delete(args[0]);
  ctx.KeyModified(args[0], kNotifyGeneric, "del");
  ctx.PropagateAsDeletion(args[0], ctx.config().lazyfree_lazy_user_del);
}

void CmdGetEx(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  ExtendedArgs ea;
  if (!ParseExtended(args.All().subspan(1), false, &ea)) {
    return ctx.reply().Error(errors::kSyntax);
  }
  // Redis looks the key up before validating the expire value: a missing key is nil even
  // with a bad time.
  Result<const Entry*> e = strings::Get(ctx.db(), key);
  if (!e.ok()) return ctx.reply().Error(e.status());
  if (!*e) return ctx.reply().Null();
  int64_t at = Entry::kNoExpire;
  if ((ea.flags & kAnyExpire) && !ResolveExpire(ctx, ea, &at)) return;
  ctx.reply().Bulk((*e)->str());

  Db& db = ctx.db();
  if ((ea.flags & (kOptExAt | kOptPxAt)) && at <= ctx.now_ms() && !ctx.keyspace().ctx().loading) {
    // An absolute time already past deletes the key (Redis's checkAlreadyExpired).
    db.Delete(key);
    ctx.KeyModified(key, kNotifyGeneric, "del");
    ctx.PropagateAsDeletion(key, ctx.config().lazyfree_lazy_expire);
  } else if (ea.flags & kAnyExpire) {
    db.SetExpire(db.Find(key), at);
    ctx.KeyModified(key, kNotifyGeneric, "expire");
    if (ctx.propagating()) ctx.PropagateAs({"PEXPIREAT", std::string(key), std::to_string(at)});
  } else if ((ea.flags & kOptPersist) && (*e)->has_expire()) {
    db.SetExpire(db.Find(key), Entry::kNoExpire);
    ctx.KeyModified(key, kNotifyGeneric, "persist");
    if (ctx.propagating()) ctx.PropagateAs({"PERSIST", std::string(key)});
  }
}

void CmdMGet(CommandContext& ctx, ArgReader& args) {
  ctx.reply().ArrayHeader(args.size());
  Db& db = ctx.db();
  for (std::string_view key : args.All()) {
    const Entry* e = db.FindRead(key);
    if (e && e->type() == ValueType::kString) {
      ctx.reply().Bulk(e->str());
    } else {
      ctx.reply().Null();
    }
  }
}

// MSET / MSETNX: `nx` requires every key to be missing.
void MultiSet(CommandContext& ctx, ArgReader& args, bool nx) {
  if (args.size() % 2 != 0) return ctx.reply().Error(errors::WrongArity(ctx.spec().name));
  Db& db = ctx.db();
  std::span<const std::string_view> kv = args.All();
  if (nx) {
    for (size_t i = 0; i < kv.size(); i += 2) {
      if (db.Exists(kv[i])) return ctx.reply().Integer(0);
    }
  }
  for (size_t i = 0; i < kv.size(); i += 2) {
    strings::Set(db, kv[i], kv[i + 1], {});
    ctx.KeyModified(kv[i], kNotifyString, "set");
  }
  if (nx) {
    ctx.reply().Integer(1);
  } else {
    ctx.reply().Ok();
  }
}

void CmdMSet(CommandContext& ctx, ArgReader& args) { MultiSet(ctx, args, false); }
void CmdMSetNx(CommandContext& ctx, ArgReader& args) { MultiSet(ctx, args, true); }

void CmdAppend(CommandContext& ctx, ArgReader& args) {
  Result<size_t> len = strings::Append(ctx.db(), args[0], args[1], ctx.config().proto_max_bulk_len);
  if (!len.ok()) return ctx.reply().Error(len.status());
  ctx.KeyModified(args[0], kNotifyString, "append");
  ctx.reply().Integer(static_cast<int64_t>(*len));
}

void CmdStrlen(CommandContext& ctx, ArgReader& args) {
  Result<const Entry*> e = strings::Get(ctx.db(), args[0]);
  if (!e.ok()) return ctx.reply().Error(e.status());
  ctx.reply().Integer(*e ? static_cast<int64_t>((*e)->str().size()) : 0);
}

// GETRANGE and SUBSTR: the indexes are validated before the key is looked up.
void CmdGetRange(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> start = ParseInt64(args[1]);
  std::optional<int64_t> end = start ? ParseInt64(args[2]) : std::nullopt;
  if (!start || !end) return ctx.reply().Error(errors::kNotInteger);
  Result<const Entry*> e = strings::Get(ctx.db(), args[0]);
  if (!e.ok()) return ctx.reply().Error(e.status());
  if (!*e) return ctx.reply().Bulk({});
  ctx.reply().Bulk(strings::Substring((*e)->str(), *start, *end));
}

void CmdSetRange(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> offset = ParseInt64(args[1]);
  if (!offset) return ctx.reply().Error(errors::kNotInteger);
  if (*offset < 0) return ctx.reply().Error(errors::kOffsetOutOfRange);
  bool modified = false;
  Result<size_t> len = strings::SetRange(ctx.db(), args[0], *offset, args[2],
                                         ctx.config().proto_max_bulk_len, &modified);
  if (!len.ok()) return ctx.reply().Error(len.status());
  if (modified) ctx.KeyModified(args[0], kNotifyString, "setrange");
  ctx.reply().Integer(static_cast<int64_t>(*len));
}

constexpr CmdFlag kWrite = CmdFlag::kWrite;
constexpr CmdFlag kReadOnly = CmdFlag::kReadOnly;
constexpr CmdFlag kDenyOom = CmdFlag::kDenyOom;
constexpr CmdFlag kFast = CmdFlag::kFast;

}  // namespace

void RegisterStringCommands(CommandTable& table) {
  auto add = [&table](auto&&... spec) { table.Add(spec...); };
  add("get", 2, kReadOnly | kFast, 1, 1, 1, CmdGet, "@read @string @fast");
  add("set", -3, kWrite | kDenyOom, 1, 1, 1, CmdSet, "@write @string @slow");
  add("setnx", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdSetNx, "@write @string @fast");
  add("setex", 4, kWrite | kDenyOom, 1, 1, 1, CmdSetEx, "@write @string @slow");
  add("psetex", 4, kWrite | kDenyOom, 1, 1, 1, CmdPSetEx, "@write @string @slow");
  add("getset", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdGetSet, "@write @string @fast");
  add("getdel", 2, kWrite | kFast, 1, 1, 1, CmdGetDel, "@write @string @fast");
  add("getex", -2, kWrite | kFast, 1, 1, 1, CmdGetEx, "@write @string @fast");
  add("mget", -2, kReadOnly | kFast, 1, -1, 1, CmdMGet, "@read @string @fast");
  add("mset", -3, kWrite | kDenyOom, 1, -1, 2, CmdMSet, "@write @string @slow");
  add("msetnx", -3, kWrite | kDenyOom, 1, -1, 2, CmdMSetNx, "@write @string @slow");
  add("append", 3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdAppend, "@write @string @fast");
  add("strlen", 2, kReadOnly | kFast, 1, 1, 1, CmdStrlen, "@read @string @fast");
  add("getrange", 4, kReadOnly, 1, 1, 1, CmdGetRange, "@read @string @slow");
  add("substr", 4, kReadOnly, 1, 1, 1, CmdGetRange, "@read @string @slow");
  add("setrange", 4, kWrite | kDenyOom, 1, 1, 1, CmdSetRange, "@write @string @slow");
}

}  // namespace duet
