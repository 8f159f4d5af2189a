#include "persistence/chunk_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace duet::rdb {

ChunkWriter::ChunkWriter(int fd, std::string tmp_path, std::string final_path)
    : fd_(fd), tmp_path_(std::move(tmp_path)), final_path_(std::move(final_path)) {
  thread_ = std::thread([this] { Run(); });
}

ChunkWriter::~ChunkWriter() { Abort(); }

void ChunkWriter::Push(std::string chunk) {
  queued_.fetch_add(chunk.size(), std::memory_order_acq_rel);
  {
    std::lock_guard<std::mutex> lock(mu_);
    chunks_.push_back(std::move(chunk));
  }
  cv_.notify_one();
}

void ChunkWriter::WaitBelow(size_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  room_cv_.wait(lock, [&] { return queued_.load() <= bytes || failed_.load() || done_.load(); });
}

void ChunkWriter::Close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_one();
}

void ChunkWriter::Abort() {
  if (!thread_.joinable()) return;  // aborted or finished and joined already
  {
    std::lock_guard<std::mutex> lock(mu_);
    abort_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (done_.load()) return;  // the worker finished (closed, renamed or removed the file)
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  unlink(tmp_path_.c_str());
}

void ChunkWriter::Run() {
  Status st;
  while (true) {
    std::string chunk;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return abort_ || closing_ || !chunks_.empty(); });
      if (abort_) return;
      if (chunks_.empty()) break;  // closing, all written
      chunk = std::move(chunks_.front());
      chunks_.pop_front();
    }
    std::string_view rest = chunk;
    while (st.ok() && !rest.empty()) {
      ssize_t n = write(fd_, rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        st = Status::Error(std::string("Write error saving DB on disk: ") + std::strerror(errno));
        failed_.store(true, std::memory_order_release);
        break;
      }
      rest.remove_prefix(static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      queued_.fetch_sub(chunk.size(), std::memory_order_acq_rel);
    }
    room_cv_.notify_all();
  }
  if (st.ok() && fsync(fd_) != 0) {
    st = Status::Error(std::string("Write error saving DB on disk: ") + std::strerror(errno));
  }
  close(fd_);
  fd_ = -1;
  if (st.ok() && rename(tmp_path_.c_str(), final_path_.c_str()) != 0) {
    std::string dir = ".";
    if (size_t slash = final_path_.rfind('/'); slash != std::string::npos) {
      dir = final_path_.substr(0, slash);
    }
    st = Status::Error("Error moving temp DB file " + tmp_path_ + " on the final destination " +
                       final_path_ + " (in server root dir " + dir + "): " + std::strerror(errno));
  }
  if (!st.ok()) unlink(tmp_path_.c_str());
  result_ = st;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_.store(true, std::memory_order_release);
  }
  room_cv_.notify_all();
}

}  // namespace duet::rdb
