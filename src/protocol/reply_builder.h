// Builds RESP2/RESP3 replies into a client's output buffer.
//
// The builder appends to a std::string owned by the caller (the Client); it never allocates
// per reply beyond the buffer's own growth. Types that differ between protocol versions (null,
// map, set, double, boolean, verbatim) are written in the client's negotiated version, so
// handlers call one method whatever the client speaks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocol/reply_sink.h"

namespace duet {

class ReplyBuilder {
 public:
  explicit ReplyBuilder(std::string* out) : out_(out) {}

  void SetResp3(bool on) { resp3_ = on; }
  bool resp3() const { return resp3_; }
  // While muted (CLIENT REPLY OFF/SKIP) every method writes nothing, to the buffer or to the
  // sink, and leaves the sink set.
  void SetMuted(bool muted) { muted_ = muted; }
  bool muted() const { return muted_; }
  // While a sink is set the values go to it instead of the buffer (see reply_sink.h); the
  // first Raw or Mark drops it (sink() is null again) and bytes follow in the buffer.
  void SetSink(ReplySink* sink) { sink_ = sink; }
  ReplySink* sink() const { return sink_; }
  // Counts error replies written since the last reset (the dispatcher uses it for errorstats).
  uint64_t error_count() const { return errors_; }
  std::string_view last_error() const { return last_error_; }

  void SimpleString(std::string_view s);  // +s
  void Ok() { SimpleString("OK"); }
  // `msg` starts with the error code ("ERR ...", "WRONGTYPE ..."); the '-' is added here.
  void Error(std::string_view msg);
  void Error(OpStatus st);
  // An error whose stats were counted already (a script's error that came from a command it
  // ran): it still makes the call a failed one, but errorstats skip it.
  void ErrorCountedBefore(std::string_view msg) {
    Error(msg);
    last_error_counted_ = true;
  }
  bool last_error_counted() const { return last_error_counted_; }
  void Integer(int64_t v);
  void Bulk(std::string_view s);
  void Null();       // RESP2 $-1, RESP3 _
  void NullArray();  // RESP2 *-1, RESP3 _
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);                 // n pairs; RESP2 writes an array of 2n
  void SetHeader(size_t n);                 // RESP2 writes an array
  void PushHeader(size_t n);                // RESP3 >n; RESP2 *n
  void Double(double v);                    // RESP3 ,v; RESP2 bulk string as Redis formats it
  void Bool(bool v);                        // RESP3 #t/#f; RESP2 :1/:0
  void BigNumber(std::string_view digits);  // RESP3 (digits; RESP2 bulk string
  void Verbatim(std::string_view s, std::string_view fmt = "txt");  // RESP3 =; RESP2 bulk
  void BulkArray(const std::string_view* items, size_t n);
  // Appends pre-encoded protocol bytes.
  void Raw(std::string_view bytes);

  // A header whose count is known only after its elements are written: take Mark() before
  // writing them, then InsertArrayHeader/InsertMapHeader(mark, n) puts the header in front
  // of them (moving the bytes written since the mark).
  size_t Mark() {
    if (!muted_) sink_ = nullptr;
    return out_->size();
  }
  void InsertArrayHeader(size_t mark, size_t n) { InsertHeader(mark, '*', n); }
  void InsertMapHeader(size_t mark, size_t n) {
    resp3_ ? InsertHeader(mark, '%', n) : InsertHeader(mark, '*', n * 2);
  }

 private:
  void Header(char type, size_t n);
  void InsertHeader(size_t mark, char type, size_t n);
  std::string* out_;
  bool resp3_ = false;
  bool muted_ = false;
  ReplySink* sink_ = nullptr;
  uint64_t errors_ = 0;
  std::string last_error_;
  bool last_error_counted_ = false;
};

}  // namespace duet
