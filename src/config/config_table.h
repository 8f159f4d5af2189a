// ConfigTable: the one table of directives. It reads Redis-format config files and
// `--directive value` command-line overrides into a Config, and serves CONFIG GET / SET /
// REWRITE.
//
// Every Redis 7.0 directive is known to the table. Implemented ones are bound to a Config
// field; recognised-but-unsupported ones are accepted, remembered, reported once at startup
// (ReportUnsupported) and answered by CONFIG GET with their value. Unknown directives and
// bad values fail the load with Redis's "*** FATAL CONFIG FILE ERROR ***" report.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace duet {

class ConfigTable {
 public:
  enum class Kind { kBool, kInt, kMemory, kEnum, kString, kList, kSpecial };
  enum Flags : unsigned {
    kNone = 0,
    kImmutable = 1 << 0,    // CONFIG SET refuses it
    kSensitive = 1 << 1,    // never logged (requirepass, masterauth)
    kUnsupported = 1 << 2,  // recognised, value kept, no effect
    kMultiArg = 1 << 3,     // takes several arguments (save, client-output-buffer-limit)
  };

  struct Directive {
    std::string name;
    std::string alias;
    Kind kind = Kind::kString;
    unsigned flags = kNone;
    int64_t min = 0, max = 0;                 // kInt / kMemory bounds
    std::vector<std::string> enum_values;     // kEnum
    // Reads the current value as CONFIG GET prints it.
    std::function<std::string(const Config&)> get;
    // Parses and stores a value; returns an error message (Redis's wording) or "".
    std::function<std::string(Config&, const std::vector<std::string>& args)> set;
  };

  explicit ConfigTable(Config* config);

  // Loads a config file (follows `include`). On error the Status carries the full
  // "*** FATAL CONFIG FILE ERROR ***" report that Redis prints.
  Status LoadFile(const std::string& path);
  // Applies configuration text (the file body, or the command-line options joined as lines).
  Status LoadString(const std::string& text, const std::string& source_name);
  // Turns argv (after the optional config path) into config lines: "--port 6380 --save ''".
  static Status ArgsToConfigText(int argc, char** argv, int first, std::string* text);

  // CONFIG GET: every (name, value) whose name or alias matches any glob pattern.
  std::vector<std::pair<std::string, std::string>> Get(
      const std::vector<std::string_view>& patterns) const;
  // CONFIG SET name value [name value ...], atomically; returns "" or Redis's error text.
  std::string Set(const std::vector<std::pair<std::string, std::string>>& pairs);
  // CONFIG REWRITE: rewrites the config file keeping comments and unknown lines.
  Status Rewrite() const;

  // Logs (once) the directives that were set but have no effect in duet.
  void ReportUnsupported() const;

  // Called after a directive changed through CONFIG SET (name is canonical).
  void SetApplyHook(std::function<std::string(const std::string& name)> hook) {
    apply_hook_ = std::move(hook);
  }

  const Directive* Find(std::string_view name) const;

 private:
  void Register(Directive d);
  void RegisterAll();
  std::string ApplyLine(const std::vector<std::string>& argv);

  Config* config_;
  std::vector<Directive> directives_;
  std::map<std::string, size_t, std::less<>> by_name_;  // name and alias -> index
  std::map<std::string, std::string> unsupported_values_;  // directive -> value as given
  std::function<std::string(const std::string&)> apply_hook_;
};

}  // namespace duet
