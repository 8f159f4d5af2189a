// ChunkWriter: a background thread that writes a stream of byte chunks to a file, then
// fsyncs, closes and renames it into place (the disk side of a background snapshot).
//
// The owner pushes chunks (Push), watches queued_bytes() for backpressure, and ends the
// stream with Close(); the worker then writes the rest, fsyncs, closes and renames
// `tmp_path` over `final_path`, and done() turns true with result() holding the outcome (the
// first write/fsync/rename error, with Redis's texts). Abort() stops the worker, closes and
// unlinks the temp file.
//
// Threading: Push/Close/Abort/queued_bytes/done/result from the owner's thread only; the
// worker touches only the queue (under the mutex) and the file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace duet::rdb {

class ChunkWriter {
 public:
  // Takes ownership of `fd` (open for writing on tmp_path).
  ChunkWriter(int fd, std::string tmp_path, std::string final_path);
  ~ChunkWriter();  // aborts if still running
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  void Push(std::string chunk);
  // Bytes pushed and not yet written.
  size_t queued_bytes() const { return queued_.load(std::memory_order_acquire); }
  // Blocks until at most `bytes` are queued (or the worker failed).
  void WaitBelow(size_t bytes);
  // A write failed already (the rest of the stream is pointless).
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  void Close();
  bool done() const { return done_.load(std::memory_order_acquire); }
  // Valid once done().
  const Status& result() const { return result_; }
  void Abort();

 private:
  void Run();

  int fd_;
  std::string tmp_path_;
  std::string final_path_;
  std::mutex mu_;
  std::condition_variable cv_;       // work for the worker
  std::condition_variable room_cv_;  // the queue shrank
  std::deque<std::string> chunks_;
  bool closing_ = false;
  bool abort_ = false;
  std::atomic<size_t> queued_{0};
  std::atomic<bool> failed_{false};
  std::atomic<bool> done_{false};
  Status result_;
  std::thread thread_;
};

}  // namespace duet::rdb
