#include "scripting/ldb.h"

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <lua5.1/lua.hpp>
#include <optional>

#include "common/log.h"
#include "common/strutil.h"
#include "scripting/ldb_format.h"
#include "scripting/lua_reply.h"

namespace duet::scripting {

namespace {

// Redis's LDB_MAX_VALUES_DEPTH (LUA_MINSTACK / 2).
constexpr int kMaxValuesDepth = LUA_MINSTACK / 2;
// Debugger command bytes kept while waiting for a complete command.
constexpr size_t kMaxCommandBuffer = 1 << 20;

int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

bool Is(const std::string& arg, const char* short_name, const char* long_name) {
  return EqualsIgnoreCase(arg, short_name) || EqualsIgnoreCase(arg, long_name);
}

[[noreturn]] void Raise(lua_State* L, std::string_view text) {
  PushErrorTable(L, text);
  lua_error(L);
  abort();  // lua_error does not return
}

// Redis's string2l: the whole argument is a decimal long without leading zeros or '+'.
bool StrictLong(const std::string& s, long* out) {
  std::optional<int64_t> v = ParseInt64(s);
  if (!v) return false;
  *out = static_cast<long>(*v);
  return true;
}

}  // namespace

void Ldb::Enable() {
  logs_.clear();
  step_ = true;
  bp_.clear();
  luabp_ = false;
  cbuf_.clear();
  maxlen_ = kDefaultMaxLen;
  maxlen_hint_sent_ = false;
}

void Ldb::Start(LdbChannel* channel, std::string_view body, int64_t time_limit_ms, bool rollback) {
  channel_ = channel;
  rollback_ = rollback;
  active_ = true;
  time_limit_ms_ = time_limit_ms > 0 ? time_limit_ms : 5000;
  start_us_ = MonotonicUs();
  src_ = SplitLdbSource(body);
  if (rollback) {
    ::duet::Log(LogLevel::kWarning, "Redis forked for debugging eval");
  } else {
    ::duet::Log(LogLevel::kWarning, "Redis synchronous debugging eval session started");
  }
}

void Ldb::End() {
  Log("<endsession>");
  SendLogs();
  if (rollback_) {
    ::duet::Log(LogLevel::kWarning, "Lua debugging session child exiting");
  } else {
    ::duet::Log(LogLevel::kWarning, "Redis synchronous debugging eval session ended");
  }
  channel_ = nullptr;
  src_.clear();
  active_ = false;
}

void Ldb::Log(std::string entry) { logs_.push_back(std::move(entry)); }

void Ldb::LogWithMaxLen(std::string entry) {
  bool trimmed = false;
  if (maxlen_ && entry.size() > maxlen_) {
    entry.resize(maxlen_);
    entry += " ...";
    trimmed = true;
  }
  Log(std::move(entry));
  if (trimmed && !maxlen_hint_sent_) {
    maxlen_hint_sent_ = true;
    Log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
  }
}

void Ldb::LogCommand(std::span<const std::string_view> argv) {
  std::string entry = "<redis>";
  for (size_t j = 0; j < argv.size(); j++) {
    if (j == 10) {
      entry += " ... (" + std::to_string(static_cast<int>(argv.size() - j - 1)) + " more)";
      break;
    }
    entry.push_back(' ');
    entry.append(argv[j]);
  }
  Log(std::move(entry));
}

void Ldb::LogReply(std::string_view reply) {
  std::string entry = "<reply> ";
  AppendReplyToHuman(reply, 0, &entry);
  LogWithMaxLen(std::move(entry));
}

void Ldb::SendLogs() {
  std::string proto = EncodeLdbLogs(logs_);
  logs_.clear();
  if (channel_) channel_->Write(proto);
}

const std::string& Ldb::SourceLine(int line) const {
  static const std::string kOutOfRange = "<out of range source code line>";
  int idx = line - 1;
  if (idx < 0 || idx >= static_cast<int>(src_.size())) return kOutOfRange;
  return src_[idx];
}

bool Ldb::IsBreakpoint(int line) const {
  for (int b : bp_) {
    if (b == line) return true;
  }
  return false;
}

bool Ldb::AddBreakpoint(int line) {
  if (line <= 0 || line > static_cast<int>(src_.size())) return false;
  if (!IsBreakpoint(line) && static_cast<int>(bp_.size()) != kMaxBreakpoints) {
    bp_.push_back(line);
    return true;
  }
  return false;
}

bool Ldb::DelBreakpoint(int line) {
  for (size_t j = 0; j < bp_.size(); j++) {
    if (bp_[j] == line) {
      bp_.erase(bp_.begin() + j);
      return true;
    }
  }
  return false;
}

void Ldb::LogSourceLine(int line) {
  // The text is a C string to Redis: it ends at a NUL byte.
  const std::string& text = SourceLine(line);
  Log(FormatLdbSourceLine(line, std::string_view(text.c_str()), current_line_ == line,
                          IsBreakpoint(line)));
}

void Ldb::List(int around, int context) {
  for (int j = 1; j <= static_cast<int>(src_.size()); j++) {
    if (around != 0 && std::abs(around - j) > context) continue;
    LogSourceLine(j);
  }
}

void Ldb::AppendValue(std::string& out, lua_State* L, int idx, int level) {
  if (idx < 0 && idx > LUA_REGISTRYINDEX) idx = lua_gettop(L) + idx + 1;
  if (level++ == kMaxValuesDepth) {
    out += "<max recursion level reached! Nested table?>";
    return;
  }
  int t = lua_type(L, idx);
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, idx, &len);
      AppendRepr(out, std::string_view(s, len));
      break;
    }
    case LUA_TBOOLEAN:
      out += lua_toboolean(L, idx) ? "true" : "false";
      break;
    case LUA_TNUMBER: {
      char buf[64];
      snprintf(buf, sizeof(buf), "%g", static_cast<double>(lua_tonumber(L, idx)));
      out += buf;
      break;
    }
    case LUA_TNIL:
      out += "nil";
      break;
    case LUA_TTABLE: {
      // Both forms are built: as an array ("v; v") and as a map ("[k]=v; [k]=v"); the
      // array one is used when the keys are 1, 2, 3... in iteration order.
      int expected = 1;
      bool is_array = true;
      std::string repr1, repr2;
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        if (is_array && (lua_type(L, -2) != LUA_TNUMBER || lua_tonumber(L, -2) != expected)) {
          is_array = false;
        }
        AppendValue(repr1, L, -1, level);
        repr1 += "; ";
        repr2 += "[";
        AppendValue(repr2, L, -2, level);
        repr2 += "]=";
        AppendValue(repr2, L, -1, level);
        repr2 += "; ";
        lua_pop(L, 1);
        expected++;
      }
      if (!repr1.empty()) repr1.resize(repr1.size() - 2);
      if (!repr2.empty()) repr2.resize(repr2.size() - 2);
      out += "{";
      out += is_array ? repr1 : repr2;
      out += "}";
      break;
    }
    case LUA_TFUNCTION:
    case LUA_TUSERDATA:
    case LUA_TTHREAD:
    case LUA_TLIGHTUSERDATA: {
      const char* name = t == LUA_TFUNCTION   ? "function"
                         : t == LUA_TUSERDATA ? "userdata"
                         : t == LUA_TTHREAD   ? "thread"
                                              : "light-userdata";
      char buf[96];
      snprintf(buf, sizeof(buf), "\"%s@%p\"", name, lua_topointer(L, idx));
      out += buf;
      break;
    }
    default:
      out += "\"<unknown-lua-type>\"";
  }
}

