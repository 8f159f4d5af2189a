// GEOADD GEODIST GEOHASH GEOPOS GEOSEARCH GEOSEARCHSTORE GEORADIUS GEORADIUSBYMEMBER (and the
// _RO forms): argument parsing in Redis's order and reply shapes around types/geohash.h and
// types/geo_search.h. Positions live in sorted sets (types/zset.h) as 52-bit geohash scores.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/zset_reply.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "types/geo_search.h"
#include "types/geohash.h"
#include "types/zset.h"

namespace duet {

namespace {

using zset::ZSet;

// extractLongLatOrReply: two floats within Redis's limits.
bool ParseLonLat(CommandContext& ctx, std::string_view lon, std::string_view lat, double* xy) {
  std::optional<double> x = ParseDouble(lon);
  if (!x) {
    ctx.reply().Error(errors::kNotFloat);
    return false;
  }
  std::optional<double> y = ParseDouble(lat);
  if (!y) {
    ctx.reply().Error(errors::kNotFloat);
    return false;
  }
  xy[0] = *x;
  xy[1] = *y;
  if (xy[0] < geo::kLongMin || xy[0] > geo::kLongMax || xy[1] < geo::kLatMin ||
      xy[1] > geo::kLatMax) {
    ctx.reply().Error(errors::GeoInvalidLonLat(xy[0], xy[1]));
    return false;
  }
  return true;
}

// extractUnitOrReply: meters per unit, or -1 after replying an error.
double ParseUnit(CommandContext& ctx, std::string_view u) {
  if (EqualsIgnoreCase(u, "m")) return 1;
  if (EqualsIgnoreCase(u, "km")) return 1000;
  if (EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (EqualsIgnoreCase(u, "mi")) return 1609.34;
  ctx.reply().Error(errors::kGeoUnit);
  return -1;
}

// extractDistanceOrReply: <radius> <unit>.
bool ParseRadius(CommandContext& ctx, std::string_view num, std::string_view unit,
                 geo::Shape* shape) {
  std::optional<double> d = ParseDouble(num);
  if (!d) {
    ctx.reply().Error(errors::kGeoNeedRadius);
    return false;
  }
  if (*d < 0) {
    ctx.reply().Error(errors::kGeoRadiusNegative);
    return false;
  }
  shape->radius = *d;
  double conv = ParseUnit(ctx, unit);
  if (conv < 0) return false;
  shape->conversion = conv;
  return true;
}

// extractBoxOrReply: <width> <height> <unit>.
bool ParseBox(CommandContext& ctx, std::string_view w, std::string_view h, std::string_view unit,
              geo::Shape* shape) {
  std::optional<double> wv = ParseDouble(w);
  if (!wv) {
    ctx.reply().Error(errors::kGeoNeedWidth);
    return false;
  }
  std::optional<double> hv = ParseDouble(h);
  if (!hv) {
    ctx.reply().Error(errors::kGeoNeedHeight);
    return false;
  }
  if (*hv < 0 || *wv < 0) {
    ctx.reply().Error(errors::kGeoBoxNegative);
    return false;
  }
  shape->width = *wv;
  shape->height = *hv;
  double conv = ParseUnit(ctx, unit);
  if (conv < 0) return false;
  shape->conversion = conv;
  return true;
}

// addReplyHumanLongDouble: "%.17Lf" trimmed; a bulk string in RESP2, a double in RESP3.
void ReplyCoordinate(ReplyBuilder& r, double v) {
  std::string s = LongDoubleToHumanString(v);
  if (!r.resp3()) return r.Bulk(s);
  std::string wire;
  wire.reserve(s.size() + 3);
  wire.push_back(',');
  wire.append(s);
  wire.append("\r\n", 2);
  r.Raw(wire);
}

// addReplyDoubleDistance: always a bulk string with 4 decimals.
void ReplyDistance(ReplyBuilder& r, double d) {
  char buf[128];
  int len = snprintf(buf, sizeof(buf), "%.4f", d);
  r.Bulk(std::string_view(buf, static_cast<size_t>(len)));
}

// The position of a member (longLatFromMember).
bool MemberPosition(const ZSet& z, std::string_view member, double* xy) {
  std::optional<double> score = z.Score(member);
  return score && geo::DecodeScore(*score, xy);
}

// GEOADD key [NX|XX] [CH] lon lat member ...: Redis rewrites it as ZADD with geohash scores;
// the same checks happen here in the same order.
void CmdGeoAdd(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  bool nx = false, xx = false, ch = false;
  size_t idx = 1;
  for (; idx < args.size(); idx++) {
    std::string_view o = args[idx];
    if (EqualsIgnoreCase(o, "nx")) {
      nx = true;
    } else if (EqualsIgnoreCase(o, "xx")) {
      xx = true;
    } else if (EqualsIgnoreCase(o, "ch")) {
      ch = true;
    } else {
      break;
    }
  }
  size_t rest = args.size() - idx;
  if (rest % 3 || (nx && xx)) return ctx.reply().Error(errors::kSyntax);
  size_t elements = rest / 3;
  if (elements == 0) return ctx.reply().Error(errors::kSyntax);  // ZADD's check
  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; j++) {
    double xy[2];
    if (!ParseLonLat(ctx, args[idx + 3 * j], args[idx + 3 * j + 1], xy)) return;
    scores[j] = static_cast<double>(geo::ScoreOf(xy[0], xy[1]));
  }

  Db& db = ctx.db();
  zset::Limits limits = zset::LimitsFrom(ctx.config());
  Result<ZSet> found = zset::FindForWrite(db, key);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ZSet& z = *found;
  bool created = false;
  if (!z) {
    if (xx) return ctx.reply().Integer(0);
    // As the ZADD that Redis 7.0 rewrites GEOADD into: the encoding follows the first member
    // alone (a listpack unless it is too long or zset-max-listpack-entries is 0); later adds
    // convert it as usual, so repeated members do not count twice.
    z = ZSet::Create(1, args[idx + 2].size(), limits);
    created = true;
  }
  int flags = (nx ? zset::kAddNx : 0) | (xx ? zset::kAddXx : 0);
  size_t added = 0, updated = 0;
  for (size_t j = 0; j < elements; j++) {
    double ns = 0;
    zset::AddResult r = z.Add(scores[j], args[idx + 3 * j + 2], flags, limits, &ns);
    if (r == zset::AddResult::kAdded) added++;
    if (r == zset::AddResult::kUpdated) updated++;
  }
  if (created) db.Add(z.Release(key));
  if (added || updated) {
    ctx.KeyModified(key, kNotifyZset, "zadd");  // GEOADD is a ZADD to Redis 7.0
    ctx.AddDirty(added + updated - 1);
  }
  ctx.reply().Integer(static_cast<int64_t>(ch ? added + updated : added));
}

void CmdGeoDist(CommandContext& ctx, ArgReader& args) {
  double to_meter = 1;
  if (args.size() == 4) {
    to_meter = ParseUnit(ctx, args[3]);
    if (to_meter < 0) return;
  } else if (args.size() > 4) {
    return ctx.reply().Error(errors::kSyntax);
  }
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  if (!*z) return ctx.reply().Null();
  std::optional<double> s1 = z->Score(args[1]);
  std::optional<double> s2 = s1 ? z->Score(args[2]) : std::nullopt;
  double xyxy[4];
  if (!s1 || !s2 || !geo::DecodeScore(*s1, xyxy) || !geo::DecodeScore(*s2, xyxy + 2)) {
    return ctx.reply().Null();
  }
  ReplyDistance(ctx.reply(), geo::Distance(xyxy[0], xyxy[1], xyxy[2], xyxy[3]) / to_meter);
}

void CmdGeoHash(CommandContext& ctx, ArgReader& args) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t j = 1; j < args.size(); j++) {
    std::optional<double> score = *z ? z->Score(args[j]) : std::nullopt;
    if (!score) {
      ctx.reply().Null();
      continue;
    }
    char buf[11];
    geo::StandardGeohash(*score, buf);
    ctx.reply().Bulk(std::string_view(buf, 11));
  }
}

