#include "scripting/lua_reply.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <lua5.1/lua.hpp>
#include <string>

namespace duet::scripting {

namespace {

// A cursor over reply bytes the server produced itself (well-formed by construction).
struct ReplyCursor {
  const char* p;
  const char* end;
  // Arrays may be created at their final size: no RESP3 null (a hole) is in the reply.
  bool presize;

  std::string_view Line() {
    const char* start = p;
    while (p + 1 < end && !(p[0] == '\r' && p[1] == '\n')) p++;
    std::string_view line(start, static_cast<size_t>(p - start));
    p = p + 2 <= end ? p + 2 : end;
    return line;
  }
  // The length or integer on a line: an optional '-' and decimal digits (the server wrote it).
  int64_t Number() {
    std::string_view l = Line();
    size_t i = !l.empty() && l[0] == '-' ? 1 : 0;
    uint64_t v = 0;
    for (; i < l.size(); i++) v = v * 10 + static_cast<uint64_t>(l[i] - '0');
    return !l.empty() && l[0] == '-' ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  }
};

void CheckStack(lua_State* L, int n) {
  if (!lua_checkstack(L, n)) luaL_error(L, "lua stack limit reach when parsing redis.call reply");
}
void Need(lua_State* L, bool reserved, int n) {
  if (!reserved) CheckStack(L, n);
}

// `push` false: the value is parsed and skipped (attributes). `reserved`: the caller made
// sure the stack has room for 5 more values (an array does once for all its elements).
void Parse(lua_State* L, ReplyCursor& c, bool push, bool reserved = false) {
  char type = *c.p++;
  switch (type) {
    case ':': {
      int64_t v = c.Number();
      if (push) {
        Need(L, reserved, 1);
        lua_pushnumber(L, static_cast<lua_Number>(v));
      }
      return;
    }
    case '$': {
      int64_t len = c.Number();
      if (len < 0) {
        if (push) {
          Need(L, reserved, 1);
          lua_pushboolean(L, 0);
        }
        return;
      }
      if (push) {
        Need(L, reserved, 1);
        lua_pushlstring(L, c.p, static_cast<size_t>(len));
      }
      c.p += len + 2;
      return;
    }
    case '+': {
      std::string_view s = c.Line();
      if (push) {
        Need(L, reserved, 3);
        lua_createtable(L, 0, 1);  // its one field: no rehash when it is set
        lua_pushlstring(L, s.data(), s.size());
        lua_setfield(L, -2, "ok");
      }
      return;
    }
    case '-': {
      std::string_view s = c.Line();
      if (push) {
        Need(L, reserved, 3);
        std::string err = "-";
        err.append(s);
        PushErrorTable(L, err);
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "ignore_error_stats_update");
      }
      return;
    }
    case '*':
    case '>': {
      int64_t n = c.Number();
      if (n < 0) {
        if (push) {
          Need(L, reserved, 1);
          lua_pushboolean(L, 0);
        }
        return;
      }
      // Without holes, an array part sized up front is the same table as one grown element
      // by element, without the rehashes; with them (RESP3 nulls), `#t` depends on how it
      // grew, so it grows as in Redis.
      if (push) {
        Need(L, reserved, 2);
        lua_createtable(L, c.presize && n <= INT32_MAX ? static_cast<int>(n) : 0, 0);
      }
      if (push && n > 0) CheckStack(L, 5);
      for (int64_t j = 0; j < n; j++) {
        Parse(L, c, push, push);
        if (push) lua_rawseti(L, -2, static_cast<int>(j + 1));
      }
      return;
    }
    case '%':
    case '~': {
      int64_t n = c.Number();
      if (push) {
        Need(L, reserved, 3);
        lua_newtable(L);
        lua_pushstring(L, type == '%' ? "map" : "set");
        lua_newtable(L);
      }
      for (int64_t j = 0; j < n; j++) {
        Parse(L, c, push);
        if (type == '%') {
          Parse(L, c, push);
        } else if (push) {
          Need(L, reserved, 1);
          lua_pushboolean(L, 1);
        }
        if (push) lua_settable(L, -3);
      }
      if (push) lua_settable(L, -3);
      return;
    }
    case '|': {
      int64_t n = c.Number();
      for (int64_t j = 0; j < 2 * n; j++) Parse(L, c, false);
      Parse(L, c, push);
      return;
    }
    case '_':
      c.Line();
      if (push) {
        Need(L, reserved, 1);
        lua_pushnil(L);
      }
      return;
    case '#': {
      std::string_view s = c.Line();
      if (push) {
        Need(L, reserved, 1);
        lua_pushboolean(L, !s.empty() && s[0] == 't');
      }
      return;
    }
    case ',': {
      std::string l(c.Line());
      if (push) {
        Need(L, reserved, 3);
        double d = l == "inf"    ? INFINITY
                   : l == "-inf" ? -INFINITY
                                 : std::strtod(l.c_str(), nullptr);
        lua_newtable(L);
        lua_pushnumber(L, d);
        lua_setfield(L, -2, "double");
      }
      return;
    }
    case '(': {
      std::string_view s = c.Line();
      if (push) {
        Need(L, reserved, 3);
        lua_newtable(L);
        lua_pushlstring(L, s.data(), s.size());
        lua_setfield(L, -2, "big_number");
      }
      return;
    }
    case '=': {
      int64_t len = c.Number();
      if (push) {
        Need(L, reserved, 5);
        lua_newtable(L);
        lua_pushstring(L, "verbatim_string");
        lua_newtable(L);
        lua_pushlstring(L, c.p + 4, static_cast<size_t>(len - 4));
        lua_setfield(L, -2, "string");
        lua_pushlstring(L, c.p, 3);
        lua_setfield(L, -2, "format");
        lua_settable(L, -3);
      }
      c.p += len + 2;
      return;
    }
    default:
      c.p = c.end;
      if (push) lua_pushnil(L);
  }
}

// Takes the field value a raw get just pushed: its text into `out` if it is a string (false
// otherwise), then pops it.
bool TakeStringField(lua_State* L, std::string* out) {
  bool ok = lua_type(L, -1) == LUA_TSTRING;
  if (ok) {
    size_t len;
    const char* s = lua_tolstring(L, -1, &len);
    out->assign(s, len);
  }
  lua_pop(L, 1);
  return ok;
}

// The text of the string field `name` of the table at the top, without popping it.
bool StringField(lua_State* L, const char* name, std::string* out) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  return TakeStringField(L, out);
}

