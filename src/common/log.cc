#include "common/log.h"

#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

namespace duet {

namespace {
FILE* g_log_file = nullptr;  // nullptr: stdout
LogLevel g_level = LogLevel::kNotice;
}  // namespace

bool SetLogFile(const std::string& path) {
  if (path.empty()) {
    if (g_log_file) fclose(g_log_file);
    g_log_file = nullptr;
    return true;
  }
  FILE* f = fopen(path.c_str(), "a");
  if (!f) return false;
  if (g_log_file) fclose(g_log_file);
  g_log_file = f;
  return true;
}

void LogVerbatim(LogLevel level, std::string_view text) {
  if (level < g_level) return;
  FILE* out = g_log_file ? g_log_file : stdout;
  fwrite(text.data(), 1, text.size(), out);
  fflush(out);
}

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

void LogRaw(LogLevel level, std::string_view msg) {
  if (level < g_level) return;
  static const char kMarks[] = ".-*#";
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm tm_buf;
  localtime_r(&tv.tv_sec, &tm_buf);
  char date[64];
  size_t n = strftime(date, sizeof(date), "%d %b %Y %H:%M:%S.", &tm_buf);
  snprintf(date + n, sizeof(date) - n, "%03d", static_cast<int>(tv.tv_usec / 1000));
  FILE* out = g_log_file ? g_log_file : stdout;
  fprintf(out, "%d:M %s %c %.*s\n", static_cast<int>(getpid()), date,
          kMarks[static_cast<int>(level) & 3], static_cast<int>(msg.size()), msg.data());
  fflush(out);
}

}  // namespace duet