void CmdGeoPos(CommandContext& ctx, ArgReader& args) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t j = 1; j < args.size(); j++) {
    double xy[2];
    if (!*z || !MemberPosition(*z, args[j], xy)) {
      ctx.reply().NullArray();
      continue;
    }
    ctx.reply().ArrayHeader(2);
    ReplyCoordinate(ctx.reply(), xy[0]);
    ReplyCoordinate(ctx.reply(), xy[1]);
  }
}

// georadiusGeneric's variants.
enum SearchFlags : int {
  kByCoords = 1 << 0,     // GEORADIUS: lon lat radius unit
  kByMember = 1 << 1,     // GEORADIUSBYMEMBER: member radius unit
  kNoStore = 1 << 2,      // the _RO forms refuse STORE/STOREDIST
  kSearch = 1 << 3,       // GEOSEARCH syntax (FROM*/BY*)
  kSearchStore = 1 << 4,  // GEOSEARCHSTORE: destination first, STOREDIST flag
};

// Stores the results at `dst` as a sorted set (score: geohash, or distance with STOREDIST)
// and replies their count; an empty result deletes `dst`.
void StorePoints(CommandContext& ctx, std::string_view dst, std::vector<geo::Point>& points,
                 size_t n, bool storedist) {
  std::vector<std::pair<std::string, double>> members;
  members.reserve(n);
  for (size_t i = 0; i < n; i++) {
    members.emplace_back(std::move(points[i].member), storedist ? points[i].dist : points[i].score);
  }
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  zsetcmd::StoreResult(ctx, dst, members,
                       ctx.spec().name == "geosearchstore" ? "geosearchstore" : "georadiusstore");
  if (n > 1) ctx.AddDirty(n - 1);  // Redis counts one change per stored member
}