// The field names WriteLuaValue looks for in every table, interned once per Lua state and
// kept in an array in the registry: a lookup pushes the string from that array
// (lua_rawgeti) instead of hashing and interning the name again (lua_pushstring), which
// for a script returning an array of arrays was most of the reply's conversion.
enum ReplyKey { kKeyErr = 1, kKeyOk, kKeyDouble, kKeyBigNumber, kKeyVerbatim, kKeyMap, kKeySet };
constexpr const char* kReplyKeyNames[] = {"err", "ok", "double", "big_number", "verbatim_string",
                                          "map", "set"};
constexpr const char* kReplyKeysRegistryName = "__duet_reply_keys";

// Pushes the array of field names (creating it on a state's first use).
void PushReplyKeys(lua_State* L) {
  lua_pushstring(L, kReplyKeysRegistryName);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_createtable(L, static_cast<int>(std::size(kReplyKeyNames)), 0);
  for (size_t i = 0; i < std::size(kReplyKeyNames); i++) {
    lua_pushstring(L, kReplyKeyNames[i]);
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_pushstring(L, kReplyKeysRegistryName);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

// Pushes the field `key` of the table at the top (raw access); `keys` is the absolute
// stack index of the array of field names.
void RawGetKey(lua_State* L, int keys, ReplyKey key) {
  lua_rawgeti(L, keys, key);
  lua_rawget(L, -2);
}

// StringField for one of the names kept in the registry's array.
bool StringKey(lua_State* L, int keys, ReplyKey key, std::string* out) {
  RawGetKey(L, keys, key);
  return TakeStringField(L, out);
}

// The number of entries of the table at the top of the stack.
size_t CountEntries(lua_State* L) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    n++;
  }
  return n;
}

