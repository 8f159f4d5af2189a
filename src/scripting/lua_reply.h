// Conversions between Redis replies and Lua values, as Redis 7.0.15's script_lua.c makes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"
#include "protocol/reply_sink.h"

struct lua_State;

namespace duet::scripting {

// Pushes the Lua value of one RESP2/RESP3 reply (`resp` holds exactly one, as produced by
// the reply builder): integers -> numbers, bulk -> strings, null bulk/array -> false (RESP2)
// or nil (RESP3 null), status -> {ok=...}, error -> {err=...} (with
// ignore_error_stats_update), arrays -> tables, maps -> {map={...}}, sets -> {set={...}},
// doubles -> {double=n}, big numbers -> {big_number=s}, verbatim -> {verbatim_string=...},
// booleans -> booleans; attributes are skipped. `resp3`: the reply is RESP3 (RESP2 has no
// null inside an array).
void PushReply(lua_State* L, std::string_view resp, bool resp3);

// Builds the Lua value of one command's reply while the command writes it: the value
// PushReply would push from the reply's bytes, without writing and parsing them. Values
// land above the stack's top at Begin; a Lua stack overflow is raised only by Finish
// (after the command: nothing raises while it runs). One reply at a time.
class LuaReplySink final : public ReplySink {
 public:
  // The stack room the caller makes sure of before Begin (lua_checkstack): the command's
  // arguments stay on the stack while the reply is built above them (the bytes path pops
  // them first), so with a stack that full the caller takes the bytes path instead. Deeper
  // aggregates check for more as they open.
  static constexpr int kRoom = 64;
  void Begin(lua_State* L, bool resp3);
  // Ends the reply: `rest` holds what the command wrote after the builder dropped the sink
  // (reply_sink.h), parsed here; leaves exactly one value above Begin's top (nil for an
  // empty reply) and returns true when it is an error table.
  bool Finish(std::string_view rest);
  // The command was not run: drops anything pushed.
  void Abandon();
  bool active() const { return L_ != nullptr; }

  void Status(std::string_view s) override;
  void Error(std::string_view msg) override;
  void Integer(int64_t v) override;
  void Bulk(std::string_view s) override;
  void NullBulk() override;
  void Null() override;
  void Header(char type, size_t n) override;
  void Double(double v) override;
  void Bool(bool v) override;
  void BigNumber(std::string_view s) override;
  void Verbatim(std::string_view s, std::string_view fmt) override;

 private:
  // An aggregate being filled: its table is at the top of the stack (a map's or set's inner
  // table, above the outer one and its key).
  struct Frame {
    char type;
    bool have_key;  // a map's key is on the stack, waiting for its value
    int index;      // an array's elements set so far
    size_t left;    // elements (map: pairs) still to come
  };
  // Room for the next value; false (and nothing pushed from now on) past Lua's stack limit.
  bool Room();
  // The value at the top of the stack is complete: into the open aggregate (closing those
  // it completes), or the reply's value.
  void Complete();

  lua_State* L_ = nullptr;
  bool resp3_ = false;
  bool overflow_ = false;
  bool first_error_ = false;
  int base_ = 0;
  int values_ = 0;  // complete top-level values (a command writes one)
  std::vector<Frame> frames_;
};

// Writes the value at the top of the stack as a reply and pops it. `script_resp` is the
// protocol the script chose (redis.setresp): it decides how booleans reply.
void WriteLuaValue(lua_State* L, int script_resp, ReplyBuilder& out);

// Pushes the table redis.pcall returns for an error (Redis's luaPushErrorBuff): "-CODE msg"
// keeps its code, text without '-' gets ERR; CR/LF at the ends are trimmed.
void PushErrorTable(lua_State* L, std::string_view error);

// The error reply of a failed script run, from the error object at the top of the stack
// (popped): "<err> script: <name>, on <source>:<line>." (Redis's luaCallFunction).
void WriteRunError(lua_State* L, std::string_view funcname, ReplyBuilder& out);

}  // namespace duet::scripting