bool Ldb::RequestBreak() {
  if (!active_) return false;
  luabp_ = true;
  return true;
}

void Ldb::DebugLog(lua_State* L) {
  if (!active_) return;
  int argc = lua_gettop(L);
  std::string entry = "<debug> line " + std::to_string(current_line_) + ": ";
  for (int i = 1; i <= argc; i++) {
    AppendValue(entry, L, i);
    if (i != argc) entry += ", ";
  }
  Log(std::move(entry));
}

void Ldb::Print(lua_State* L, const std::string& name) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar) != 0; level++) {
    const char* local;
    for (int i = 1; (local = lua_getlocal(L, &ar, i)) != nullptr; i++) {
      if (strcmp(name.c_str(), local) == 0) {
        std::string entry = "<value> ";
        AppendValue(entry, L, -1);
        LogWithMaxLen(std::move(entry));
        lua_pop(L, 1);
        return;
      }
      lua_pop(L, 1);
    }
  }
  if (strcmp(name.c_str(), "ARGV") == 0 || strcmp(name.c_str(), "KEYS") == 0) {
    lua_getglobal(L, name.c_str());
    std::string entry = "<value> ";
    AppendValue(entry, L, -1);
    LogWithMaxLen(std::move(entry));
    lua_pop(L, 1);
  } else {
    Log("No such variable.");
  }
}

void Ldb::PrintAll(lua_State* L) {
  lua_Debug ar;
  int vars = 0;
  if (lua_getstack(L, 0, &ar) != 0) {
    const char* local;
    for (int i = 1; (local = lua_getlocal(L, &ar, i)) != nullptr; i++) {
      if (!strstr(local, "(*temporary)")) {
        std::string entry = std::string("<value> ") + local + " = ";
        AppendValue(entry, L, -1);
        LogWithMaxLen(std::move(entry));
        vars++;
      }
      lua_pop(L, 1);
    }
  }
  if (vars == 0) Log("No local variables in the current context.");
}