// Redis copies these strings as C strings and maps CR/LF to spaces.
std::string CStringNoNewlines(std::string s) {
  s.resize(strlen(s.c_str()));
  for (char& ch : s) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return s;
}

}  // namespace

namespace {

// A status or error line ends at its first CRLF, as the parser of the bytes reads it.
std::string_view FirstLine(std::string_view s) {
  size_t crlf = s.find("\r\n");
  return crlf == std::string_view::npos ? s : s.substr(0, crlf);
}

// Only RESP3 has nulls inside arrays. "\n_\r\n" is how one starts after another element;
// one inside a bulk string only costs the presizing.
bool HasNulls(std::string_view resp, bool resp3) {
  return resp3 && ((!resp.empty() && resp[0] == '_') ||
                   resp.find(std::string_view("\n_\r\n")) != std::string_view::npos);
}

}  // namespace

void LuaReplySink::Begin(lua_State* L, bool resp3) {
  L_ = L;
  resp3_ = resp3;
  overflow_ = false;
  first_error_ = false;
  base_ = lua_gettop(L);
  values_ = 0;
  frames_.clear();
}

bool LuaReplySink::Room() {
  if (overflow_) return false;
  // A value needs at most 5 slots while it is built (a map: outer table, "map", inner
  // table, key, value); an aggregate keeps 1 (3 for a map or set) until it is complete.
  if (!lua_checkstack(L_, 8)) overflow_ = true;
  return !overflow_;
}

void LuaReplySink::Complete() {
  for (;;) {
    if (frames_.empty()) {
      if (++values_ > 1) lua_pop(L_, 1);  // only the first is the reply
      return;
    }
    Frame& f = frames_.back();
    if (f.type == '%') {
      if (!f.have_key) {
        f.have_key = true;
        return;
      }
      f.have_key = false;
      lua_settable(L_, -3);
    } else if (f.type == '~') {
      lua_pushboolean(L_, 1);
      lua_settable(L_, -3);
    } else {
      lua_rawseti(L_, -2, ++f.index);
    }
    if (--f.left > 0) return;
    bool wrapped = f.type == '%' || f.type == '~';
    frames_.pop_back();
    if (wrapped) lua_settable(L_, -3);  // outer.map = inner (outer.set)
  }
}

void LuaReplySink::Status(std::string_view s) {
  if (overflow_) return;
  s = FirstLine(s);
  lua_createtable(L_, 0, 1);
  lua_pushlstring(L_, s.data(), s.size());
  lua_setfield(L_, -2, "ok");
  Complete();
}

void LuaReplySink::Error(std::string_view msg) {
  if (overflow_) return;
  if (values_ == 0 && frames_.empty()) first_error_ = true;
  std::string err = "-";
  err.append(FirstLine(msg));
  PushErrorTable(L_, err);
  lua_pushboolean(L_, 1);
  lua_setfield(L_, -2, "ignore_error_stats_update");
  Complete();
}

void LuaReplySink::Integer(int64_t v) {
  if (overflow_) return;
  lua_pushnumber(L_, static_cast<lua_Number>(v));
  Complete();
}

void LuaReplySink::Bulk(std::string_view s) {
  if (overflow_) return;
  lua_pushlstring(L_, s.data(), s.size());
  Complete();
}

void LuaReplySink::NullBulk() {
  if (overflow_) return;
  lua_pushboolean(L_, 0);
  Complete();
}

void LuaReplySink::Null() {
  if (overflow_) return;
  lua_pushnil(L_);
  Complete();
}

void LuaReplySink::Header(char type, size_t n) {
  if (!Room()) return;
  if (type == '%' || type == '~') {
    lua_newtable(L_);
    lua_pushstring(L_, type == '%' ? "map" : "set");
    lua_newtable(L_);
    if (n == 0) {
      lua_settable(L_, -3);
      return Complete();
    }
  } else {
    // RESP3 arrays grow element by element, as Redis builds them: with a null inside, the
    // table (and so `#t`) depends on how it grew.
    lua_createtable(L_, !resp3_ && n <= INT32_MAX ? static_cast<int>(n) : 0, 0);
    if (n == 0) return Complete();
  }
  frames_.push_back({type, false, 0, n});
}

