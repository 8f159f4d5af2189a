// IoBuffer: a growable byte buffer with a read cursor, for socket input. Unlike std::string
// it does not zero-fill the space it reserves for the next read().
#pragma once

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace duet {

class IoBuffer {
 public:
  IoBuffer() = default;
  ~IoBuffer() { free(data_); }
  IoBuffer(const IoBuffer&) = delete;
  IoBuffer& operator=(const IoBuffer&) = delete;

  // Unconsumed bytes.
  std::string_view Readable() const { return {data_ + start_, end_ - start_}; }
  size_t size() const { return end_ - start_; }
  size_t capacity() const { return cap_; }
  void Consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
  }
  // Returns a pointer to at least `n` writable bytes after the readable ones.
  char* PrepareWrite(size_t n) {
    if (cap_ - end_ < n) {
      if (start_ > 0) {  // compact first
        memmove(data_, data_ + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
      }
      if (cap_ - end_ < n) {
        size_t want = cap_ * 2 > end_ + n ? cap_ * 2 : end_ + n;
        auto* p = static_cast<char*>(realloc(data_, want));
        if (!p) abort();
        data_ = p;
        cap_ = want;
      }
    }
    return data_ + end_;
  }
  void CommitWrite(size_t n) { end_ += n; }
  // Reallocates the buffer to max(`cap`, size()) bytes, moving the readable bytes to its
  // start; 0 with nothing readable frees it. Invalidates pointers into the buffer.
  void Resize(size_t cap) {
    if (start_ > 0) {
      memmove(data_, data_ + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
    }
    if (cap < end_) cap = end_;
    if (cap == cap_) return;
    if (cap == 0) {
      free(data_);
      data_ = nullptr;
      cap_ = 0;
      return;
    }
    auto* p = static_cast<char*>(realloc(data_, cap));
    if (!p) abort();
    data_ = p;
    cap_ = cap;
  }

 private:
  char* data_ = nullptr;
  size_t cap_ = 0;
  size_t start_ = 0;
  size_t end_ = 0;
};

}  // namespace duet
