// Startup configuration from the command line, as redis-server's main() does it:
//
//   duet-server [/path/to/duet.conf] [-] [--directive value ...]
//
// The config file (first argument when it does not start with '-'), then stdin ("-" as the
// first or last argument), then the `--name value` options are joined into one text and
// loaded, so later settings win and error line numbers count through all three.
#pragma once

#include <string>

#include "config/config_table.h"

namespace duet {

// What the command line asks for.
struct CommandLineConfig {
  std::string config_file;  // absolute path (Redis's getAbsolutePath), "" if none
  bool from_stdin = false;
  std::string options;  // "port \"6380\" \nsave \"\" ..." as Redis builds it
};

// Splits argv like redis-server's main(). Never fails: bad options surface when loaded.
CommandLineConfig ParseCommandLine(int argc, char** argv);

// Redis's getAbsolutePath: joins a relative path to the cwd, folding leading "../".
std::string AbsolutePath(const std::string& path);

// Loads the configuration described by `cl` into `table` (and its Config, whose config_file
// is set). On failure prints exactly what Redis prints — the FATAL CONFIG FILE ERROR report
// on stderr, or a log line for an unreadable file or an unloadable module — and returns
// false; the caller exits with status 1.
bool LoadStartupConfig(const CommandLineConfig& cl, ConfigTable& table, Config& config);

}  // namespace duet