void GeoSearchGeneric(CommandContext& ctx, ArgReader& args, size_t src_index, int flags) {
  Db& db = ctx.db();
  std::optional<std::string_view> storekey;
  bool storedist = false;
  Result<ZSet> found = zset::FindForRead(db, args[src_index]);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ZSet& z = *found;

  // Positions of the fixed arguments (args excludes the command name).
  size_t base = 0;
  geo::Shape shape;
  if (flags & kByCoords) {
    base = 5;
    shape.type = geo::Shape::kCircle;
    if (!ParseLonLat(ctx, args[1], args[2], shape.xy)) return;
    if (!ParseRadius(ctx, args[3], args[4], &shape)) return;
  } else if ((flags & kByMember) && !z) {
    // No source: parse the options anyway, the reply depends on STORE.
    base = 4;
  } else if (flags & kByMember) {
    base = 4;
    shape.type = geo::Shape::kCircle;
    if (!MemberPosition(z, args[1], shape.xy)) return ctx.reply().Error(errors::kGeoNoMember);
    if (!ParseRadius(ctx, args[2], args[3], &shape)) return;
  } else {
    base = 1;
    if (flags & kSearchStore) {
      base = 2;
      storekey = args[0];
    }
  }

  bool withdist = false, withhash = false, withcoords = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  enum { kNone, kAsc, kDesc } sort = kNone;
  bool any = false;
  int64_t count = 0;
  size_t remaining = args.size() - base;
  for (size_t i = 0; i < remaining; i++) {
    std::string_view arg = args[base + i];
    auto next = [&](size_t k) { return args[base + i + k]; };
    if (EqualsIgnoreCase(arg, "withdist")) {
      withdist = true;
    } else if (EqualsIgnoreCase(arg, "withhash")) {
      withhash = true;
    } else if (EqualsIgnoreCase(arg, "withcoord")) {
      withcoords = true;
    } else if (EqualsIgnoreCase(arg, "any")) {
      any = true;
    } else if (EqualsIgnoreCase(arg, "asc")) {
      sort = kAsc;
    } else if (EqualsIgnoreCase(arg, "desc")) {
      sort = kDesc;
    } else if (EqualsIgnoreCase(arg, "count") && i + 1 < remaining) {
      std::optional<int64_t> c = ParseInt64(next(1));
      if (!c) return ctx.reply().Error(errors::kNotInteger);
      if (*c <= 0) return ctx.reply().Error(errors::kGeoCountPositive);
      count = *c;
      i++;
    } else if (EqualsIgnoreCase(arg, "store") && i + 1 < remaining && !(flags & kNoStore) &&
               !(flags & kSearch)) {
      storekey = next(1);
      storedist = false;
      i++;
    } else if (EqualsIgnoreCase(arg, "storedist") && i + 1 < remaining && !(flags & kNoStore) &&
               !(flags & kSearch)) {
      storekey = next(1);
      storedist = true;
      i++;
    } else if (EqualsIgnoreCase(arg, "storedist") && (flags & kSearch) && (flags & kSearchStore)) {
      storedist = true;
    } else if (EqualsIgnoreCase(arg, "frommember") && i + 1 < remaining && (flags & kSearch) &&
               !fromloc) {
      // Without a source key the member cannot be looked up; the error comes later.
      if (z && !MemberPosition(z, next(1), shape.xy)) {
        return ctx.reply().Error(errors::kGeoNoMember);
      }
      frommember = true;
      i++;
    } else if (EqualsIgnoreCase(arg, "fromlonlat") && i + 2 < remaining && (flags & kSearch) &&
               !frommember) {
      if (!ParseLonLat(ctx, next(1), next(2), shape.xy)) return;
      fromloc = true;
      i += 2;
    } else if (EqualsIgnoreCase(arg, "byradius") && i + 2 < remaining && (flags & kSearch) &&
               !bybox) {
      if (!ParseRadius(ctx, next(1), next(2), &shape)) return;
      shape.type = geo::Shape::kCircle;
      byradius = true;
      i += 2;
    } else if (EqualsIgnoreCase(arg, "bybox") && i + 3 < remaining && (flags & kSearch) &&
               !byradius) {
      if (!ParseBox(ctx, next(1), next(2), next(3), &shape)) return;
      shape.type = geo::Shape::kBox;
      bybox = true;
      i += 3;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }

  if (storekey && (withdist || withhash || withcoords)) {
    return ctx.reply().Error((flags & kSearchStore) ? errors::kGeoSearchStoreWith
                                                    : errors::kGeoStoreWith);
  }
  if ((flags & kSearch) && !(frommember || fromloc)) {
    return ctx.reply().Error(errors::GeoNeedFrom(ctx.name()));
  }
  if ((flags & kSearch) && !(byradius || bybox)) {
    return ctx.reply().Error(errors::GeoNeedBy(ctx.name()));
  }
  if (any && !count) return ctx.reply().Error(errors::kGeoAnyNeedsCount);

  if (!z) {
    if (storekey) {
      if (db.Delete(*storekey)) ctx.KeyModified(*storekey, kNotifyGeneric, "del");
      return ctx.reply().Integer(0);
    }
    return ctx.reply().ArrayHeader(0);
  }

  // COUNT without an order means the nearest ones (not with ANY).
  if (count != 0 && sort == kNone && !any) sort = kAsc;

  std::vector<geo::Point> points;
  geo::MembersInShape(z, shape, any ? static_cast<size_t>(count) : 0, &points);
  if (points.empty() && !storekey) return ctx.reply().ArrayHeader(0);

  size_t returned = points.size();
  if (count != 0 && static_cast<size_t>(count) < returned) returned = static_cast<size_t>(count);
  if (sort != kNone) geo::SortByDistance(&points, sort == kDesc, returned);

  if (storekey) {
    for (size_t i = 0; i < returned; i++) points[i].dist /= shape.conversion;
    return StorePoints(ctx, *storekey, points, returned, storedist);
  }
  size_t option_length = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(returned);
  for (size_t i = 0; i < returned; i++) {
    geo::Point& p = points[i];
    p.dist /= shape.conversion;
    if (option_length) r.ArrayHeader(option_length + 1);
    r.Bulk(p.member);
    if (withdist) ReplyDistance(r, p.dist);
    if (withhash) r.Integer(static_cast<int64_t>(p.score));
    if (withcoords) {
      r.ArrayHeader(2);
      ReplyCoordinate(r, p.longitude);
      ReplyCoordinate(r, p.latitude);
    }
  }
}

void CmdGeoRadius(CommandContext& ctx, ArgReader& args) {
  GeoSearchGeneric(ctx, args, 0, kByCoords);
}
void CmdGeoRadiusRo(CommandContext& ctx, ArgReader& args) {
  GeoSearchGeneric(ctx, args, 0, kByCoords | kNoStore);
}
void CmdGeoRadiusByMember(CommandContext& ctx, ArgReader& args) {
  GeoSearchGeneric(ctx, args, 0, kByMember);
}
void CmdGeoRadiusByMemberRo(CommandContext& ctx, ArgReader& args) {
  GeoSearchGeneric(ctx, args, 0, kByMember | kNoStore);
}
void CmdGeoSearch(CommandContext& ctx, ArgReader& args) { GeoSearchGeneric(ctx, args, 0, kSearch); }
void CmdGeoSearchStore(CommandContext& ctx, ArgReader& args) {
  GeoSearchGeneric(ctx, args, 1, kSearch | kSearchStore);
}

}  // namespace

