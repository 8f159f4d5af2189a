// FunctionStore: the FUNCTION libraries of one server (Redis 7.0.15's functions.c): each
// library is its code ("#!lua name=<lib>\n..."), loaded by running it in the functions-mode
// LuaEngine, and the functions it registered; function names are unique across libraries
// (looked up case-insensitively, as Redis's dict). The RDB form of the libraries (FUNCTION
// DUMP/RESTORE payloads, RDB files) is persistence/function_payload.h's: this class deals in
// library codes only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scripting/lua_engine.h"

namespace duet::scripting {

struct Library {
  std::string name;
  std::string code;  // the whole payload, shebang included
  std::vector<RegisteredFunction> functions;
};

struct FunctionRef {
  const Library* library;
  const RegisteredFunction* function;
};

class FunctionStore {
 public:
  FunctionStore();
  ~FunctionStore();

  // FUNCTION LOAD: on success sets *name to the library's name; else *err is the reply
  // error (without the "ERR " code). `timeout_ms` bounds the library code's run (0: none).
  bool Load(std::string_view code, bool replace, int64_t timeout_ms, std::string* name,
            std::string* err);
  // FUNCTION DELETE; false when there is no such library.
  bool Delete(std::string_view name);
  void Flush();
  // The function called `name` (any case), or {nullptr, nullptr}.
  FunctionRef Find(std::string_view name) const;
  // Libraries by name.
  const std::map<std::string, std::unique_ptr<Library>>& libraries() const { return libs_; }
  size_t num_functions() const { return index_.size(); }

  // The code of every library, in name order (what FUNCTION DUMP and RDB files hold).
  std::vector<std::string_view> Codes() const;
  enum class RestorePolicy { kAppend, kReplace, kFlush };
  // FUNCTION RESTORE of libraries given by their codes: all of them are created first; any
  // failure (bad code, a library or function name used twice among them, and under kAppend /
  // kReplace a clash with the libraries kept) changes nothing and returns false with the
  // reply error (without "ERR ") in *err. kFlush replaces every library.
  bool Restore(const std::vector<std::string>& codes, RestorePolicy policy, std::string* err);

  LuaEngine& engine() { return *engine_; }
  // INFO: used_memory_vm_functions and the store's own overhead (used_memory_functions).
  uint64_t VmMemoryBytes() const { return engine_->MemoryBytes(); }
  uint64_t OverheadBytes() const;

 private:
  // Parses the library code into a Library (not linked yet).
  std::unique_ptr<Library> Create(std::string_view code, int64_t timeout_ms, std::string* err);
  void Link(std::unique_ptr<Library> lib);
  std::unique_ptr<Library> Unlink(const std::string& name);
  void Free(std::unique_ptr<Library> lib);

  std::unique_ptr<LuaEngine> engine_;
  std::map<std::string, std::unique_ptr<Library>> libs_;
  std::unordered_map<std::string, FunctionRef> index_;  // lower-case function name
};

}  // namespace duet::scripting