void LuaReplySink::Double(double v) {
  if (overflow_) return;
  lua_newtable(L_);
  lua_pushnumber(L_, v);
  lua_setfield(L_, -2, "double");
  Complete();
}

void LuaReplySink::Bool(bool v) {
  if (overflow_) return;
  lua_pushboolean(L_, v);
  Complete();
}

void LuaReplySink::BigNumber(std::string_view s) {
  if (overflow_) return;
  s = FirstLine(s);
  lua_newtable(L_);
  lua_pushlstring(L_, s.data(), s.size());
  lua_setfield(L_, -2, "big_number");
  Complete();
}

void LuaReplySink::Verbatim(std::string_view s, std::string_view fmt) {
  if (overflow_) return;
  lua_newtable(L_);
  lua_pushstring(L_, "verbatim_string");
  lua_newtable(L_);
  lua_pushlstring(L_, s.data(), s.size());
  lua_setfield(L_, -2, "string");
  lua_pushlstring(L_, fmt.data(), std::min<size_t>(fmt.size(), 3));
  lua_setfield(L_, -2, "format");
  lua_settable(L_, -3);
  Complete();
}

bool LuaReplySink::Finish(std::string_view rest) {
  lua_State* L = L_;
  L_ = nullptr;
  if (overflow_) {
    lua_settop(L, base_);
    luaL_error(L, "lua stack limit reach when parsing redis.call reply");
  }
  if (!rest.empty()) {
    if (values_ == 0 && frames_.empty() && rest[0] == '-') first_error_ = true;
    ReplyCursor c{rest.data(), rest.data() + rest.size(), !HasNulls(rest, resp3_)};
    L_ = L;  // Complete() works on it
    while (c.p < c.end && (values_ == 0 || !frames_.empty())) {
      Parse(L, c, true);
      Complete();
    }
    L_ = nullptr;
  }
  if (values_ == 0 && frames_.empty()) {
    lua_settop(L, base_);
    lua_pushnil(L);  // nothing written: what parsing no bytes gives
  } else {
    lua_settop(L, base_ + 1);  // the reply (an unfinished aggregate: what it got)
  }
  return first_error_;
}

void LuaReplySink::Abandon() {
  if (L_) lua_settop(L_, base_);
  L_ = nullptr;
}

void PushReply(lua_State* L, std::string_view resp, bool resp3) {
  ReplyCursor c{resp.data(), resp.data() + resp.size(), !HasNulls(resp, resp3)};
  Parse(L, c, true);
}

void PushErrorTable(lua_State* L, std::string_view error) {
  std::string code = "ERR";
  std::string msg;
  std::string buf(error.substr(0, error.find('\0')));
  if (!buf.empty() && buf[0] == '-') {
    size_t sp = buf.find(' ');
    if (sp == std::string::npos) {
      msg = buf.substr(1);
    } else {
      code = buf.substr(1, sp - 1);
      msg = buf.substr(sp + 1);
    }
  } else {
    msg = std::move(buf);
  }
  size_t b = msg.find_first_not_of("\r\n");
  size_t e = msg.find_last_not_of("\r\n");
  msg = b == std::string::npos ? std::string() : msg.substr(b, e - b + 1);
  std::string final_msg = code + " " + msg;
  lua_newtable(L);
  lua_pushlstring(L, final_msg.data(), final_msg.size());
  lua_setfield(L, -2, "err");
}

