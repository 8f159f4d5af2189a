#include "scripting/function_store.h"

#include "common/strutil.h"

namespace duet::scripting {

namespace {

// Redis's functionExtractLibMetaData: "#!<engine> name=<lib>" then a line feed.
bool ParseMetadata(std::string_view code, std::string* engine, std::string* name,
                   size_t* shebang_len, std::string* err) {
  if (!code.starts_with("#!")) {
    *err = "Missing library metadata";
    return false;
  }
  size_t nl = code.find('\n');
  if (nl == std::string_view::npos) {
    *err = "Invalid library metadata";
    return false;
  }
  std::vector<std::string> parts;
  if (!SplitArgs(code.substr(0, nl), &parts) || parts.empty()) {
    *err = "Invalid library metadata";
    return false;
  }
  *engine = parts[0].substr(2);
  bool have_name = false;
  for (size_t i = 1; i < parts.size(); i++) {
    if (parts[i].size() >= 5 &&
        EqualsIgnoreCase(std::string_view(parts[i]).substr(0, 5), "name=")) {
      if (have_name) {
        *err = "Invalid metadata value, name argument was given multiple times";
        return false;
      }
      *name = parts[i].substr(5);
      have_name = true;
      continue;
    }
    *err = "Invalid metadata value given: " + parts[i];
    return false;
  }
  if (!have_name) {
    *err = "Library name was not given";
    return false;
  }
  *shebang_len = nl;
  return true;
}

// The metadata checks of FUNCTION LOAD, in Redis's order: the shebang, the library name,
// the engine (matched case-insensitively, as Redis's engine dict).
bool CheckMetadata(std::string_view code, std::string* name, size_t* shebang_len,
                   std::string* err) {
  std::string engine;
  if (!ParseMetadata(code, &engine, name, shebang_len, err)) return false;
  if (!IsValidFunctionName(*name)) {
    *err = kBadNameError;
    return false;
  }
  if (!EqualsIgnoreCase(engine, "lua")) {
    *err = "Engine '" + engine + "' not found";
    return false;
  }
  return true;
}

}  // namespace

bool IsValidFunctionName(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

FunctionStore::FunctionStore()
    : engine_(std::make_unique<LuaEngine>(LuaEngine::Mode::kFunctions)) {}

FunctionStore::~FunctionStore() = default;

std::unique_ptr<Library> FunctionStore::Create(std::string_view code, int64_t timeout_ms,
                                               std::string* err) {
  std::string name;
  size_t shebang_len;
  if (!CheckMetadata(code, &name, &shebang_len, err)) return nullptr;
  auto lib = std::make_unique<Library>();
  lib->name = name;
  lib->code.assign(code);
  if (!engine_->LoadLibrary(code.substr(shebang_len), timeout_ms, &lib->functions, err)) {
    return nullptr;
  }
  if (lib->functions.empty()) {
    *err = "No functions registered";
    return nullptr;
  }
  return lib;
}

void FunctionStore::Link(std::unique_ptr<Library> lib) {
  Library* l = lib.get();
  for (const RegisteredFunction& f : l->functions) index_[ToLower(f.name)] = {l, &f};
  libs_[l->name] = std::move(lib);
}

std::unique_ptr<Library> FunctionStore::Unlink(const std::string& name) {
  auto it = libs_.find(name);
  if (it == libs_.end()) return nullptr;
  std::unique_ptr<Library> lib = std::move(it->second);
  libs_.erase(it);
  for (const RegisteredFunction& f : lib->functions) index_.erase(ToLower(f.name));
  return lib;
}

void FunctionStore::Free(std::unique_ptr<Library> lib) {
  if (!lib) return;
  for (const RegisteredFunction& f : lib->functions) engine_->Unref(f.fn_ref);
}

bool FunctionStore::Load(std::string_view code, bool replace, int64_t timeout_ms, std::string* name,
                         std::string* err) {
  std::string lib_name;
  size_t shebang_len;
  if (!CheckMetadata(code, &lib_name, &shebang_len, err)) return false;
  if (libs_.count(lib_name) && !replace) {
    *err = "Library '" + lib_name + "' already exists";
    return false;
  }
  std::unique_ptr<Library> old = Unlink(lib_name);
  std::unique_ptr<Library> lib = Create(code, timeout_ms, err);
  if (lib) {
    for (const RegisteredFunction& f : lib->functions) {
      if (index_.count(ToLower(f.name))) {
        *err = "Function " + f.name + " already exists";
        Free(std::move(lib));
        break;
      }
    }
  }
  if (!lib) {
    if (old) Link(std::move(old));
    return false;
  }
  *name = lib->name;
  Link(std::move(lib));
  Free(std::move(old));
  return true;
}

bool FunctionStore::Delete(std::string_view name) {
  std::unique_ptr<Library> lib = Unlink(std::string(name));
  if (!lib) return false;
  Free(std::move(lib));
  return true;
}

void FunctionStore::Flush() {
  while (!libs_.empty()) Delete(libs_.begin()->first);
}

FunctionRef FunctionStore::Find(std::string_view name) const {
  auto it = index_.find(ToLower(name));
  return it == index_.end() ? FunctionRef{nullptr, nullptr} : it->second;
}

std::vector<std::string_view> FunctionStore::Codes() const {
  std::vector<std::string_view> codes;
  codes.reserve(libs_.size());
  for (const auto& [name, lib] : libs_) codes.push_back(lib->code);
  return codes;
}

bool FunctionStore::Restore(const std::vector<std::string>& codes, RestorePolicy policy,
                            std::string* err) {
  // Build the new libraries in a scratch store.
  std::vector<std::unique_ptr<Library>> loaded;
  std::unordered_map<std::string, bool> seen_fn;
  std::unordered_map<std::string, bool> seen_lib;
  for (const std::string& code : codes) {
    std::unique_ptr<Library> lib = Create(code, 0, err);
    if (!lib) {
      for (auto& l : loaded) Free(std::move(l));
      return false;
    }
    bool dup = seen_lib.count(lib->name) > 0;
    if (dup) *err = "Library '" + lib->name + "' already exists";
    for (const RegisteredFunction& f : lib->functions) {
      if (!dup && seen_fn.count(ToLower(f.name))) {
        *err = "Function " + f.name + " already exists";
        dup = true;
      }
      seen_fn[ToLower(f.name)] = true;
    }
    seen_lib[lib->name] = true;
    loaded.push_back(std::move(lib));
    if (dup) {
      for (auto& l : loaded) Free(std::move(l));
      return false;
    }
  }
  if (policy == RestorePolicy::kFlush) {
    Flush();
  } else {
    // Redis's libraryJoin: library name clashes fail APPEND; REPLACE swaps them out; then
    // any function name clash with what stays fails.
    std::vector<std::unique_ptr<Library>> replaced;
    bool failed = false;
    for (const auto& lib : loaded) {
      if (!libs_.count(lib->name)) continue;
      if (policy == RestorePolicy::kAppend) {
        *err = "Library " + lib->name + " already exists";
        failed = true;
        break;
      }
      replaced.push_back(Unlink(lib->name));
    }
    if (!failed) {
      for (const auto& lib : loaded) {
        for (const RegisteredFunction& f : lib->functions) {
          if (index_.count(ToLower(f.name))) {
            *err = "Function " + f.name + " already exists";
            failed = true;
          }
          if (failed) break;
        }
        if (failed) break;
      }
    }
    if (failed) {
      for (auto& l : replaced) Link(std::move(l));
      for (auto& l : loaded) Free(std::move(l));
      return false;
    }
    for (auto& l : replaced) Free(std::move(l));
  }
  for (auto& l : loaded) Link(std::move(l));
  return true;
}

uint64_t FunctionStore::OverheadBytes() const {
  uint64_t n = 0;
  for (const auto& [name, lib] : libs_) {
    n += sizeof(Library) + name.size() + lib->code.size();
    for (const RegisteredFunction& f : lib->functions) {
      n += sizeof(RegisteredFunction) + f.name.size() + f.description.size();
    }
  }
  return n + index_.size() * 32;
}

}  // namespace duet::scripting
