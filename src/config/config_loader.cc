#include "config/config_loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "common/strutil.h"
#include "config/config_values.h"

namespace duet {

std::string AbsolutePath(const std::string& path) {
  size_t b = path.find_first_not_of(" \r\n\t");
  std::string rel =
      b == std::string::npos ? "" : path.substr(b, path.find_last_not_of(" \r\n\t") - b + 1);
  if (!rel.empty() && rel[0] == '/') return rel;
  char cwd[1024];
  if (!getcwd(cwd, sizeof(cwd))) return rel;
  std::string abs = cwd;
  if (!abs.empty() && abs.back() != '/') abs += '/';
  // Each leading "../" removes the last element of the cwd (unless it is "/").
  while (rel.size() >= 3 && rel.compare(0, 3, "../") == 0) {
    rel.erase(0, 3);
    if (abs.size() > 1) {
      size_t p = abs.rfind('/', abs.size() - 2);
      abs.erase(p + 1);
    }
  }
  return abs + rel;
}

CommandLineConfig ParseCommandLine(int argc, char** argv) {
  CommandLineConfig cl;
  if (argc < 2) return cl;
  int j = 1;
  if (argv[1][0] != '-') {
    cl.config_file = AbsolutePath(argv[1]);
    j = 2;
  }
  std::string& options = cl.options;
  // Whether the last option name already has a value; a bare `--name` followed by another
  // `--...` argument makes that argument its value (e.g. --requirepass --secret).
  bool handled_last_config_arg = true;
  for (; j < argc; j++) {
    const char* a = argv[j];
    if (a[0] == '-' && a[1] == '\0' && (j == 1 || j == argc - 1)) {
      cl.from_stdin = true;
    } else if (handled_last_config_arg && a[0] == '-' && a[1] == '-') {
      if (!options.empty()) options += "\n";
      options += a + 2;
      options += " ";
      std::optional<std::vector<std::string>> parts = SplitConfigArgs(a);
      if (parts && parts->size() == 1) {
        // Only the option name: its value follows, except for the two options Redis lets
        // go without one (`--save` means `--save ""`).
        handled_last_config_arg = false;
        bool next_is_option = j != argc - 1 && argv[j + 1][0] == '-' && argv[j + 1][1] == '-';
        if (EqualsIgnoreCase(a, "--save") && (next_is_option || j == argc - 1)) {
          options += "\"\"";
          if (next_is_option) handled_last_config_arg = true;
        } else if (EqualsIgnoreCase(a, "--sentinel") && next_is_option) {
          handled_last_config_arg = true;
        }
      } else {
        // "--port 6380" given as one argument.
        handled_last_config_arg = true;
      }
    } else {
      options += QuoteRepr(a);
      options += " ";
      handled_last_config_arg = true;
    }
  }
  return cl;
}

bool LoadStartupConfig(const CommandLineConfig& cl, ConfigTable& table, Config& config) {
  std::string text;
  config.config_file = cl.config_file;
  if (!cl.config_file.empty()) {
    FILE* f = fopen(cl.config_file.c_str(), "r");
    if (!f) {
      Log(LogLevel::kWarning, "Fatal error, can't open config file '{}': {}", cl.config_file,
          strerror(errno));
      return false;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
    fclose(f);
  }
  if (cl.from_stdin) {
    Log(LogLevel::kWarning, "Reading config from stdin");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) text.append(buf, n);
  }
  text += "\n";
  text += cl.options;
  Status st = table.LoadString(text);
  if (!st.ok()) {
    if (ConfigTable::IsFatalReport(st)) {
      fprintf(stderr, "%s\n", st.message().c_str());
    } else {
      Log(LogLevel::kWarning, "{}", st.message());
    }
    return false;
  }
  // duet loads no modules: a module, or a module's settings, cannot be honoured.
  auto it = config.other.find("loadmodule");
  if (it != config.other.end()) {
    Log(LogLevel::kWarning, "Module {} failed to load: duet does not support modules", it->second);
    Log(LogLevel::kWarning, "Can't load module from {}: server aborting", it->second);
    return false;
  }
  if (!table.module_configs().empty()) {
    Log(LogLevel::kWarning,
        "Module Configuration detected without loadmodule directive or no ApplyConfig call: "
        "aborting");
    return false;
  }
  return true;
}

}  // namespace duet
