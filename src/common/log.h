// Logging in Redis's line format: "<pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level-char> <msg>".
// Level chars as Redis: '.' debug, '-' verbose, '*' notice, '#' warning.
// The logger is process-wide configuration (file, level) set once by the server at startup
// and by CONFIG SET; it never sees passwords because callers never pass them.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace duet {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3, kNothing = 4 };

// Sets where log lines go: empty path means stdout. Returns false if the file can't be opened.
bool SetLogFile(const std::string& path);
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
void LogRaw(LogLevel level, std::string_view msg);
// Writes `text` as is (no line prefix) where log lines go, if `level` passes: the startup banner.
void LogVerbatim(LogLevel level, std::string_view text);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
  if (level < GetLogLevel()) return;
  LogRaw(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace duet
