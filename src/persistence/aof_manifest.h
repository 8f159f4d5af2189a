// The manifest of a Redis 7 multi-part AOF (`<appendfilename>.manifest` in `appenddirname`):
// which base, history and incremental files make up the AOF, in Redis 7.0.15's line format
//   file <name> seq <n> type <b|h|i>
// (the base first, then history files, then incremental files in sequence order; a name that
// needs quoting is written as Redis's sdscatrepr writes it).
//
// Naming (Redis's): base `<appendfilename>.<seq>.base.rdb` (RDB preamble) or `.base.aof`,
// incremental `<appendfilename>.<seq>.incr.aof`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace duet::aof {

struct FileInfo {
  std::string name;
  int64_t seq = 0;
  char type = 0;  // 'b' base, 'h' history, 'i' incremental
};

struct Manifest {
  std::optional<FileInfo> base;
  std::vector<FileInfo> history;
  std::vector<FileInfo> incr;
  int64_t base_seq = 0;  // the highest base sequence number used so far
  int64_t incr_seq = 0;  // the highest incremental sequence number used so far

  // The manifest file's text.
  std::string ToString() const;
  // Parses a manifest file's text. Errors are Redis's texts; `*line_no` and `*line` (when
  // given) say where.
  static Status Parse(std::string_view text, Manifest* out, int* line_no = nullptr,
                      std::string* line = nullptr);

  // A new base named after `filename` (RDB or AOF format); the previous base becomes history.
  const std::string& NewBase(const std::string& filename, bool rdb);
  // A new incremental file appended to the list.
  const std::string& NewIncr(const std::string& filename);
  // After a rewrite: every incremental file but the last (the one being written) becomes
  // history (all of them when `keep_last` is false).
  void IncrToHistory(bool keep_last);
};

// Writes `m` to `dir`/`filename`.manifest through a temporary file, fsyncs it and the
// directory. Errors name the file and errno, as Redis logs them.
Status WriteManifest(const std::string& dir, const std::string& filename, const Manifest& m);

// Appends `argv` as a RESP array of bulk strings (Redis's catAppendOnlyGenericCommand),
// written in place for commands up to 16 KB (no temporary strings, one growth of `out`).
void AppendCommand(std::string* out, std::span<const std::string> argv);
void AppendCommand(std::string* out, std::span<const std::string_view> argv);

// Reads the commands of an AOF (its RESP part), as Redis's loadSingleAppendOnlyFile does:
// "#..." annotation lines are skipped; anything but "*<argc>" / "$<len>" framing is a format
// error; input ending inside a command is a truncation.
class CommandReader {
 public:
  enum class Result { kCommand, kEnd, kTruncated, kFormatError };
  CommandReader(const char* data, size_t size, size_t start = 0)
      : data_(data), size_(size), pos_(start), cursor_(start) {}
  // The next command's arguments (views into the data).
  Result Next(std::vector<std::string_view>* argv);
  // Offset just after the last command returned (or the start): Redis's valid_up_to.
  size_t offset() const { return pos_; }
  // Where the error or truncation was met.
  size_t error_offset() const { return error_pos_; }
  // Whether every argument of the last command returned ended in "\r\n" (Redis's loader
  // does not check; duet uses it to tell a write torn over pre-extension filler).
  bool last_crlf_ok() const { return crlf_ok_; }

 private:
  // Reads one line (up to 1023 bytes, as Redis's fgets buffer) starting at *pos; false at EOF.
  bool Line(size_t* pos, std::string_view* line) const;
  const char* data_;
  size_t size_;
  size_t pos_;     // after the last complete command
  size_t cursor_;  // after the last command or annotation
  size_t error_pos_ = 0;
  bool crlf_ok_ = true;
};

}  // namespace duet::aof
