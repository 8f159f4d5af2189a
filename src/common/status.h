// Error values shared by every layer.
//
// OpStatus is what types/ and keyspace/ return: a small enum that the protocol layer maps to
// Redis's exact error text in one place (protocol/errors.h). Status carries a message for the
// layers whose errors are not client replies (config, persistence, startup).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace duet {

enum class OpStatus {
  kOk,
  kKeyNotFound,
  kWrongType,
  kNotInteger,  // "value is not an integer or out of range"
  kNotFloat,    // "value is not a valid float"
  kOutOfRange,  // integer overflow on increment
  kSyntax,
  kOom,
  kNoSuchKey,      // RENAME & co on a missing key
  kBitOffset,      // "bit offset is not an integer or out of range"
  kBitValue,       // "bit is not an integer or out of range"
  kStringTooLong,  // "string exceeds maximum allowed size (proto-max-bulk-len)"
  kIncrNanOrInf,   // "increment would produce NaN or Infinity"
  kInvalidExpire,  // "invalid expire time in '<cmd>' command" (needs command name)
  kSameObject,     // "source and destination objects are the same"
  kSkipped,        // NX/XX condition not met: not an error, the caller replies nil/0
  // Lists.
  kIndexOutOfRange,  // "ERR index out of range" (LSET)
};

// A Status is either ok or an error message meant for logs and startup reports.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string msg) { return Status(std::move(msg)); }

  bool ok() const { return msg_.empty(); }
  const std::string& message() const { return msg_; }

 private:
  explicit Status(std::string msg) : msg_(std::move(msg)) {
    if (msg_.empty()) msg_ = "unknown error";
  }
  std::string msg_;
};

// Result<T> holds a value or an OpStatus (never kOk).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(OpStatus st) : v_(st) {}            // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  OpStatus status() const { return ok() ? OpStatus::kOk : std::get<1>(v_); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, OpStatus> v_;
};

}  // namespace duet
