#include "persistence/aof_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/strutil.h"
#include "config/config_values.h"

namespace duet::aof {

namespace {

constexpr size_t kManifestMaxLine = 1024;  // Redis's MANIFEST_MAX_LINE
constexpr size_t kAofLineMax = 1023;       // Redis's fgets into AOF_ANNOTATION_LINE_MAX_LEN

std::string ErrnoText() { return std::strerror(errno); }

// Redis's sdsneedsrepr.
bool NeedsRepr(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == '\a' || c == '\b' ||
        !isprint(c) || isspace(c)) {
      return true;
    }
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Redis's sdssplitargs: words separated by blanks, "double quoted" with escapes or
// 'single quoted'. False on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  while (true) {
    while (i < line.size() && isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= line.size()) return true;
    std::string cur;
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (i >= line.size()) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && HexDigit(line[i + 2]) >= 0 &&
            HexDigit(line[i + 3]) >= 0) {
          cur += static_cast<char>(HexDigit(line[i + 2]) * 16 + HexDigit(line[i + 3]));
          i += 3;
        } else if (c == '\\' && i + 1 < line.size()) {
          i++;
          char e = line[i];
          cur += e == 'n'   ? '\n'
                 : e == 'r' ? '\r'
                 : e == 't' ? '\t'
                 : e == 'b' ? '\b'
                 : e == 'a' ? '\a'
                            : e;
        } else if (c == '"') {
          if (i + 1 < line.size() && !isspace(static_cast<unsigned char>(line[i + 1])))
            return false;
          done = true;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (i >= line.size()) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
          i++;
          cur += '\'';
        } else if (c == '\'') {
          if (i + 1 < line.size() && !isspace(static_cast<unsigned char>(line[i + 1])))
            return false;
          done = true;
        } else {
          cur += c;
        }
      } else {
        if (i >= line.size()) {
          done = true;
          break;
        }
        char c = line[i];
        if (isspace(static_cast<unsigned char>(c))) {
          done = true;
        } else if (c == '"') {
          inq = true;
        } else if (c == '\'') {
          insq = true;
        } else {
          cur += c;
        }
      }
      if (i < line.size()) i++;
    }
    out->push_back(std::move(cur));
  }
}

void FormatLine(std::string& out, const FileInfo& f) {
  out += "file ";
  out += NeedsRepr(f.name) ? QuoteRepr(f.name) : f.name;
  out += " seq " + std::to_string(f.seq) + " type ";
  out += f.type;
  out += '\n';
}

}  // namespace

std::string Manifest::ToString() const {
  std::string out;
  if (base) FormatLine(out, *base);
  for (const FileInfo& f : history) FormatLine(out, f);
  for (const FileInfo& f : incr) FormatLine(out, f);
  return out;
}

Status Manifest::Parse(std::string_view text, Manifest* out, int* line_no, std::string* line_out) {
  *out = Manifest();
  int64_t maxseq = 0;
  int linenum = 0;
  size_t pos = 0;
  auto fail = [&](const char* err, std::string_view line) {
    if (line_no) *line_no = linenum;
    if (line_out) *line_out = std::string(line);
    return Status::Error(err);
  };
  if (text.empty()) return fail("Found an empty AOF manifest", "");
  while (pos < text.size()) {
    // fgets with a buffer of MANIFEST_MAX_LINE + 1 bytes.
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    if (end - pos > kManifestMaxLine) end = pos + kManifestMaxLine;
    std::string_view raw = text.substr(pos, end - pos);
    pos = end;
    linenum++;
    if (raw[0] == '#') continue;
    if (raw.find('\n') == std::string_view::npos) {
      return fail("The AOF manifest file contains too long line", "");
    }
    std::string_view line = raw;
    while (!line.empty() && strchr(" \t\r\n", line.front())) line.remove_prefix(1);
    while (!line.empty() && strchr(" \t\r\n", line.back())) line.remove_suffix(1);
    if (line.empty()) return fail("Invalid AOF manifest file format", line);
    std::vector<std::string> argv;
    if (!SplitArgs(line, &argv) || argv.size() < 6 || argv.size() % 2) {
      return fail("Invalid AOF manifest file format", line);
    }
    FileInfo fi;
    bool have_name = false;
    for (size_t i = 0; i < argv.size(); i += 2) {
      if (EqualsIgnoreCase(argv[i], "file")) {
        fi.name = argv[i + 1];
        have_name = true;
        if (fi.name.find('/') != std::string::npos || fi.name.find('\\') != std::string::npos) {
          return fail("File can't be a path, just a filename", line);
        }
      } else if (EqualsIgnoreCase(argv[i], "seq")) {
        fi.seq = std::atoll(argv[i + 1].c_str());
      } else if (EqualsIgnoreCase(argv[i], "type")) {
        fi.type = argv[i + 1].empty() ? 0 : argv[i + 1][0];
      }
    }
    if (!have_name || fi.seq == 0 || fi.type == 0) {
      return fail("Invalid AOF manifest file format", line);
    }
    if (fi.type == 'b') {
      if (out->base) return fail("Found duplicate base file information", line);
      out->base_seq = fi.seq;
      out->base = std::move(fi);
    } else if (fi.type == 'h') {
      out->history.push_back(std::move(fi));
    } else if (fi.type == 'i') {
      if (fi.seq <= maxseq) return fail("Found a non-monotonic sequence number", line);
      maxseq = fi.seq;
      out->incr_seq = fi.seq;
      out->incr.push_back(std::move(fi));
    } else {
      return fail("Unknown AOF file type", line);
    }
  }
  return Status::Ok();
}

