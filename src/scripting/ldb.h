// Ldb: the Lua debugger behind SCRIPT DEBUG SYNC (Redis 7.0.15's ldb* functions in eval.c).
// One per EVAL engine. While a session is active the engine's line hook calls OnLine before
// each line of the user script; when it stops (step, breakpoint, redis.breakpoint(), or the
// time limit) it sends the log to the debugging client and reads debugger commands from it
// synchronously, blocking the server (as Redis does), until one resumes the script.
// Everything runs on the event-loop thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct lua_State;
struct lua_Debug;

namespace duet::scripting {

// The debugging client's connection, read and written synchronously.
class LdbChannel {
 public:
  virtual ~LdbChannel() = default;
  // Reads up to `len` bytes; <= 0 when the client is gone (or timed out).
  virtual ssize_t Read(char* buf, size_t len) = 0;
  // Writes all of `data` (errors are found by the next Read).
  virtual void Write(std::string_view data) = 0;
};

class Ldb {
 public:
  static constexpr int kMaxBreakpoints = 64;
  static constexpr size_t kDefaultMaxLen = 256;

  // SCRIPT DEBUG YES/SYNC: resets the debugger's settings (stepping on, no breakpoints,
  // maxlen 256, pending log and command bytes dropped).
  void Enable();
  // Starts a session on `channel` (not owned; valid until End) for a script with this
  // body. `time_limit_ms`: while running without a stop for this long, the debugger stops
  // ("timeout reached, infinite loop?"). `rollback`: a SCRIPT DEBUG YES session, logged
  // with the lines of Redis's forked session.
  void Start(LdbChannel* channel, std::string_view body, int64_t time_limit_ms,
             bool rollback = false);
  // Sends what is left of the log and "<endsession>"; the session is over.
  void End();
  bool active() const { return active_; }
  // redis.call logs its command and reply while this holds (Redis's ldbIsEnabled).
  bool logging() const { return active_ && step_; }

  void Log(std::string entry);
  // Trims entries over maxlen (adding " ..."), and hints once about "maxlen 0".
  void LogWithMaxLen(std::string entry);
  // "<redis> cmd arg ..." (at most 10 words, then "... (N more)").
  void LogCommand(std::span<const std::string_view> argv);
  // "<reply> " and the reply's human form.
  void LogReply(std::string_view reply);
  void SendLogs();

  // The line hook's work (the hook itself is the engine's).
  void OnLine(lua_State* L, lua_Debug* ar);
  // redis.breakpoint(): stop at the next line. False outside a session.
  bool RequestBreak();
  // redis.debug(...): logs "<debug> line N: " and the arguments' values.
  void DebugLog(lua_State* L);

  // The debugger's value representation (Redis's ldbCatStackValue) of the value at `idx`.
  static void AppendValue(std::string& out, lua_State* L, int idx, int level = 0);

 private:
  // Reads and runs debugger commands until one resumes the script. False when the client
  // went away (the script then runs on without stops).
  bool Repl(lua_State* L);
  const std::string& SourceLine(int line) const;
  bool IsBreakpoint(int line) const;
  bool AddBreakpoint(int line);
  bool DelBreakpoint(int line);
  void LogSourceLine(int line);
  void List(int around, int context);
  void Print(lua_State* L, const std::string& name);
  void PrintAll(lua_State* L);
  void Break(const std::vector<std::string>& argv);
  void Eval(lua_State* L, const std::vector<std::string>& argv);
  void Redis(lua_State* L, const std::vector<std::string>& argv);
  void Trace(lua_State* L);
  void Maxlen(const std::vector<std::string>& argv);
  void Help();

  LdbChannel* channel_ = nullptr;
  bool active_ = false;
  bool rollback_ = false;
  std::vector<std::string> logs_;
  std::vector<int> bp_;
  bool step_ = false;
  bool luabp_ = false;
  std::vector<std::string> src_;
  int current_line_ = -1;
  std::string cbuf_;
  size_t maxlen_ = kDefaultMaxLen;
  bool maxlen_hint_sent_ = false;
  int64_t time_limit_ms_ = 5000;
  int64_t start_us_ = 0;
};

}  // namespace duet::scripting
