#include "config/config_table.h"

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "common/strutil.h"
#include "config/config_values.h"
#include "protocol/request_parser.h"

namespace duet {

ConfigTable::ConfigTable(Config* config) : config_(config) { RegisterAll(); }

void ConfigTable::Register(Directive d) {
  size_t idx = directives_.size();
  by_name_[d.name] = idx;
  if (!d.alias.empty()) by_name_[d.alias] = idx;
  directives_.push_back(std::move(d));
}

const ConfigTable::Directive* ConfigTable::Find(std::string_view name) const {
  auto it = by_name_.find(ToLower(name));
  return it == by_name_.end() ? nullptr : &directives_[it->second];
}

Status ConfigTable::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::Error("Fatal error, can't open config file '" + path +
                         "': " + strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadString(ss.str(), path);
}

Status ConfigTable::LoadString(const std::string& text, const std::string& source_name) {
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    lineno++;
    // Trim like sdstrim(" \t\r\n").
    size_t b = line.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    size_t e = line.find_last_not_of(" \t\r\n");
    std::string trimmed = line.substr(b, e - b + 1);
    if (trimmed[0] == '#') continue;
    std::vector<std::string> argv;
    std::string err;
    if (!RequestParser::SplitArgs(trimmed, &argv)) {
      err = "Unbalanced quotes in configuration line";
    } else if (argv.empty()) {
      continue;
    } else {
      ToLowerInPlace(argv[0]);
      if (argv[0] == "include" && argv.size() == 2) {
        Status st = LoadFile(argv[1]);
        if (!st.ok()) return st;
        continue;
      }
      err = ApplyLine(argv);
    }
    if (!err.empty()) {
      return Status::Error("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
                           "Reading the configuration file, at line " +
                           std::to_string(lineno) + "\n>>> '" + trimmed + "'\n" + err);
    }
  }
  (void)source_name;
  return Status::Ok();
}

std::string ConfigTable::ApplyLine(const std::vector<std::string>& argv) {
  const Directive* d = Find(argv[0]);
  if (!d) return "Bad directive or wrong number of arguments";
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  if (args.empty() || (!(d->flags & kMultiArg) && d->kind != Kind::kList && args.size() != 1)) {
    return "Bad directive or wrong number of arguments";
  }
  std::string err = d->set(*config_, args);
  if (err.empty() && (d->flags & kUnsupported)) {
    std::string joined;
    for (const auto& a : args) joined += (joined.empty() ? "" : " ") + a;
    unsupported_values_[d->name] = joined;
  }
  return err;
}

Status ConfigTable::ArgsToConfigText(int argc, char** argv, int first, std::string* text) {
  // "--name v1 v2 --other v" becomes "name v1 v2\nother v\n", quoting each value.
  std::string out;
  bool have_line = false;
  for (int i = first; i < argc; i++) {
    std::string_view a = argv[i];
    if (a.size() >= 2 && a.substr(0, 2) == "--") {
      if (have_line) out += "\n";
      out += std::string(a.substr(2));
      have_line = true;
    } else {
      if (!have_line) {
        return Status::Error("Invalid option '" + std::string(a) + "': options start with --");
      }
      out += " \"";
      for (char c : a) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
          out += "\\n";
          continue;
        }
        out += c;
      }
      out += "\"";
    }
  }
  if (have_line) out += "\n";
  *text = out;
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ConfigTable::Get(
    const std::vector<std::string_view>& patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Directive& d : directives_) {
    bool match = false;
    for (std::string_view p : patterns) {
      if (GlobMatch(p, d.name, true) || (!d.alias.empty() && GlobMatch(p, d.alias, true))) {
        match = true;
        break;
      }
    }
    if (!match) continue;
    std::string value = d.get(*config_);
    if (d.flags & kUnsupported) {
      auto it = unsupported_values_.find(d.name);
      if (it != unsupported_values_.end()) value = it->second;
    }
    out.emplace_back(d.name, value);
    // Redis also lists an alias under its own name when the pattern matches the alias.
    if (!d.alias.empty()) {
      for (std::string_view p : patterns) {
        if (GlobMatch(p, d.alias, true)) {
          out.emplace_back(d.alias, value);
          break;
        }
      }
    }
  }
  return out;
}