const std::string& Manifest::NewBase(const std::string& filename, bool rdb) {
  if (base) {
    base->type = 'h';
    history.insert(history.begin(), *base);
  }
  base = FileInfo{filename + "." + std::to_string(++base_seq) + ".base" + (rdb ? ".rdb" : ".aof"),
                  base_seq, 'b'};
  return base->name;
}

const std::string& Manifest::NewIncr(const std::string& filename) {
  incr.push_back({filename + "." + std::to_string(++incr_seq) + ".incr.aof", incr_seq, 'i'});
  return incr.back().name;
}

void Manifest::IncrToHistory(bool keep_last) {
  size_t n = incr.size() - (keep_last && !incr.empty() ? 1 : 0);
  // Redis walks the list from its tail and inserts each at the head of the history list, so
  // the history keeps the incremental files' order.
  for (size_t i = n; i-- > 0;) {
    FileInfo h = incr[i];
    h.type = 'h';
    history.insert(history.begin(), std::move(h));
  }
  incr.erase(incr.begin(), incr.begin() + static_cast<ptrdiff_t>(n));
}

Status WriteManifest(const std::string& dir, const std::string& filename, const Manifest& m) {
  std::string name = filename + ".manifest";
  std::string tmp_name = "temp-" + name;
  std::string path = dir + "/" + name;
  std::string tmp = dir + "/" + tmp_name;
  std::string text = m.ToString();
  int fd = open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Error("Can't open the AOF manifest file " + tmp_name + ": " + ErrnoText());
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t n = write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = Status::Error("Error trying to write the temporary AOF manifest file " +
                                tmp_name + ": " + ErrnoText());
      close(fd);
      return st;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0) {
    Status st =
        Status::Error("Fail to fsync the temp AOF file " + tmp_name + ": " + ErrnoText() + ".");
    close(fd);
    return st;
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Error("Error trying to rename the temporary AOF manifest file " + tmp_name +
                         " into " + name + ": " + ErrnoText());
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (dfd < 0 || fsync(dfd) != 0) {
    Status st = Status::Error("Fail to fsync AOF directory " + path + ": " + ErrnoText() + ".");
    if (dfd >= 0) close(dfd);
    return st;
  }
  close(dfd);
  return Status::Ok();
}

