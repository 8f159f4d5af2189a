// ConfigTable: the one table of directives. It reads Redis-format config files into a Config
// and serves CONFIG GET / SET / REWRITE with Redis 7.0's names, value formats, validation and
// error texts.
//
// Every Redis 7.0 directive is in the table (config_directives.cc). Directives duet acts on
// are bound to a Config field; the others keep their value in Config::other and are flagged
// kNoEffect: accepted, validated exactly as Redis validates them, answered by CONFIG GET and
// rewritten by CONFIG REWRITE, and reported once at startup when set (ReportUnsupported).
//
// Threading: used by the event-loop thread only (and by main before the loop starts).
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace duet {

class RewriteState;

class ConfigTable {
 public:
  enum class Type { kBool, kNumeric, kEnum, kString, kSpecial };
  enum Flags : unsigned {
    kNone = 0,
    kImmutable = 1 << 0,    // CONFIG SET refuses it ("can't set immutable config")
    kSensitive = 1 << 1,    // value never logged (requirepass, masterauth...)
    kHidden = 1 << 2,       // CONFIG GET matches it by exact name only, never by a pattern
    kProtected = 1 << 3,    // CONFIG SET needs enable-protected-configs (dir, dbfilename)
    kDenyLoading = 1 << 4,  // CONFIG SET refused while loading the dataset
    kMultiArg = 1 << 5,     // takes several arguments (save, bind, client-output-buffer-limit)
    kNoEffect = 1 << 6,     // recognised and kept, but duet does not act on it
    kNullIfEmpty = 1 << 7,  // string: "" means unset (CONFIG REWRITE then omits it)
  };
  // Numeric value kinds, as Redis's numeric config flags.
  enum NumFlags : unsigned {
    kMemory = 1 << 0,    // accepts 1gb/10mb units; printed in bytes
    kPercent = 1 << 1,   // accepts "N%", stored negated
    kOctal = 1 << 2,     // parsed and printed in octal (unixsocketperm)
    kUnsigned = 1 << 3,  // bounds checked as unsigned (Redis's uint/size_t/ull configs)
  };

  struct Directive {
    std::string name;
    std::string alias;  // e.g. hash-max-ziplist-entries; "" if none
    Type type = Type::kString;
    unsigned flags = kNone;
    // kNumeric: bounds (as Redis prints them in errors) and value kind.
    long long min = 0, max = 0;
    unsigned num_flags = 0;
    // kEnum: names and values in Redis's order; bitflags for shutdown-on-sig*.
    std::vector<std::pair<std::string, int>> enum_values;
    bool enum_bitflags = false;
    // The value as CONFIG GET prints it.
    std::function<std::string(const Config&)> get;
    // Parses and stores a value (argv after the name); returns "" or Redis's error text.
    std::function<std::string(Config&, const std::vector<std::string>&)> set;
    // Numeric/bool/enum/string internals for CONFIG REWRITE: the value and the default.
    std::function<long long(const Config&)> get_num;
    long long default_num = 0;
    std::string default_text;  // bool/enum/string default as printed; "" for null strings
  };

  // Options of one CONFIG SET call.
  struct SetOptions {
    bool local_client = false;  // for enable-protected-configs local
    bool loading = false;       // the server is loading its dataset
  };

  explicit ConfigTable(Config* config);

  // Loads one config file (Redis's loadServerConfig; follows `include`). Errors are either the
  // full "*** FATAL CONFIG FILE ERROR ***" report (message starts with '\n') or the
  // "Fatal error, can't open config file" line Redis logs.
  Status LoadFile(const std::string& path);
  // Applies configuration text (Redis's loadServerConfigFromString): file body, stdin and
  // command-line options joined. Line numbers in errors count lines of `text`.
  Status LoadString(const std::string& text);
  // True when a Status from LoadFile/LoadString is a FATAL report (printed to stderr) rather
  // than a log line.
  static bool IsFatalReport(const Status& st) {
    return !st.ok() && !st.message().empty() && st.message()[0] == '\n';
  }

  // CONFIG GET: (name, value) pairs for every pattern. A pattern without glob characters is
  // an exact, case-insensitive lookup reported under the name as given; a glob pattern
  // matches names and aliases (case-insensitively), hidden directives excluded. Each
  // directive name appears once.
  std::vector<std::pair<std::string, std::string>> Get(
      const std::vector<std::string_view>& patterns) const;
  // The value of one directive as CONFIG GET prints it; "" if unknown.
  std::string GetValue(std::string_view name) const;

  // CONFIG SET name value [name value ...], atomically: either every pair is applied or the
  // configuration is left as it was. Returns "" or Redis's complete error text ("ERR ...").
  std::string Set(const std::vector<std::pair<std::string, std::string>>& pairs,
                  const SetOptions& opts);

  // CONFIG REWRITE: rewrites config_file keeping comments, unknown lines and the position of
  // each directive; `force_all` writes directives at their defaults too (DEBUG
  // CONFIG-REWRITE-FORCE-ALL). Returns "" or the error text ("ERR ...").
  std::string Rewrite(bool force_all = false) const;

  // Logs (once per directive) those that were set but have no effect in duet.
  void ReportUnsupported() const;

  // Called after a directive changed through CONFIG SET with its canonical name; returns ""
  // or an error text, in which case the whole CONFIG SET is rolled back.
  void SetApplyHook(std::function<std::string(const std::string& name)> hook) {
    apply_hook_ = std::move(hook);
  }

  // Tells `rename-command` which commands exist, so the file loader can refuse unknown
  // commands and taken names as Redis does. Without it renames are recorded unchecked.
  void SetCommandLookup(std::function<bool(std::string_view)> exists) {
    command_exists_ = std::move(exists);
  }

  // Validates `user` directives as they are read (argv is the whole line, "user" first):
  // returns "" or the error of the FATAL report. Without it the lines are kept unchecked.
  void SetUserValidator(std::function<std::string(const std::vector<std::string>&)> check) {
    user_validator_ = std::move(check);
  }
  // CONFIG REWRITE's `user` lines ("user <name> <rules>", none when an aclfile holds the
  // users): with a provider set they replace the file's `user` lines, as Redis rewrites them.
  void SetUserLinesProvider(std::function<std::vector<std::string>()> provider) {
    user_lines_ = std::move(provider);
  }

  // Whether a directive's value is a secret (requirepass, masterauth, masteruser, TLS key
  // passphrases): CONFIG SET arguments naming one must be redacted in SLOWLOG and MONITOR.
  // Case-insensitive; works without a table (for the dispatcher's redaction).
  static bool IsSensitive(std::string_view name);

  // Looks a directive up by name or alias (case-insensitive); nullptr if unknown.
  const Directive* Find(std::string_view name) const;
  const std::vector<Directive>& directives() const { return directives_; }
  // Module settings ("module.param value") seen while loading; duet loads no modules.
  const std::vector<std::string>& module_configs() const { return module_configs_; }

 private:
  void Register(Directive d);
  void RegisterAll();
  void RegisterSpecials();
  // Applies one parsed line; returns "" or the error text for the FATAL report.
  std::string ApplyLine(std::vector<std::string>& argv, int lineno, const std::string& line);
  std::string CheckAfterLoad();
  void RewriteDirective(const Directive& d, RewriteState& state) const;

  Config* config_;
  std::vector<Directive> directives_;
  std::map<std::string, size_t, std::less<>> by_name_;  // lower-case name and alias -> index
  std::function<std::string(const std::string&)> apply_hook_;
  bool reading_file_ = false;  // `save` lines accumulate while reading a config file
  bool save_loaded_ = false;   // the first `save` line of the files replaces the defaults
  std::vector<std::string> set_in_file_;     // directives set by the files/command line
  std::vector<std::string> module_configs_;  // "name.param" lines (no modules in duet)
  std::function<bool(std::string_view)> command_exists_;
  std::function<std::string(const std::vector<std::string>&)> user_validator_;
  std::function<std::vector<std::string>()> user_lines_;
  std::set<std::string> renamed_away_, renamed_to_;  // rename-command effects so far
};

}  // namespace duet