namespace {

// WriteLuaValue with the array of field names at stack index `keys`.
void WriteValue(lua_State* L, int keys, int script_resp, ReplyBuilder& out) {
  int t = lua_type(L, -1);
  if (!lua_checkstack(L, 4)) {
    out.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      out.Bulk(std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(L, -1)) {
          out.Integer(1);
        } else {
          out.Null();
        }
      } else {
        out.Bool(lua_toboolean(L, -1));
      }
      break;
    case LUA_TNUMBER: {
      double d = lua_tonumber(L, -1);
      // (long long) of an out-of-range double is INT64_MIN on x86-64, as Redis replies.
      int64_t v = (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
                      ? static_cast<int64_t>(d)
                      : INT64_MIN;
      out.Integer(v);
      break;
    }
    case LUA_TTABLE: {
      std::string s;
      if (StringKey(L, keys, kKeyErr, &s)) {
        // The error table's fields as luaExtractErrorInformation reads them.
        lua_getfield(L, -1, "err");
        std::string msg = CStringNoNewlines(lua_tostring(L, -1));
        lua_pop(L, 1);
        lua_getfield(L, -1, "ignore_error_stats_update");
        bool counted = lua_isboolean(L, -1) && lua_toboolean(L, -1);
        lua_pop(L, 1);
        counted ? out.ErrorCountedBefore(msg) : out.Error(msg);
        break;
      }
      if (StringKey(L, keys, kKeyOk, &s)) {
        out.SimpleString(CStringNoNewlines(std::move(s)));
        break;
      }
      RawGetKey(L, keys, kKeyDouble);
      if (lua_type(L, -1) == LUA_TNUMBER) {
        out.Double(lua_tonumber(L, -1));
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      if (StringKey(L, keys, kKeyBigNumber, &s)) {
        for (char& ch : s) {
          if (ch == '\r' || ch == '\n') ch = ' ';
        }
        out.BigNumber(s);
        break;
      }
      RawGetKey(L, keys, kKeyVerbatim);
      if (lua_type(L, -1) == LUA_TTABLE) {
        std::string format, str;
        if (StringField(L, "format", &format) && StringField(L, "string", &str)) {
          out.Verbatim(str, std::string_view(format.c_str()).substr(0, 3));
          lua_pop(L, 2);
          return;
        }
      }
      lua_pop(L, 1);
      RawGetKey(L, keys, kKeyMap);
      if (lua_type(L, -1) == LUA_TTABLE) {
        out.MapHeader(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          WriteValue(L, keys, script_resp, out);  // key
          WriteValue(L, keys, script_resp, out);  // value
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      RawGetKey(L, keys, kKeySet);
      if (lua_type(L, -1) == LUA_TTABLE) {
        out.SetHeader(CountEntries(L));
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          WriteValue(L, keys, script_resp, out);
        }
        lua_pop(L, 2);
        return;
      }
      lua_pop(L, 1);
      // An array: elements 1..n up to the first nil.
      size_t n = 0;
      for (;;) {
        lua_rawgeti(L, -1, static_cast<int>(n + 1));
        bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        n++;
      }
      out.ArrayHeader(n);
      for (size_t j = 1; j <= n; j++) {
        lua_rawgeti(L, -1, static_cast<int>(j));
        WriteValue(L, keys, script_resp, out);
      }
      break;
    }
    default:
      out.Null();
  }
  lua_pop(L, 1);
}

}  // namespace

void WriteLuaValue(lua_State* L, int script_resp, ReplyBuilder& out) {
  if (!lua_checkstack(L, 1)) {
    out.Error("ERR reached lua stack limit");
    lua_pop(L, 1);
    return;
  }
  PushReplyKeys(L);
  lua_insert(L, -2);
  WriteValue(L, lua_gettop(L) - 1, script_resp, out);
  lua_pop(L, 1);  // the array of field names
}

void WriteRunError(lua_State* L, std::string_view funcname, ReplyBuilder& out) {
  if (!lua_istable(L, -1)) {
    const char* msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    std::string text = "ERR Error running script " + std::string(funcname) + ", " +
                       std::string(msg).substr(0, 100) + " ";
    out.Error(text);
    lua_pop(L, 1);
    return;
  }
  std::string msg, source, line;
  lua_getfield(L, -1, "err");
  if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, -1, "source");
  bool have_source = lua_isstring(L, -1);
  if (have_source) source = lua_tostring(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, -1, "line");
  bool have_line = lua_isstring(L, -1);
  if (have_line) line = lua_tostring(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, -1, "ignore_error_stats_update");
  bool counted = lua_isboolean(L, -1) && lua_toboolean(L, -1);
  lua_pop(L, 1);
  lua_pop(L, 1);
  std::string text = msg;
  if (have_line && have_source) {
    text += " script: " + std::string(funcname) + ", on " + source + ":" + line + ".";
  }
  counted ? out.ErrorCountedBefore(text) : out.Error(text);
}

}  // namespace duet::scripting