namespace {

// Writes `n` in decimal at `p`; returns the end. Argument counts and lengths are mostly
// under 100: those take no loop.
inline char* PutDecimal(char* p, size_t n) {
  if (n < 10) {
    *p = static_cast<char>('0' + n);
    return p + 1;
  }
  if (n < 100) {
    p[0] = static_cast<char>('0' + n / 10);
    p[1] = static_cast<char>('0' + n % 10);
    return p + 2;
  }
  return p + FormatInt64(static_cast<int64_t>(n), p);
}

// Writes "<marker><n>\r\n" at `p`; returns the end.
inline char* PutHeader(char* p, char marker, size_t n) {
  *p++ = marker;
  p = PutDecimal(p, n);
  *p++ = '\r';
  *p++ = '\n';
  return p;
}

template <typename S>
void AppendCommandOf(std::string* out, std::span<const S> argv) {
  // Small commands (the usual case) are written in place: the string is grown to a bound of
  // the encoded size once, then cut to what was written. Past kInPlace bytes the arguments
  // are appended one by one (growing by the bound would touch the bytes twice).
  constexpr size_t kInPlace = 16 * 1024;
  constexpr size_t kHeaderMax = 1 + 20 + 2;  // marker, a size_t's digits, CRLF
  size_t need = kHeaderMax;
  for (const S& a : argv) need += kHeaderMax + a.size() + 2;
  size_t old = out->size();
  if (need <= kInPlace) {
    out->resize(old + need);
    char* begin = out->data();
    char* p = PutHeader(begin + old, '*', argv.size());
    for (const S& a : argv) {
      p = PutHeader(p, '$', a.size());
      if (!a.empty()) memcpy(p, a.data(), a.size());
      p += a.size();
      *p++ = '\r';
      *p++ = '\n';
    }
    out->resize(static_cast<size_t>(p - begin));
    return;
  }
  out->reserve(old + need);
  char head[kHeaderMax + 2];
  out->append(head, static_cast<size_t>(PutHeader(head, '*', argv.size()) - head));
  for (const S& a : argv) {
    out->append(head, static_cast<size_t>(PutHeader(head, '$', a.size()) - head));
    out->append(a.data(), a.size());
    out->append("\r\n", 2);
  }
}

}  // namespace

void AppendCommand(std::string* out, std::span<const std::string> argv) {
  AppendCommandOf(out, argv);
}

void AppendCommand(std::string* out, std::span<const std::string_view> argv) {
  AppendCommandOf(out, argv);
}

namespace {

// strtol(text, nullptr, 10) of a "*<n>\r\n" or "$<n>\r\n" line's number (the text after
// the marker): plain digits followed by the line end take the fast path, anything else
// (signs, spaces, overflow) is handed to strtol as before.
long LineNumber(std::string_view text) {
  long v = 0;
  size_t i = 0;
  for (; i < text.size() && i < 18 && text[i] >= '0' && text[i] <= '9'; i++) {
    v = v * 10 + (text[i] - '0');
  }
  if (i > 0 && i < text.size() && text[i] == '\r') return v;
  return std::strtol(std::string(text).c_str(), nullptr, 10);
}

}  // namespace

bool CommandReader::Line(size_t* pos, std::string_view* line) const {
  if (*pos >= size_) return false;
  size_t max = std::min(size_ - *pos, kAofLineMax);
  const void* nl = memchr(data_ + *pos, '\n', max);
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - (data_ + *pos)) + 1 : max;
  *line = std::string_view(data_ + *pos, len);
  *pos += len;
  return true;
}

CommandReader::Result CommandReader::Next(std::vector<std::string_view>* argv) {
  argv->clear();
  size_t p = cursor_;
  std::string_view line;
  while (true) {
    if (!Line(&p, &line)) return Result::kEnd;
    if (line[0] != '#') break;
    cursor_ = p;  // annotations are skipped
  }
  error_pos_ = cursor_;
  if (line[0] != '*') return Result::kFormatError;
  if (line.size() == 1) return p >= size_ ? Result::kTruncated : Result::kFormatError;
  long argc = LineNumber(line.substr(1));
  if (argc < 1) return Result::kFormatError;
  crlf_ok_ = true;
  for (long j = 0; j < argc; j++) {
    error_pos_ = p;
    if (!Line(&p, &line)) return Result::kTruncated;
    if (line[0] != '$') return Result::kFormatError;
    long len = LineNumber(line.substr(1));
    if (len < 0) return Result::kFormatError;
    if (size_ - p < static_cast<size_t>(len)) return Result::kTruncated;
    argv->emplace_back(data_ + p, static_cast<size_t>(len));
    p += static_cast<size_t>(len);
    if (size_ - p < 2) return Result::kTruncated;
    if (data_[p] != '\r' || data_[p + 1] != '\n') crlf_ok_ = false;
    p += 2;  // CRLF (not checked, as Redis)
  }
  cursor_ = p;
  pos_ = p;
  return Result::kCommand;
}

}  // namespace duet::aof