void Ldb::Break(const std::vector<std::string>& argv) {
  if (argv.size() == 1) {
    if (bp_.empty()) {
      Log("No breakpoints set. Use 'b <line>' to add one.");
      return;
    }
    Log(std::to_string(bp_.size()) + " breakpoints set:");
    for (int b : bp_) LogSourceLine(b);
    return;
  }
  for (size_t j = 1; j < argv.size(); j++) {
    long line;
    if (!StrictLong(argv[j], &line)) {
      Log("Invalid argument:'" + std::string(argv[j].c_str()) + "'");
    } else if (line == 0) {
      bp_.clear();
      Log("All breakpoints removed.");
    } else if (line > 0) {
      if (static_cast<int>(bp_.size()) == kMaxBreakpoints) {
        Log("Too many breakpoints set.");
      } else if (AddBreakpoint(static_cast<int>(line))) {
        List(static_cast<int>(line), 1);
      } else {
        Log("Wrong line number.");
      }
    } else {
      Log(DelBreakpoint(static_cast<int>(-line)) ? "Breakpoint removed."
                                                 : "No breakpoint in the specified line.");
    }
  }
}

void Ldb::Eval(lua_State* L, const std::vector<std::string>& argv) {
  std::string code;
  for (size_t j = 1; j < argv.size(); j++) {
    if (j > 1) code.push_back(' ');
    code += argv[j];
  }
  std::string expr = "return " + code;
  auto error_text = [L]() {
    const char* msg = lua_tostring(L, -1);
    return std::string("<error> ") + (msg ? msg : "");
  };
  // As an expression first ("return <code>"), then as a statement.
  if (luaL_loadbuffer(L, expr.data(), expr.size(), "@ldb_eval")) {
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, code.data(), code.size(), "@ldb_eval")) {
      Log(error_text());
      lua_pop(L, 1);
      return;
    }
  }
  if (lua_pcall(L, 0, 1, 0)) {
    Log(error_text());
    lua_pop(L, 1);
    return;
  }
  std::string entry = "<retval> ";
  AppendValue(entry, L, -1);
  LogWithMaxLen(std::move(entry));
  lua_pop(L, 1);
}

void Ldb::Redis(lua_State* L, const std::vector<std::string>& argv) {
  if (!lua_checkstack(L, static_cast<int>(argv.size()) + 1)) {
    LogReply("max lua stack reached");
    return;
  }
  lua_getglobal(L, "redis");
  lua_pushstring(L, "call");
  lua_gettable(L, -2);
  for (size_t j = 1; j < argv.size(); j++) lua_pushlstring(L, argv[j].data(), argv[j].size());
  step_ = true;  // redis.call logs the command and its reply
  lua_pcall(L, static_cast<int>(argv.size()) - 1, 1, 0);
  step_ = false;
  lua_pop(L, 2);
}

void Ldb::Trace(lua_State* L) {
  lua_Debug ar;
  int level = 0;
  while (lua_getstack(L, level, &ar)) {
    lua_getinfo(L, "Snl", &ar);
    if (strstr(ar.short_src, "user_script") != nullptr) {
      Log(std::string(level == 0 ? "In" : "From") + " " + (ar.name ? ar.name : "top level") + ":");
      LogSourceLine(ar.currentline);
    }
    level++;
  }
  if (level == 0) Log("<error> Can't retrieve Lua stack.");
}

void Ldb::Maxlen(const std::vector<std::string>& argv) {
  if (argv.size() == 2) {
    int v = atoi(argv[1].c_str());
    maxlen_hint_sent_ = true;
    if (v != 0 && v <= 60) v = 60;
    maxlen_ = static_cast<size_t>(v);
  }
  if (maxlen_) {
    Log("<value> replies are truncated at " + std::to_string(static_cast<int>(maxlen_)) +
        " bytes.");
  } else {
    Log("<value> replies are unlimited.");
  }
}