std::string ConfigTable::Set(const std::vector<std::pair<std::string, std::string>>& pairs) {
  // Validate everything first so a failing pair leaves the config untouched.
  Config backup = *config_;
  std::vector<std::string> changed;
  for (const auto& [name, value] : pairs) {
    const Directive* d = Find(name);
    if (!d) {
      *config_ = backup;
      return "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'";
    }
    if (d->flags & kImmutable) {
      *config_ = backup;
      return "ERR CONFIG SET failed (possibly related to argument '" + name +
             "') - can't set immutable config";
    }
    std::vector<std::string> args;
    if ((d->flags & kMultiArg) || d->kind == Kind::kList) {
      if (!RequestParser::SplitArgs(value, &args)) args = {value};
    } else {
      args = {value};
    }
    std::string err = d->set(*config_, args);
    if (!err.empty()) {
      *config_ = backup;
      return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + err;
    }
    if (d->flags & kUnsupported) unsupported_values_[d->name] = value;
    changed.push_back(d->name);
  }
  if (apply_hook_) {
    for (const std::string& name : changed) {
      std::string err = apply_hook_(name);
      if (!err.empty()) {
        *config_ = backup;
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + err;
      }
    }
  }
  return "";
}

Status ConfigTable::Rewrite() const {
  if (config_->config_file.empty()) {
    return Status::Error("ERR The server is running without a config file");
  }
  std::ifstream in(config_->config_file);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  // Replace the first occurrence of each directive, drop later duplicates, append the rest.
  std::map<std::string, bool> written;
  std::vector<std::string> out;
  auto render = [&](const Directive& d) {
    std::string v = d.get(*config_);
    if (d.flags & kUnsupported) {
      auto it = unsupported_values_.find(d.name);
      if (it != unsupported_values_.end()) v = it->second;
    }
    if (d.kind == Kind::kString && (v.empty() || v.find(' ') != std::string::npos)) {
      v = "\"" + v + "\"";
    }
    return d.name + " " + v;
  };
  for (const std::string& l : lines) {
    std::vector<std::string> argv;
    size_t b = l.find_first_not_of(" \t");
    if (b == std::string::npos || l[b] == '#' || !RequestParser::SplitArgs(l, &argv) ||
        argv.empty()) {
      out.push_back(l);
      continue;
    }
    const Directive* d = Find(argv[0]);
    if (!d) {
      out.push_back(l);
      continue;
    }
    if (written[d->name]) continue;
    written[d->name] = true;
    out.push_back(render(*d));
  }
  bool header = false;
  for (const Directive& d : directives_) {
    if (written[d.name]) continue;
    // Only directives whose value differs from the default are added, as Redis does.
    Config defaults;
    if (d.get(defaults) == d.get(*config_) && !unsupported_values_.count(d.name)) continue;
    if (!header) {
      out.push_back("# Generated by CONFIG REWRITE");
      header = true;
    }
    out.push_back(render(d));
  }
  std::string tmp = config_->config_file + ".tmp";
  {
    std::ofstream o(tmp, std::ios::trunc);
    if (!o) return Status::Error("ERR Rewriting config file: " + std::string(strerror(errno)));
    for (const std::string& l : out) o << l << "\n";
    o.flush();
    if (!o) return Status::Error("ERR Rewriting config file: " + std::string(strerror(errno)));
  }
  if (rename(tmp.c_str(), config_->config_file.c_str()) != 0) {
    return Status::Error("ERR Rewriting config file: " + std::string(strerror(errno)));
  }
  return Status::Ok();
}

void ConfigTable::ReportUnsupported() const {
  for (const auto& [name, value] : unsupported_values_) {
    Log(LogLevel::kWarning, "Config directive '{}' is recognised but not supported by duet; "
        "it has no effect", name);
  }
}

}  // namespace duet
