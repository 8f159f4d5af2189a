#include "scripting/ldb_format.h"

#include <cstdio>
#include <cstdlib>

#include "common/strutil.h"

namespace duet::scripting {

namespace {

// C's atoi over a view (leading blanks, a sign, digits; 0 when there are none). Redis
// parses the debugger's lengths with atoi.
int AtoiView(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  long long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i++] - '0');
    if (v > 1000000000LL) v = 1000000000LL;  // only compared against 1024
  }
  return static_cast<int>(neg ? -v : v);
}

long long ParseLen(std::string_view reply, size_t from, size_t to) {
  return std::strtoll(std::string(reply.substr(from, to - from)).c_str(), nullptr, 10);
}

}  // namespace

LdbParse ParseLdbCommand(std::string_view buf, std::vector<std::string>* argv) {
  argv->clear();
  if (buf.empty()) return LdbParse::kNeedMore;
  // Redis works on a NUL-terminated copy: its searches stop at the first NUL byte.
  std::string_view s = buf.substr(0, buf.find('\0'));
  size_t p = s.find('*');
  if (p == std::string_view::npos) return LdbParse::kProtocolError;
  size_t crlf = s.find("\r\n", p);
  if (crlf == std::string_view::npos) return LdbParse::kNeedMore;
  int argc = AtoiView(s.substr(p + 1, crlf - p - 1));
  if (argc <= 0 || argc > 1024) return LdbParse::kProtocolError;
  p = crlf + 2;
  while (static_cast<int>(argv->size()) < argc) {
    if (p >= buf.size() || buf[p] == '\0') {
      argv->clear();
      return LdbParse::kNeedMore;
    }
    if (buf[p] != '$') {
      argv->clear();
      return LdbParse::kProtocolError;
    }
    size_t end = buf.find("\r\n", p);
    size_t nul = buf.find('\0', p);
    if (end == std::string_view::npos || (nul != std::string_view::npos && nul < end)) {
      argv->clear();
      return LdbParse::kNeedMore;
    }
    int len = AtoiView(buf.substr(p + 1, end - p - 1));
    p = end + 2;
    if (len <= 0 || len > 1024) {
      argv->clear();
      return LdbParse::kProtocolError;
    }
    if (p + len + 2 > buf.size()) {
      argv->clear();
      return LdbParse::kNeedMore;
    }
    argv->emplace_back(buf.substr(p, len));
    p += len;
    if (buf[p] != '\r' || buf[p + 1] != '\n') {
      argv->clear();
      return LdbParse::kProtocolError;
    }
    p += 2;
  }
  return LdbParse::kOk;
}

size_t AppendReplyToHuman(std::string_view reply, size_t pos, std::string* out) {
  if (pos >= reply.size()) return pos;
  size_t cr = reply.find('\r', pos + 1);
  if (cr == std::string_view::npos) return reply.size();
  size_t next = cr + 2;
  switch (reply[pos]) {
    case ':':
      out->append(reply.substr(pos + 1, cr - pos - 1));
      return next;
    case '$': {
      long long len = ParseLen(reply, pos + 1, cr);
      if (len < 0) {
        *out += "NULL";
        return next;
      }
      AppendRepr(*out, reply.substr(next, len));
      return next + len + 2;
    }
    case '+':
    case '-':
      AppendRepr(*out, reply.substr(pos, cr - pos));
      return next;
    case '*': {
      long long n = ParseLen(reply, pos + 1, cr);
      if (n == -1) {
        *out += "NULL";
        return next;
      }
      out->push_back('[');
      for (long long j = 0; j < n; j++) {
        next = AppendReplyToHuman(reply, next, out);
        if (j != n - 1) out->push_back(',');
      }
      out->push_back(']');
      return next;
    }
    case '~': {
      long long n = ParseLen(reply, pos + 1, cr);
      *out += "~(";
      for (long long j = 0; j < n; j++) {
        next = AppendReplyToHuman(reply, next, out);
        if (j != n - 1) out->push_back(',');
      }
      out->push_back(')');
      return next;
    }
    case '%': {
      long long n = ParseLen(reply, pos + 1, cr);
      out->push_back('{');
      for (long long j = 0; j < n; j++) {
        next = AppendReplyToHuman(reply, next, out);
        *out += " => ";
        next = AppendReplyToHuman(reply, next, out);
        if (j != n - 1) out->push_back(',');
      }
      out->push_back('}');
      return next;
    }
    case '_':
      *out += "(null)";
      return next;
    case '#':
      *out += reply[pos + 1] == 't' ? "#true" : "#false";
      return next;
    case ',':
      *out += "(double) ";
      out->append(reply.substr(pos + 1, cr - pos - 1));
      return next;
    default:
      // Redis has no case for other types (big numbers, verbatim, attributes): it appends
      // nothing and stays where it is.
      return pos;
  }
}

std::string FormatLdbSourceLine(int lnum, std::string_view text, bool current, bool breakpoint) {
  const char* prefix = current && breakpoint ? "->#" : current ? "-> " : breakpoint ? "  #" : "   ";
  char num[32];
  snprintf(num, sizeof(num), "%s%-3d ", prefix, lnum);
  std::string line(num);
  line.append(text);
  return line;
}

std::string EncodeLdbLogs(const std::vector<std::string>& logs) {
  std::string proto = "*" + std::to_string(logs.size()) + "\r\n";
  for (const std::string& entry : logs) {
    proto.push_back('+');
    for (char ch : entry) proto.push_back(ch == '\r' || ch == '\n' ? ' ' : ch);
    proto += "\r\n";
  }
  return proto;
}

std::vector<std::string> SplitLdbSource(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  std::vector<std::string> lines;
  if (body.empty()) return lines;
  size_t start = 0;
  for (;;) {
    size_t nl = body.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.emplace_back(body.substr(start));
      return lines;
    }
    lines.emplace_back(body.substr(start, nl - start));
    start = nl + 1;
  }
}

}  // namespace duet::scripting
