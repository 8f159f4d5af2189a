// Sequential access to a command's arguments, for handlers.
//
// Views point into the client's query buffer and are valid for the duration of the handler.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "common/strutil.h"

namespace duet {

class ArgReader {
 public:
  // `args` excludes the command name (args[0] of the request).
  explicit ArgReader(std::span<const std::string_view> args) : args_(args) {}

  bool HasNext() const { return pos_ < args_.size(); }
  size_t Remaining() const { return args_.size() - pos_; }
  size_t Position() const { return pos_; }
  // Returns the next argument and advances. Precondition: HasNext().
  std::string_view Next() { return args_[pos_++]; }
  std::string_view Peek() const { return args_[pos_]; }
  // Advances if the next argument equals `word` case-insensitively.
  bool Consume(std::string_view word) {
    if (HasNext() && EqualsIgnoreCase(args_[pos_], word)) {
      pos_++;
      return true;
    }
    return false;
  }
  std::span<const std::string_view> Rest() const { return args_.subspan(pos_); }
  std::span<const std::string_view> All() const { return args_; }
  std::string_view operator[](size_t i) const { return args_[i]; }
  size_t size() const { return args_.size(); }

 private:
  std::span<const std::string_view> args_;
  size_t pos_ = 0;
};

}  // namespace duet
