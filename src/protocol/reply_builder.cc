#include "protocol/reply_builder.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/strutil.h"
#include "protocol/errors.h"

namespace duet {

void ReplyBuilder::Header(char type, size_t n) {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return sink_->Header(type, n);
  }
  InsertHeader(out_->size(), type, n);
}

void ReplyBuilder::InsertHeader(size_t mark, char type, size_t n) {
  if (muted_) return;
  char buf[32];
  buf[0] = type;
  size_t len = 1 + FormatInt64(static_cast<int64_t>(n), buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  if (mark == out_->size()) {
    out_->append(buf, len);
  } else {
    out_->insert(mark, buf, len);
  }
}

void ReplyBuilder::SimpleString(std::string_view s) {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return sink_->Status(s);
  }
  out_->push_back('+');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(std::string_view msg) {
  errors_++;
  last_error_.assign(msg);
  last_error_counted_ = false;
  if (!msg.empty() && msg[0] == '-') msg.remove_prefix(1);
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return sink_->Error(msg);
  }
  out_->push_back('-');
  out_->append(msg);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Error(OpStatus st) { Error(errors::FromOpStatus(st)); }

void ReplyBuilder::Integer(int64_t v) {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return sink_->Integer(v);
  }
  char buf[32];
  buf[0] = ':';
  size_t len = 1 + FormatInt64(v, buf + 1);
  buf[len++] = '\r';
  buf[len++] = '\n';
  out_->append(buf, len);
}

void ReplyBuilder::Bulk(std::string_view s) {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return sink_->Bulk(s);
  }
  // Small bulks (list ranges, hash fields...) are assembled on the stack and appended once:
  // one bounds check and one copy into the output instead of three.
  constexpr size_t kSmall = 64;
  if (s.size() <= kSmall) {
    char buf[kSmall + 8];
    char* p = buf;
    *p++ = '$';
    if (s.size() < 10) {
      *p++ = static_cast<char>('0' + s.size());
    } else {
      *p++ = static_cast<char>('0' + s.size() / 10);
      *p++ = static_cast<char>('0' + s.size() % 10);
    }
    *p++ = '\r';
    *p++ = '\n';
    if (!s.empty()) memcpy(p, s.data(), s.size());  // an empty view may have a null data()
    p += s.size();
    *p++ = '\r';
    *p++ = '\n';
    out_->append(buf, static_cast<size_t>(p - buf));
    return;
  }
  Header('$', s.size());
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Null() {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return resp3_ ? sink_->Null() : sink_->NullBulk();
  }
  out_->append(resp3_ ? "_\r\n" : "$-1\r\n");
}

void ReplyBuilder::NullArray() {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return resp3_ ? sink_->Null() : sink_->NullBulk();
  }
  out_->append(resp3_ ? "_\r\n" : "*-1\r\n");
}

void ReplyBuilder::ArrayHeader(size_t n) { Header('*', n); }
void ReplyBuilder::MapHeader(size_t n) { resp3_ ? Header('%', n) : Header('*', n * 2); }
void ReplyBuilder::SetHeader(size_t n) { Header(resp3_ ? '~' : '*', n); }
void ReplyBuilder::PushHeader(size_t n) { Header(resp3_ ? '>' : '*', n); }

void ReplyBuilder::Double(double v) {
  if (muted_) return;
  char buf[32];
  size_t len;
  if (std::isinf(v)) {
    len = v > 0 ? 3 : 4;
    memcpy(buf, v > 0 ? "inf" : "-inf", len);
  } else {
    len = FormatDouble17g(v, buf);
  }
  if (resp3_) {
    if (sink_) [[unlikely]] {
      return sink_->Double(v);
    }
    out_->push_back(',');
    out_->append(buf, len);
    out_->append("\r\n", 2);
  } else {
    Bulk(std::string_view(buf, len));
  }
}

void ReplyBuilder::Bool(bool v) {
  if (muted_) return;
  if (sink_) [[unlikely]] {
    return resp3_ ? sink_->Bool(v) : sink_->Integer(v ? 1 : 0);
  }
  out_->append(resp3_ ? (v ? "#t\r\n" : "#f\r\n") : (v ? ":1\r\n" : ":0\r\n"));
}

void ReplyBuilder::BigNumber(std::string_view digits) {
  if (muted_) return;
  if (!resp3_) return Bulk(digits);
  if (sink_) [[unlikely]] {
    return sink_->BigNumber(digits);
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n", 2);
}

void ReplyBuilder::Verbatim(std::string_view s, std::string_view fmt) {
  if (muted_) return;
  if (!resp3_) return Bulk(s);
  if (sink_) [[unlikely]] {
    return sink_->Verbatim(s, fmt);
  }
  Header('=', s.size() + 4);
  out_->append(fmt);
  out_->push_back(':');
  out_->append(s);
  out_->append("\r\n", 2);
}

void ReplyBuilder::BulkArray(const std::string_view* items, size_t n) {
  ArrayHeader(n);
  for (size_t i = 0; i < n; i++) Bulk(items[i]);
}

void ReplyBuilder::Raw(std::string_view bytes) {
  if (muted_) return;
  sink_ = nullptr;  // bytes from here on (reply_sink.h)
  out_->append(bytes);
}

}  // namespace duet