void RegisterGeoCommands(CommandTable& table) {
  using enum CmdFlag;
  auto add = [&](const char* name, int arity, CmdFlag flags, int first, int last, CommandHandler h,
                 const char* acl) {
    table.Add({.name = name,
               .arity = arity,
               .flags = flags,
               .first_key = first,
               .last_key = last,
               .step = 1,
               .handler = h,
               .acl_categories = acl});
  };
  const char* kW = "@write @geo @slow";
  const char* kR = "@read @geo @slow";
  add("geoadd", -5, kWrite | kDenyOom, 1, 1, CmdGeoAdd, kW);
  add("geodist", -4, kReadOnly, 1, 1, CmdGeoDist, kR);
  add("geohash", -2, kReadOnly, 1, 1, CmdGeoHash, kR);
  add("geopos", -2, kReadOnly, 1, 1, CmdGeoPos, kR);
  add("geosearch", -7, kReadOnly, 1, 1, CmdGeoSearch, kR);
  add("geosearchstore", -8, kWrite | kDenyOom, 1, 2, CmdGeoSearchStore, kW);
  add("georadius", -6, kWrite | kDenyOom, 1, 1, CmdGeoRadius, kW);
  add("georadius_ro", -6, kReadOnly, 1, 1, CmdGeoRadiusRo, kR);
  add("georadiusbymember", -5, kWrite | kDenyOom, 1, 1, CmdGeoRadiusByMember, kW);
  add("georadiusbymember_ro", -5, kReadOnly, 1, 1, CmdGeoRadiusByMemberRo, kR);
}

}  // namespace duet