void Ldb::Help() {
  static constexpr const char* kHelp[] = {
      "Redis Lua debugger help:",
      "[h]elp               Show this help.",
      "[s]tep               Run current line and stop again.",
      "[n]ext               Alias for step.",
      "[c]ontinue           Run till next breakpoint.",
      "[l]ist               List source code around current line.",
      "[l]ist [line]        List source code around [line].",
      "                     line = 0 means: current position.",
      "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
      "                     to show before/after [line].",
      "[w]hole              List all source code. Alias for 'list 1 1000000'.",
      "[p]rint              Show all the local variables.",
      "[p]rint <var>        Show the value of the specified variable.",
      "                     Can also show global vars KEYS and ARGV.",
      "[b]reak              Show all breakpoints.",
      "[b]reak <line>       Add a breakpoint to the specified line.",
      "[b]reak -<line>      Remove breakpoint from the specified line.",
      "[b]reak 0            Remove all breakpoints.",
      "[t]race              Show a backtrace.",
      "[e]val <code>        Execute some Lua code (in a different callframe).",
      "[r]edis <cmd>        Execute a Redis command.",
      "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
      "                     Specifying zero as <len> means unlimited.",
      "[a]bort              Stop the execution of the script. In sync",
      "                     mode dataset changes will be retained.",
      "",
      "Debugger functions you can call from Lua scripts:",
      "redis.debug()        Produce logs in the debugger console.",
      "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
      "                     next line of code.",
  };
  for (const char* line : kHelp) Log(line);
}

bool Ldb::Repl(lua_State* L) {
  std::vector<std::string> argv;
  for (;;) {
    for (;;) {
      LdbParse r = ParseLdbCommand(cbuf_, &argv);
      if (r == LdbParse::kOk) break;
      if (r == LdbParse::kProtocolError) Raise(L, "protocol error");
      char buf[1024];
      ssize_t n = channel_ ? channel_->Read(buf, sizeof(buf)) : 0;
      if (n <= 0) {
        // The client is gone: the script runs on without stops.
        step_ = false;
        bp_.clear();
        return false;
      }
      cbuf_.append(buf, static_cast<size_t>(n));
      if (cbuf_.size() > kMaxCommandBuffer) {
        cbuf_.clear();
        Raise(L, "max client buffer reached");
      }
    }
    cbuf_.clear();
    // Commands compare as C strings (an argument ends at its first NUL byte).
    std::string cmd(argv[0].c_str());
    size_t argc = argv.size();
    if (Is(cmd, "h", "help")) {
      Help();
    } else if (Is(cmd, "s", "step") || Is(cmd, "n", "next")) {
      step_ = true;
      return true;
    } else if (Is(cmd, "c", "continue")) {
      return true;
    } else if (Is(cmd, "t", "trace")) {
      Trace(L);
    } else if (Is(cmd, "m", "maxlen")) {
      Maxlen(argv);
    } else if (Is(cmd, "b", "break")) {
      Break(argv);
    } else if (Is(cmd, "e", "eval")) {
      Eval(L, argv);
    } else if (Is(cmd, "a", "abort")) {
      Raise(L, "script aborted for user request");
    } else if (argc > 1 && Is(cmd, "r", "redis")) {
      Redis(L, argv);
    } else if (Is(cmd, "p", "print")) {
      if (argc == 2) {
        Print(L, argv[1]);
      } else {
        PrintAll(L);
      }
    } else if (Is(cmd, "l", "list")) {
      int around = current_line_, ctx = 5;
      if (argc > 1) {
        int num = atoi(argv[1].c_str());
        if (num > 0) around = num;
      }
      if (argc > 2) ctx = atoi(argv[2].c_str());
      List(around, ctx);
    } else if (Is(cmd, "w", "whole")) {
      List(1, 1000000);
    } else {
      Log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
    }
    SendLogs();
  }
}

void Ldb::OnLine(lua_State* L, lua_Debug* ar) {
  lua_getstack(L, 0, ar);
  lua_getinfo(L, "Sl", ar);
  current_line_ = ar->currentline;
  bool bp = IsBreakpoint(current_line_) || luabp_;
  bool timeout = false;
  if (strstr(ar->short_src, "user_script") == nullptr) return;  // not the script's own code
  if (ar->event == LUA_HOOKCOUNT && !step_ && !bp) {
    if ((MonotonicUs() - start_us_) / 1000 < time_limit_ms_) return;
    timeout = true;
    step_ = true;
  }
  if (!step_ && !bp) return;
  const char* reason = "step over";
  if (bp) {
    reason = luabp_ ? "redis.breakpoint() called" : "break point";
  } else if (timeout) {
    reason = "timeout reached, infinite loop?";
  }
  step_ = false;
  luabp_ = false;
  Log("* Stopped at " + std::to_string(current_line_) + ", stop reason = " + reason);
  LogSourceLine(current_line_);
  SendLogs();
  if (!Repl(L) && timeout) {
    Raise(L, "timeout during Lua debugging with client closing connection");
  }
  start_us_ = MonotonicUs();
}

}  // namespace duet::scripting
