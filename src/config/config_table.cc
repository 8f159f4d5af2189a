#include "config/config_table.h"

#include <glob.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "common/glob.h"
#include "common/log.h"
#include "common/strutil.h"
#include "config/config_values.h"

namespace duet {

namespace {
constexpr const char* kRedisVersion = "7.0.15";

std::string FatalReport(int lineno, const std::string& line, const std::string& err) {
  std::string out =
      "\n*** FATAL CONFIG FILE ERROR (Redis " + std::string(kRedisVersion) + ") ***\n";
  if (lineno > 0) {
    out += "Reading the configuration file, at line " + std::to_string(lineno) + "\n";
    out += ">>> '" + line + "'\n";
  }
  return out + err;
}

bool HasGlob(std::string_view s) { return s.find_first_of("[*?") != std::string_view::npos; }

// Reads a whole file as Redis does (fgets loop); false if it cannot be opened.
bool ReadFileText(const std::string& path, std::string* out) {
  FILE* f = fopen(path.c_str(), "r");
  if (!f) return false;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  fclose(f);
  return true;
}
}  // namespace

ConfigTable::ConfigTable(Config* config) : config_(config) { RegisterAll(); }

void ConfigTable::Register(Directive d) {
  size_t idx = directives_.size();
  by_name_[d.name] = idx;
  if (!d.alias.empty()) by_name_[d.alias] = idx;
  directives_.push_back(std::move(d));
}

bool ConfigTable::IsSensitive(std::string_view name) {
  // Kept equal to the kSensitive flags of the table (checked by a unit test).
  for (const char* n : {"requirepass", "masterauth", "masteruser", "tls-key-file-pass",
                        "tls-client-key-file-pass"}) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

const ConfigTable::Directive* ConfigTable::Find(std::string_view name) const {
  auto it = by_name_.find(ToLower(name));
  return it == by_name_.end() ? nullptr : &directives_[it->second];
}

Status ConfigTable::LoadFile(const std::string& path) {
  std::string text;
  // A pattern includes every matching file; no match is not an error (empty conf.d).
  if (HasGlob(path)) {
    glob_t g;
    if (glob(path.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; i++) {
        if (!ReadFileText(g.gl_pathv[i], &text)) {
          std::string msg = "Fatal error, can't open config file '" + std::string(g.gl_pathv[i]) +
                            "': " + strerror(errno);
          globfree(&g);
          return Status::Error(msg);
        }
      }
      globfree(&g);
    }
  } else if (!ReadFileText(path, &text)) {
    return Status::Error("Fatal error, can't open config file '" + path + "': " + strerror(errno));
  }
  return LoadString(text);
}

Status ConfigTable::LoadString(const std::string& text) {
  bool was_reading = reading_file_;
  reading_file_ = true;
  // Lines are split on '\n' only and trimmed of " \t\r\n", as sdssplitlen + sdstrim do.
  size_t start = 0;
  int lineno = 0;
  Status result;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    lineno++;
    size_t b = line.find_first_not_of(" \t\r\n");
    line = b == std::string::npos ? "" : line.substr(b, line.find_last_not_of(" \t\r\n") - b + 1);
    if (line.empty() || line[0] == '#') continue;
    std::optional<std::vector<std::string>> argv = SplitConfigArgs(line);
    std::string err;
    if (!argv) {
      err = "Unbalanced quotes in configuration line";
    } else if (argv->empty()) {
      continue;
    } else {
      ToLowerInPlace((*argv)[0]);
      if ((*argv)[0] == "include" && argv->size() == 2) {
        Status st = LoadFile((*argv)[1]);
        if (!st.ok()) {
          result = st;
          break;
        }
        continue;
      }
      err = ApplyLine(*argv, lineno, line);
    }
    if (!err.empty()) {
      result = Status::Error(FatalReport(lineno, line, err));
      break;
    }
  }
  if (result.ok()) {
    std::string err = CheckAfterLoad();
    if (!err.empty()) result = Status::Error(FatalReport(0, "", err));
  }
  reading_file_ = was_reading;
  return result;
}

std::string ConfigTable::ApplyLine(std::vector<std::string>& argv, int lineno,
                                   const std::string& line) {
  const std::string& name = argv[0];
  if (const Directive* d = Find(name)) {
    if (!(d->flags & kMultiArg) && argv.size() != 2) return "wrong number of arguments";
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    // A multi-argument directive given as one quoted argument ("--save '900 1'") is split
    // on spaces, as CONFIG SET does.
    if ((d->flags & kMultiArg) && args.size() == 1 && !args[0].empty()) {
      args = SplitOnSpaces(args[0]);
    }
    return d->set(*config_, args);
  }
  // Directives Redis 7.0 still accepts and ignores.
  if ((name == "list-max-ziplist-entries" || name == "list-max-ziplist-value" ||
       name == "lua-replicate-commands") &&
      argv.size() == 2) {
    return "";
  }
  if (name == "rename-command" && argv.size() == 3) {
    if (command_exists_) {
      auto exists = [&](const std::string& n) {
        return renamed_to_.count(n) || (command_exists_(n) && !renamed_away_.count(n));
      };
      std::string from = ToLower(argv[1]), to = ToLower(argv[2]);
      if (!exists(from)) return "No such command in rename-command";
      renamed_away_.insert(from);
      renamed_to_.erase(from);
      if (!to.empty()) {
        if (exists(to)) return "Target command name already exists";
        renamed_to_.insert(to);
        renamed_away_.erase(to);
      }
    }
    config_->rename_commands.emplace_back(argv[1], argv[2]);
    return "";
  }
  if (name == "user" && argv.size() >= 2) {
    // Checked now (server/acl.h), created when the server starts (after the whole file).
    if (user_validator_) {
      std::string err = user_validator_(argv);
      if (!err.empty()) return err;
    }
    std::string& v = config_->other["user"];
    v += (v.empty() ? "" : "\n") + line;
    return "";
  }
  if (name == "loadmodule" && argv.size() >= 2) {
    std::string& v = config_->other["loadmodule"];
    if (v.empty()) v = argv[1];
    return "";
  }
  if (name.find('.') != std::string::npos) {
    if (argv.size() != 2) return "Module config specified without value";
    module_configs_.push_back(name);
    return "";
  }
  if (name == "sentinel") {
    // A bare `sentinel` line only matters to redis-sentinel; anything else is an error.
    return argv.size() != 1 ? "sentinel directive while not in sentinel mode" : "";
  }
  (void)lineno;
  return "Bad directive or wrong number of arguments";
}

std::string ConfigTable::CheckAfterLoad() {
  if (!config_->logfile.empty()) {
    // Check now that the log file can be opened: the server could not report it later.
    FILE* f = fopen(config_->logfile.c_str(), "a");
    if (!f) return std::string("Can't open the log file: ") + strerror(errno);
    fclose(f);
  }
  if (GetValue("cluster-enabled") == "yes" && !GetValue("replicaof").empty()) {
    return "replicaof directive not allowed in cluster mode";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> ConfigTable::Get(
    const std::vector<std::string_view>& patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;  // lower-case keys already in the reply
  for (std::string_view p : patterns) {
    if (!HasGlob(p)) {
      std::string key = ToLower(p);
      if (seen.count(key)) continue;
      if (const Directive* d = Find(p)) {
        // An exact lookup answers under the name as the client spelled it.
        out.emplace_back(std::string(p), d->get(*config_));
        seen.insert(key);
      }
      continue;
    }
    for (const Directive& d : directives_) {
      if (d.flags & kHidden) continue;
      for (const std::string* key : {&d.name, &d.alias}) {
        if (key->empty() || seen.count(*key) || !GlobMatch(p, *key, true)) continue;
        out.emplace_back(*key, d.get(*config_));
        seen.insert(*key);
      }
    }
  }
  return out;
}

std::string ConfigTable::GetValue(std::string_view name) const {
  const Directive* d = Find(name);
  return d ? d->get(*config_) : "";
}

std::string ConfigTable::Set(const std::vector<std::pair<std::string, std::string>>& pairs,
                             const SetOptions& opts) {
  std::string invalid_arg, err_arg, errstr;
  bool invalid = false, deny_loading = false, unknown = false;
  std::vector<const Directive*> targets(pairs.size(), nullptr);
  std::vector<std::string> keys(pairs.size());
  std::string protect = GetValue("enable-protected-configs");
  bool protected_ok = protect == "yes" || (protect == "local" && opts.local_client);
  for (size_t i = 0; i < pairs.size(); i++) {
    const std::string& name = pairs[i].first;
    const Directive* d = Find(name);
    if (!d) {
      if (!invalid) {
        invalid_arg = name;
        invalid = unknown = true;
      }
      continue;
    }
    if (invalid) continue;
    if ((d->flags & kImmutable) || ((d->flags & kProtected) && !protected_ok)) {
      errstr =
          (d->flags & kImmutable) ? "can't set immutable config" : "can't set protected config";
      err_arg = name;
      invalid = true;
      continue;
    }
    if (opts.loading && (d->flags & kDenyLoading)) {
      deny_loading = invalid = true;
      continue;
    }
    // A name and its alias are distinct entries (as in Redis); the same name twice is not.
    keys[i] = ToLower(name);
    for (size_t j = 0; j < i; j++) {
      if (targets[j] && keys[j] == keys[i]) {
        errstr = "duplicate parameter";
        err_arg = name;
        invalid = true;
        break;
      }
    }
    targets[i] = d;
  }

  if (!invalid) {
    Config backup = *config_;
    std::vector<std::string> changed;
    for (size_t i = 0; i < pairs.size() && !invalid; i++) {
      const Directive* d = targets[i];
      std::vector<std::string> args = (d->flags & kMultiArg)
                                          ? SplitOnSpaces(pairs[i].second)
                                          : std::vector<std::string>{pairs[i].second};
      std::string before = d->get(backup);
      std::string e = d->set(*config_, args);
      if (!e.empty()) {
        errstr = e;
        err_arg = keys[i] == d->alias ? d->alias : d->name;
        invalid = true;
      } else if (d->get(*config_) != before &&
                 std::find(changed.begin(), changed.end(), d->name) == changed.end()) {
        changed.push_back(d->name);
      }
    }
    for (size_t i = 0; i < changed.size() && !invalid && apply_hook_; i++) {
      std::string e = apply_hook_(changed[i]);
      if (!e.empty()) {
        Log(LogLevel::kWarning,
            "Failed applying new configuration. Possibly related to new {} setting. Restoring "
            "previous settings.",
            changed[i]);
        errstr = e;
        err_arg = changed[i];
        invalid = true;
      }
    }
    if (!invalid) return "";
    // Roll back: `dir` has a side effect (the working directory), the rest is the copy.
    if (Find("dir")->get(*config_) != backup.dir && !backup.dir.empty()) {
      std::vector<std::string> old_dir{backup.dir};
      Find("dir")->set(*config_, old_dir);
    }
    *config_ = backup;
    for (const std::string& name : changed) {
      if (apply_hook_) apply_hook_(name);
    }
  }

  if (deny_loading) return "LOADING Redis is loading the dataset in memory";
  if (unknown) {
    return "ERR Unknown option or number of arguments for CONFIG SET - '" + invalid_arg + "'";
  }
  if (!errstr.empty()) {
    return "ERR CONFIG SET failed (possibly related to argument '" + err_arg + "') - " + errstr;
  }
  return "ERR CONFIG SET failed (possibly related to argument '" + err_arg + "')";
}

void ConfigTable::ReportUnsupported() const {
  Config defaults;
  for (const Directive& d : directives_) {
    if (!(d.flags & kNoEffect) || d.get(*config_) == d.get(defaults)) continue;
    Log(LogLevel::kWarning,
        "Config directive '{}' is recognised but has no effect in duet (value kept for CONFIG "
        "GET/REWRITE)",
        d.name);
  }
  for (const std::string& name : module_configs_) {
    Log(LogLevel::kWarning, "Module config '{}' ignored: duet does not load modules", name);
  }
}

}  // namespace duet
