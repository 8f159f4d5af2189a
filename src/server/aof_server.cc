// The server's side of the append-only file (Redis 7 multi-part AOF): loading it at startup
// (manifest -> base (RDB preamble or commands) -> incremental files, Redis 7's upgrade of a
// single appendonly.aof), appending the propagated commands (server/aof.h) and writing them
// before replies leave (BeforeSleep), fsync policies, write errors, rewrites (BGREWRITEAOF,
// automatic, CONFIG SET appendonly yes), DEBUG LOADAOF and the BGREWRITEAOF command.
// The group commit of appendfsync always is in server/aof_commit.cc.
//
// A rewrite writes the new base from a background snapshot (server/snapshot_server.cc).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "common/log.h"
#include "common/strutil.h"
#include "persistence/aof_filler.h"
#include "persistence/aof_rewrite_writer.h"
#include "persistence/rdb_file.h"
#include "protocol/errors.h"
#include "server/aof.h"
#include "server/memory_stats.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

AofState::AofState(const Config& config, const Clock& clock) : config_(config), clock_(clock) {
  const char* e = std::getenv("DUET_AOF_PREEXTEND");
  preextend_allowed = !(e && std::string_view(e) == "0");
}

void AofState::Feed(int db, std::string_view resp) {
  size_t before = buf.size();
  if (config_.aof_timestamp_enabled) {
    int64_t now_s = clock_.NowMs() / 1000;
    if (cur_timestamp < now_s) {
      cur_timestamp = now_s;
      buf += "#TS:" + std::to_string(now_s) + "\r\n";
    }
  }
  if (db != selected_db) {
    std::string id = std::to_string(db);
    buf += "*2\r\n$6\r\nSELECT\r\n$" + std::to_string(id.size()) + "\r\n" + id + "\r\n";
    selected_db = db;
  }
  buf += resp;
  fed += buf.size() - before;
}

namespace {

std::string ErrnoText(int e) { return std::strerror(e); }

bool PathExists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

bool IsDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

int64_t FileSize(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

// A whole file in memory (mmap; empty files map nothing).
class MappedFile {
 public:
  ~MappedFile() {
    if (data_) munmap(data_, size_);
  }
  bool Open(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      return false;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        close(fd);
        return false;
      }
      data_ = static_cast<char*>(p);
    }
    close(fd);
    return true;
  }
  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
};

bool ArityFits(const CommandSpec& spec, size_t argc) {
  return spec.arity > 0 ? argc == static_cast<size_t>(spec.arity)
                        : argc >= static_cast<size_t>(-spec.arity);
}

}  // namespace

std::string Server::AofPath(const std::string& name) const {
  return config_->appenddirname + "/" + name;
}

// ---- loading ---------------------------------------------------------------------------

void Server::CallFromAof(Client& c, const CommandSpec& spec,
                         std::span<const std::string_view> args) {
  // Call's steps that act on the data, in Call's order (DEBUG LOADAOF runs this inside a
  // command, so the outer client is restored as Call does).
  ServerContext ctx(*this, c, spec, args[0], args);
  Client* outer = EnterAndRunHandler(ctx, c, spec, args);
  if (propagator_.active()) PropagateCall(c, spec, ctx, args, !outer);
  LeaveCall(c, ctx, outer);
}

Server::AofLoadResult Server::LoadAofFile(const std::string& name, bool last_file,
                                          uint64_t load_offset) {
  std::string path = AofPath(name);
  MappedFile f;
  if (!f.Open(path)) {
    if (errno == ENOENT) {
      Log(LogLevel::kWarning, "The append log file {} doesn't exist: {}", name, ErrnoText(errno));
      return AofLoadResult::kNotExist;
    }
    Log(LogLevel::kWarning, "Fatal error: can't open the append log file {} for reading: {}", name,
        ErrnoText(errno));
    return AofLoadResult::kOpenErr;
  }
  if (f.size() == 0) return AofLoadResult::kEmpty;
  size_t start = 0;
  if (f.size() >= 5 && std::memcmp(f.data(), "REDIS", 5) == 0) {
    bool old_style = name == config_->appendfilename;
    Log(LogLevel::kNotice, "{}",
        old_style ? "Reading RDB preamble from AOF file..."
                  : "Reading RDB base file on AOF loading...");
    rdb::LoadOptions opts;
    opts.now_ms = clock_->NowMs();
    opts.aof_preamble = true;
    opts.on_function = [this](const std::string& code, std::string* err) {
      std::string lib;
      return functions_->Load(code, /*replace=*/false, /*timeout_ms=*/0, &lib, err);
    };
    SetLoadingHooks(&opts, load_offset);
    rdb::LoadStats ls;
    Status st = rdb::LoadFromMemory(reinterpret_cast<const uint8_t*>(f.data()), f.size(), keyspace_,
                                    *config_, opts, &ls);
    if (st.message() == rdb::kLoadStopped) return AofLoadResult::kStopped;
    if (!st.ok()) {
      Log(LogLevel::kWarning, "{}", st.message());
      if (old_style) {
        Log(LogLevel::kWarning,
            "Error reading the RDB preamble of the AOF file {}, AOF loading aborted", name);
      } else {
        Log(LogLevel::kWarning, "Error reading the RDB base file {}, AOF loading aborted", name);
      }
      return AofLoadResult::kFailed;
    }
    start = ls.bytes_read;
    if (old_style) Log(LogLevel::kNotice, "Reading the remaining AOF tail...");
  }
  // The commands, run on a client of their own that never blocks and gets no replies, as
  // Redis's fake AOF client.
  Client loader(0, -1);
  loader.authenticated = true;
  loader.in_exec = true;
  loader.is_aof_loader = true;
  aof::CommandReader reader(f.data(), f.size(), start);
  std::vector<std::string_view> argv;
  size_t valid_before_multi = start;
  size_t valid_up_to = start;
  bool truncated = false;
  // A crash while an appendfsync always server wrote over its filler (persistence/
  // aof_filler.h) leaves a partial command followed by filler: Redis's loader reports a bad
  // format there or reads the command's last argument into the filler; duet loads such a
  // file as the truncated file it is.
  std::string_view data(f.data(), f.size());
  auto torn_over_filler = [&] {
    return last_file && aof::FillerTailStart(data, valid_up_to) < data.size();
  };
  for (uint64_t loops = 0;; loops++) {
    // Clients are served every 1024 commands (Redis's loadSingleAppendOnlyFile), the first
    // time before the first command.
    if (loops % 1024 == 0 && !LoadingProgress(load_offset + reader.offset())) {
      if (loader.multi) DiscardTransaction(loader);
      return AofLoadResult::kStopped;
    }
    aof::CommandReader::Result r = reader.Next(&argv);
    if (r == aof::CommandReader::Result::kEnd) break;
    if (r == aof::CommandReader::Result::kTruncated) {
      truncated = true;
      break;
    }
    if (r == aof::CommandReader::Result::kFormatError && torn_over_filler()) {
      truncated = true;
      break;
    }
    if (r == aof::CommandReader::Result::kCommand && !reader.last_crlf_ok() && torn_over_filler()) {
      truncated = true;
      break;
    }
    if (r == aof::CommandReader::Result::kFormatError) {
      Log(LogLevel::kWarning, "The bad data is at offset {} of {}", reader.error_offset(), path);
      Log(LogLevel::kWarning,
          "Bad file format reading the append only file {}: make a backup of your AOF file, "
          "then use ./redis-check-aof --fix <filename.manifest>",
          name);
      return AofLoadResult::kFailed;
    }
    const CommandSpec* spec = commands_.Find(argv[0]);
    if (spec && spec->IsContainer() && argv.size() >= 2)
      spec = CommandTable::FindSub(*spec, argv[1]);
    if (!spec) {
      Log(LogLevel::kWarning, "The command ends at offset {} of {}", reader.offset(), path);
      Log(LogLevel::kWarning, "Unknown command '{}' reading the append only file {}", argv[0],
          name);
      return AofLoadResult::kFailed;
    }
    if (!ArityFits(*spec, argv.size())) {
      Log(LogLevel::kWarning,
          "Bad file format reading the append only file {}: wrong number of arguments for '{}' "
          "ending at offset {}",
          name, argv[0], reader.offset());
      return AofLoadResult::kFailed;
    }
    if (spec->name == "multi") valid_before_multi = valid_up_to;
    int64_t now_us = clock_->NowUs();
    keyspace_.SetNow(now_us / 1000);
    if (loader.multi && spec->name != "exec") {
      loader.multi->commands.push_back({spec, std::vector<std::string>(argv.begin(), argv.end())});
    } else if (spec->name == "exec" || spec->name.starts_with("eval") ||
               spec->name.starts_with("fcall")) {
      Call(loader, *spec, argv, now_us);
    } else {
      CallFromAof(loader, *spec, argv);
    }
    loader.out().clear();
    valid_up_to = reader.offset();
    if (key_load_delay_us_ != 0) KeyLoadDelay();
    // SHUTDOWN NOSAVE while a script from the file was busy: stop now.
    if (shutdown_requested_) {
      if (loader.multi) DiscardTransaction(loader);
      return AofLoadResult::kStopped;
    }
  }
  if (!truncated && loader.multi) {
    Log(LogLevel::kWarning, "Revert incomplete MULTI/EXEC transaction in AOF file {}", name);
    valid_up_to = valid_before_multi;
    truncated = true;
  }
  if (loader.multi) DiscardTransaction(loader);
  if (!truncated) {
    // The filler an appendfsync always server kept ahead of its data (persistence/
    // aof_filler.h) and had no chance to truncate (a crash): annotations to every loader,
    // cut here so that restarts do not pile it up.
    size_t tail = aof::FillerTailStart(data, reader.offset());
    if (tail < f.size() && truncate(path.c_str(), static_cast<off_t>(tail)) != 0) {
      Log(LogLevel::kWarning, "Error truncating the filler at the end of the AOF file {}: {}", name,
          ErrnoText(errno));
    }
    return AofLoadResult::kOk;
  }
  if (config_->aof_load_truncated) {
    Log(LogLevel::kWarning, "!!! Warning: short read while loading the AOF file {}!!!", name);
    Log(LogLevel::kWarning, "!!! Truncating the AOF {} at offset {} !!!", name, valid_up_to);
    if (truncate(path.c_str(), static_cast<off_t>(valid_up_to)) != 0) {
      Log(LogLevel::kWarning, "Error truncating the AOF file {}: {}", name, ErrnoText(errno));
    } else {
      Log(LogLevel::kWarning, "AOF {} loaded anyway because aof-load-truncated is enabled", name);
      return last_file ? AofLoadResult::kTruncated : AofLoadResult::kTruncatedNotLast;
    }
  }
  Log(LogLevel::kWarning, "The last complete command ends at offset {} of {}", valid_up_to, path);
  Log(LogLevel::kWarning,
      "Unexpected end of file reading the append only file {}. You can: 1) Make a backup of "
      "your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively "
      "you can set the 'aof-load-truncated' configuration option to yes and restart the "
      "server.",
      name);
  return AofLoadResult::kFailed;
}

Status Server::LoadAofManifest() {
  aof_->manifest = aof::Manifest();
  std::string name = config_->appendfilename + ".manifest";
  std::string path = AofPath(name);
  if (!IsDir(config_->appenddirname) || !PathExists(path)) return Status::Ok();
  MappedFile f;
  if (!f.Open(path)) {
    return Status::Error("Fatal error: can't open the AOF manifest file " + path +
                         " for reading: " + ErrnoText(errno));
  }
  int line_no = 0;
  std::string line;
  Status st =
      aof::Manifest::Parse(std::string_view(f.data(), f.size()), &aof_->manifest, &line_no, &line);
  if (st.ok()) return st;
  Log(LogLevel::kWarning, "Reading the AOF manifest file {}", path);
  Log(LogLevel::kWarning, "\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
  if (line_no) {
    Log(LogLevel::kWarning, "Reading the manifest file, at line {}\n", line_no);
    Log(LogLevel::kWarning, ">>> '{}'\n", line);
  }
  Log(LogLevel::kWarning, "{}\n", st.message());
  // Everything is logged, Redis's reason last.
  return Status::Error(std::string(kErrorLogged));
}

Status Server::LoadAof(bool* loaded) {
  *loaded = false;
  // What is loaded is not propagated again (Redis turns the AOF off while it loads).
  bool was_on = aof_on_;
  if (was_on) propagator_.RemoveTarget(aof_.get());
  keyspace_.ctx().loading = true;
  Status st = LoadAofFiles(loaded);
  keyspace_.ctx().loading = false;
  if (was_on) propagator_.AddTarget(aof_.get());
  return st;
}

Status Server::LoadAofFiles(bool* loaded) {
  aof::Manifest& m = aof_->manifest;
  const std::string& dir = config_->appenddirname;
  const std::string& fname = config_->appendfilename;
  // Redis 7's upgrade of a single appendonly.aof (in the working directory) into a base file.
  if (PathExists(fname)) {
    bool upgrade =
        !IsDir(dir) || (!m.base && m.incr.empty()) ||
        (m.base && m.incr.empty() && m.base->name == fname && !PathExists(AofPath(fname)));
    if (upgrade) {
      if (!IsDir(dir) && mkdir(dir.c_str(), 0755) != 0) {
        return Status::Error("Can't open or create append-only dir " + dir + ": " +
                             ErrnoText(errno));
      }
      m = aof::Manifest();
      m.base = aof::FileInfo{fname, 1, 'b'};
      m.base_seq = 1;
      if (Status st = aof::WriteManifest(dir, fname, m); !st.ok()) return st;
      if (rename(fname.c_str(), AofPath(fname).c_str()) != 0) {
        return Status::Error("Error trying to move the old AOF file " + fname + " into dir " + dir +
                             ": " + ErrnoText(errno));
      }
      Log(LogLevel::kNotice,
          "Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).", fname,
          dir);
    }
  }
  if (!m.base && m.incr.empty()) return Status::Ok();
  int64_t total = 0, base_size = 0;
  std::vector<const aof::FileInfo*> files;
  if (m.base) files.push_back(&*m.base);
  for (const aof::FileInfo& f : m.incr) files.push_back(&f);
  for (const aof::FileInfo* f : files) {
    int64_t size = FileSize(AofPath(f->name));
    if (size < 0) {
      Log(LogLevel::kWarning, "Unable to obtain the AOF file {} length. stat: {}", f->name,
          ErrnoText(errno));
      return Status::Error(std::string(kErrorLogged));  // logged (Redis's line names the file)
    }
    total += size;
  }
  if (total == 0) return Status::Ok();
  StartLoading(static_cast<uint64_t>(total));
  uint64_t load_offset = 0;  // the bytes of the files loaded so far
  for (size_t i = 0; i < files.size(); i++) {
    const aof::FileInfo& f = *files[i];
    bool last = i + 1 == files.size();
    int64_t start = clock_->NowMs();
    AofLoadResult r = LoadAofFile(f.name, last, load_offset);
    if (r == AofLoadResult::kStopped) {
      StopLoading();
      return Status::Error(std::string(rdb::kLoadStopped));
    }
    int64_t size = FileSize(AofPath(f.name));  // after a truncation: what is left
    if (size > 0) load_offset += static_cast<uint64_t>(size);
    stats_.persistence.loading_loaded_bytes = load_offset;
    if (i == 0 && m.base) base_size = size;
    if (r == AofLoadResult::kOk || r == AofLoadResult::kTruncated) {
      Log(LogLevel::kNotice, "DB loaded from {} file {}: {:.3f} seconds",
          f.type == 'b' ? "base" : "incr", f.name,
          static_cast<double>(clock_->NowMs() - start) / 1000);
    }
    if (r == AofLoadResult::kTruncatedNotLast) {
      Log(LogLevel::kWarning, "Fatal error: the truncated file is not the last file");
      r = AofLoadResult::kFailed;
    }
    if (r == AofLoadResult::kOpenErr || r == AofLoadResult::kFailed ||
        r == AofLoadResult::kNotExist) {
      StopLoading();
      return Status::Error(std::string(kErrorLogged));  // logged, naming the file and offset
    }
  }
  StopLoading();
  aof_->current_size = total;
  aof_->rewrite_base_size = base_size;
  *loaded = true;
  return Status::Ok();
}

Status Server::LoadDataAtStartup() {
  if (Status st = LoadAofManifest(); !st.ok()) return st;
  if (!config_->appendonly) return LoadRdb();
  int64_t start = clock_->NowUs();
  bool loaded = false;
  if (Status st = LoadAof(&loaded); !st.ok()) return st;
  if (loaded) {
    Log(LogLevel::kNotice, "DB loaded from append only file: {:.3f} seconds",
        static_cast<double>(clock_->NowUs() - start) / 1e6);
  }
  return OpenAofOnStart();
}

// ---- writing ---------------------------------------------------------------------------

Status Server::OpenAofOnStart() {
  AofState& a = *aof_;
  const std::string& dir = config_->appenddirname;
  if (!IsDir(dir) && mkdir(dir.c_str(), 0755) != 0) {
    return Status::Error("Can't open or create append-only dir " + dir + ": " + ErrnoText(errno));
  }
  bool had_incr = !a.manifest.incr.empty();
  if (!a.manifest.base && !had_incr) {
    std::string base = a.manifest.NewBase(config_->appendfilename, config_->aof_use_rdb_preamble);
    if (Status st = WriteAofBase(AofPath(base)); !st.ok()) return st;
    Log(LogLevel::kNotice, "Creating AOF base file {} on server start", base);
  }
  std::string incr =
      had_incr ? a.manifest.incr.back().name : a.manifest.NewIncr(config_->appendfilename);
  a.fd = open(AofPath(incr).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (a.fd < 0) {
    return Status::Error("Can't open the append-only file " + incr + ": " + ErrnoText(errno));
  }
  if (Status st = aof::WriteManifest(dir, config_->appendfilename, a.manifest); !st.ok()) return st;
  a.last_incr_size = FileSize(AofPath(incr));
  a.last_incr_fsync_offset = a.last_incr_size;
  a.selected_db = -1;
  RefreshAofSizes();
  Log(LogLevel::kNotice, "{} AOF incr file {} on server start", had_incr ? "Opening" : "Creating",
      incr);
  aof_on_ = true;
  propagator_.AddTarget(aof_.get());
  SyncAofStats();  // INFO's sizes from the start, as Redis sets them while loading
  return Status::Ok();
}

void Server::RefreshAofSizes() {
  AofState& a = *aof_;
  int64_t total = 0;
  if (a.manifest.base) total += std::max<int64_t>(0, FileSize(AofPath(a.manifest.base->name)));
  for (const aof::FileInfo& f : a.manifest.incr) {
    // The open file's filler (appendfsync always) is not part of it.
    bool open_file = a.preextended && &f == &a.manifest.incr.back();
    total += open_file ? a.last_incr_size : std::max<int64_t>(0, FileSize(AofPath(f.name)));
  }
  a.current_size = total;
}

Status Server::WriteAofBase(const std::string& path) {
  int64_t now = clock_->NowMs();
  keyspace_.SetNow(now);
  if (!config_->aof_use_rdb_preamble) {
    // The commands form Redis's rewriteAppendOnlyFileRio writes (persistence/
    // aof_rewrite_writer.h).
    aof::CommandsFileOptions opts;
    opts.functions = functions_->Codes();
    opts.timestamp = config_->aof_timestamp_enabled;
    opts.now_ms = now;
    return aof::WriteCommandsFile(keyspace_, opts, path);
  }
  rdb::SaveOptions opts = rdb::SaveOptionsFor(*config_, now, ReadUsedMemory());
  opts.aof_base = true;
  opts.functions = functions_->Codes();
  return rdb::SaveToFile(keyspace_, *config_, opts, path);
}

void Server::FlushAof(bool force) {
  if (!aof_on_) return;
  AofState& a = *aof_;
  bool everysec = config_->appendfsync == "everysec";
  bool always = config_->appendfsync == "always";
  int64_t now_s = clock_->NowMs() / 1000;
  bool sync_in_progress = false;
  if (a.buf.empty()) {
    if (everysec && a.last_incr_fsync_offset != a.last_incr_size && now_s > a.last_fsync_s &&
        a.fsync.Pending() == 0) {
      // fall through to the fsync
    } else {
      if (always) PumpAofFsync();  // what an earlier iteration wrote while an fsync ran
      return;
    }
  } else {
    if (everysec) sync_in_progress = a.fsync.Pending() != 0;
    if (everysec && !force && sync_in_progress) {
      // A write would wait for the running fsync anyway: postpone it up to two seconds.
      if (a.flush_postponed_start == 0) {
        a.flush_postponed_start = now_s;
        return;
      }
      if (now_s - a.flush_postponed_start < 2) return;
      a.delayed_fsync++;
      Log(LogLevel::kNotice,
          "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer "
          "without waiting for fsync to complete, this may slow down Redis.");
    }
    a.flush_postponed_start = 0;
    // Under always the data goes over the filler the file was extended with (pwrite at the
    // logical end), followed by one '#' where the filler would go on with a lone newline.
    bool over_filler = PreextendAof(a.buf.size());
    size_t data_size = a.buf.size();
    int64_t data_end = a.last_incr_size + static_cast<int64_t>(data_size);
    if (over_filler && data_end < a.physical_size &&
        aof::EndNeedsMark(static_cast<uint64_t>(data_end))) {
      a.buf.push_back('#');
    }
    size_t done = 0;
    int err = 0;
    while (done < a.buf.size()) {
      ssize_t n = over_filler
                      ? pwrite(a.fd, a.buf.data() + done, a.buf.size() - done,
                               static_cast<off_t>(a.last_incr_size) + static_cast<off_t>(done))
                      : write(a.fd, a.buf.data() + done, a.buf.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        err = errno;
        break;
      }
      done += static_cast<size_t>(n);
    }
    if (a.buf.size() != data_size) {
      a.buf.resize(data_size);
      done = std::min(done, data_size);
    }
    if (done != a.buf.size()) {
      bool can_log = now_s - a.last_write_error_log_s > 30;
      if (can_log) a.last_write_error_log_s = now_s;
      if (done == 0 && err != 0) {
        if (can_log) Log(LogLevel::kWarning, "Error writing to the AOF file: {}", ErrnoText(err));
        a.last_write_errno = err;
      } else {
        if (can_log) {
          Log(LogLevel::kWarning,
              "Short write while writing to the AOF file: (nwritten={}, expected={})", done,
              a.buf.size());
        }
        // Nothing half-written stays in the file: the whole buffer is retried later.
        if (ftruncate(a.fd, a.last_incr_size) == 0) {
          done = 0;
        } else if (can_log) {
          Log(LogLevel::kWarning,
              "Could not remove short write from the append-only file.  Redis may refuse to "
              "load the AOF the next time it starts.  ftruncate: {}",
              ErrnoText(errno));
        }
        a.last_write_errno = ENOSPC;
      }
      if (always) {
        // The replies of this batch (and what readers saw) are promised durable: as Redis,
        // stop rather than acknowledge what is not on disk.
        Log(LogLevel::kWarning,
            "Can't recover from AOF write error when the AOF fsync policy is 'always'. "
            "Exiting...");
        std::exit(1);
      }
      a.last_write_ok = false;
      if (done > 0) {
        a.current_size += static_cast<int64_t>(done);
        a.last_incr_size += static_cast<int64_t>(done);
        a.written += done;
        a.buf.erase(0, done);
      }
      SyncAofStats();
      return;
    }
    if (!a.last_write_ok) {
      Log(LogLevel::kWarning, "AOF write error looks solved, Redis can write again.");
      a.last_write_ok = true;
    }
    a.current_size += static_cast<int64_t>(done);
    a.last_incr_size += static_cast<int64_t>(done);
    a.written += done;
    if (over_filler) a.physical_size = std::max(a.physical_size, a.last_incr_size);
    if (a.buf.capacity() < 4000) {
      a.buf.clear();
    } else {
      std::string().swap(a.buf);
    }
  }
  if (config_->no_appendfsync_on_rewrite && stats_.persistence.aof_rewrite_in_progress) {
    SyncAofStats();
    return;
  }
  if (always) {
    // Group commit: the fdatasync runs on the fsync thread while the loop goes on; the
    // replies of this iteration wait for it (FlushPendingWrites, OnAofFsyncDone). When one
    // is running already, the next starts when it ends and covers everything written
    // meanwhile.
    PumpAofFsync();
  } else if (everysec && now_s > a.last_fsync_s) {
    if (!sync_in_progress && a.fsync.Pending() == 0) {
      SubmitAofFsync(a.fd, false);
      a.last_incr_fsync_offset = a.last_incr_size;
    }
    a.last_fsync_s = now_s;
  }
  SyncAofStats();
}

void Server::SyncAofStats() {
  PersistenceStats& p = stats_.persistence;
  AofState& a = *aof_;
  p.aof_current_size = static_cast<uint64_t>(a.current_size);
  p.aof_base_size = static_cast<uint64_t>(a.rewrite_base_size);
  p.aof_buffer_length = a.buf.size();
  // The everysec thread's queued fsyncs and, under always, the group commits in flight.
  p.aof_pending_bio_fsync = a.fsync.Pending() + a.pool.InFlight();
  p.aof_delayed_fsync = a.delayed_fsync;
  p.aof_last_write_ok = a.last_write_ok && !a.fsync.failed();
}

bool Server::WritesDeniedByAofError(std::string* err) const {
  if (!aof_on_) return false;
  const AofState& a = *aof_;
  int e = 0;
  if (!a.last_write_ok) {
    e = a.last_write_errno;
  } else if (a.fsync.failed()) {
    e = a.fsync.last_errno();
  } else {
    return false;
  }
  *err = std::string(errors::kMisconfAofPrefix) + ErrnoText(e);
  return true;
}

void Server::AofCron() {
  PersistenceStats& p = stats_.persistence;
  AofState& a = *aof_;
  if (aof_on_) {
    int64_t now_ms = clock_->NowMs();
    // A write postponed behind a running fsync, a failed write to retry (once a second, as
    // Redis), an everysec fsync that is due.
    if (a.flush_postponed_start != 0 || !a.last_write_ok || !a.buf.empty() ||
        a.last_incr_fsync_offset != a.last_incr_size) {
      if (a.last_write_ok || now_ms - last_aof_retry_ms_ >= 1000) {
        last_aof_retry_ms_ = now_ms;
        FlushAof(false);
      }
    }
  }
  // A rewrite asked for while a snapshot ran (BGREWRITEAOF, CONFIG SET appendonly yes).
  if (!snapshot_ && p.aof_rewrite_scheduled) {
    p.aof_rewrite_scheduled = false;
    RewriteAof();
  }
  if (!aof_on_) return;
  // Automatic rewrite: the AOF grew by auto-aof-rewrite-percentage over its size after the
  // last rewrite, and is past auto-aof-rewrite-min-size.
  int64_t perc = config_->auto_aof_rewrite_percentage;
  if (!snapshot_ && perc != 0 && a.current_size > config_->auto_aof_rewrite_min_size) {
    int64_t base = a.rewrite_base_size ? a.rewrite_base_size : 1;
    int64_t growth = (a.current_size * 100 / base) - 100;
    if (growth >= perc) {
      Log(LogLevel::kNotice, "Starting automatic rewriting of AOF on {}% growth", growth);
      RewriteAof();
    }
  }
  SyncAofStats();
}

void Server::ShutdownAof() {
  if (!aof_on_) return;
  FlushAof(true);
  DropAofFiller();  // a cleanly stopped server's file ends with its last command
  Log(LogLevel::kNotice, "Calling fsync() on the AOF file.");
  // Durable now: the replies still waiting for their fsync may go (best effort).
  SyncAofAndRelease();
}

// ---- rewriting, switching on and off ---------------------------------------------------

Status Server::RewriteAof() {
  AofState& a = *aof_;
  PersistenceStats& p = stats_.persistence;
  const std::string& dir = config_->appenddirname;
  const std::string& fname = config_->appendfilename;
  if (snapshot_) return Status::Error("a background snapshot is running");
  auto fail = [&](const Status& st) {
    Log(LogLevel::kWarning, "{}", st.message());
    p.aof_last_bgrewrite_ok = false;
    p.aof_rewrites_consecutive_failures++;
    return st;
  };
  if (!IsDir(dir) && mkdir(dir.c_str(), 0755) != 0) {
    return fail(
        Status::Error("Can't open or create append-only dir " + dir + ": " + ErrnoText(errno)));
  }
  if (aof_on_ && !aof_rewrite_keep_incr_) {
    // Everything so far goes to the current incremental file, which the new base covers;
    // later commands go to a new one, listed in the manifest at once (Redis 7's
    // openNewIncrAofForAppend), so a crash before the rewrite ends loses nothing.
    FlushAof(true);
    aof::Manifest m = a.manifest;
    std::string incr = m.NewIncr(fname);
    int new_fd = open(AofPath(incr).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (new_fd < 0) {
      return fail(
          Status::Error("Can't open the append-only file " + incr + ": " + ErrnoText(errno)));
    }
    if (Status st = aof::WriteManifest(dir, fname, m); !st.ok()) {
      close(new_fd);
      unlink(AofPath(incr).c_str());
      return fail(st);
    }
    // The old file was fdatasync'ed by FlushAof (always) or is left to the fsync thread,
    // which closes it afterwards.
    a.pool.ForgetFiles();  // its fsyncs use the old file until they end
    DropAofFiller();
    SubmitAofFsync(a.fd, /*close_after=*/true);
    a.fd = new_fd;
    a.selected_db = -1;
    a.last_incr_size = 0;
    a.last_incr_fsync_offset = 0;
    a.manifest = std::move(m);
  }
  // The base's name as the manifest will give it when the rewrite ends.
  aof::Manifest next = a.manifest;
  aof_rewrite_base_ = next.NewBase(fname, config_->aof_use_rdb_preamble);
  int64_t now = clock_->NowMs();
  keyspace_.SetNow(now);
  rdb::Snapshot::Options o = SnapshotOptions(now, /*aof_base=*/true);
  o.commands = !config_->aof_use_rdb_preamble;  // as WriteAofBase: Redis's two base forms
  o.timestamp = config_->aof_timestamp_enabled;
  o.final_path = AofPath(aof_rewrite_base_);
  o.tmp_path = AofPath("temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof");
  if (Status st = StartSnapshot(o); !st.ok()) {
    return fail(st);
  }
  snapshot_purpose_ = SnapshotPurpose::kAofBase;
  p.aof_rewrite_in_progress = true;
  p.aof_rewrite_scheduled = false;
  p.aof_rewrite_time_start = now / 1000;
  Log(LogLevel::kNotice, "Background append only file rewriting started by pid {}", getpid());
  loop_.RequestWakeWithinMs(0);
  return Status::Ok();
}

void Server::FinishAofRewrite(const Status& result) {
  AofState& a = *aof_;
  PersistenceStats& p = stats_.persistence;
  const std::string& dir = config_->appenddirname;
  const std::string& fname = config_->appendfilename;
  int64_t start = p.aof_rewrite_time_start;
  p.aof_rewrite_in_progress = false;
  p.aof_rewrite_time_start = -1;
  bool keep_incr = aof_rewrite_keep_incr_;
  auto fail = [&](const Status& st) {
    Log(LogLevel::kWarning, "{}", st.message());
    Log(LogLevel::kWarning, "Background AOF rewrite terminated with error");
    p.aof_last_bgrewrite_ok = false;
    p.aof_rewrites_consecutive_failures++;
    // The initial rewrite of CONFIG SET appendonly yes is retried (Redis's AOF_WAIT_REWRITE).
    if (keep_incr && aof_on_) p.aof_rewrite_scheduled = true;
  };
  if (!result.ok()) return fail(result);
  aof::Manifest m = a.manifest;
  std::string base = m.NewBase(fname, config_->aof_use_rdb_preamble);
  if (base != aof_rewrite_base_ &&
      rename(AofPath(aof_rewrite_base_).c_str(), AofPath(base).c_str()) != 0) {
    unlink(AofPath(aof_rewrite_base_).c_str());
    return fail(Status::Error("Error trying to rename the temporary AOF base file " +
                              aof_rewrite_base_ + " into " + base + ": " + ErrnoText(errno)));
  }
  m.IncrToHistory(/*keep_last=*/aof_on_);
  if (Status st = aof::WriteManifest(dir, fname, m); !st.ok()) {
    unlink(AofPath(base).c_str());
    return fail(st);
  }
  aof_rewrite_keep_incr_ = false;
  a.manifest = std::move(m);
  DeleteAofHistory();
  RefreshAofSizes();
  a.rewrite_base_size = a.current_size;
  p.aof_last_bgrewrite_ok = true;
  p.aof_rewrites++;
  p.aof_rewrites_consecutive_failures = 0;
  p.aof_last_rewrite_time_sec = start >= 0 ? clock_->NowMs() / 1000 - start : 0;
  Log(LogLevel::kNotice, "Background AOF rewrite terminated with success");
  Log(LogLevel::kNotice, "Background AOF rewrite finished successfully");
  SyncAofStats();
}

void Server::DeleteAofHistory() {
  AofState& a = *aof_;
  auto gc = config_->other.find("aof-disable-auto-gc");
  if ((gc != config_->other.end() && gc->second == "yes") || a.manifest.history.empty()) return;
  for (const aof::FileInfo& h : a.manifest.history) {
    Log(LogLevel::kNotice, "Removing the history file {} in the background", h.name);
    unlink(AofPath(h.name).c_str());
  }
  a.manifest.history.clear();
  if (Status st = aof::WriteManifest(config_->appenddirname, config_->appendfilename, a.manifest);
      !st.ok()) {
    Log(LogLevel::kWarning, "{}", st.message());
  }
}

Status Server::DebugLoadAof() {
  SnapshotDrain();  // a running background save keeps the image of its start
  if (aof_on_) {
    FlushAof(true);
    DropAofFiller();  // the loader would truncate it under the open file
  }
  keyspace_.FlushAll();
  functions_->Flush();  // Redis's emptyData empties the libraries too
  if (Status st = LoadAofManifest(); !st.ok()) return st;
  DeleteAofHistory();
  bool loaded = false;
  return LoadAof(&loaded);
}

Status Server::StartAof() {
  if (aof_on_) return Status::Ok();
  AofState& a = *aof_;
  const std::string& dir = config_->appenddirname;
  if (!IsDir(dir) && mkdir(dir.c_str(), 0755) != 0) {
    return Status::Error("Can't open or create append-only dir " + dir + ": " + ErrnoText(errno));
  }
  // The initial rewrite: a new incremental file now (listed in the manifest only once the
  // base of the whole dataset is written), the base from a background snapshot.
  aof::Manifest m = a.manifest;
  std::string incr = m.NewIncr(config_->appendfilename);
  int fd = open(AofPath(incr).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Error("Redis needs to enable the AOF but can't open the append only file " +
                         incr + ": " + ErrnoText(errno));
  }
  // Redis's startAppendOnly: the initial rewrite waits for another snapshot, and is only
  // scheduled inside EXEC; a rewrite already running (BGREWRITEAOF with the AOF off) does not
  // cover the commands from now on, so it stops and a new one begins.
  bool other_snapshot = snapshot_ && snapshot_purpose_ != SnapshotPurpose::kAofBase;
  bool in_exec = current_client_ && current_client_->in_exec;
  if (!other_snapshot && !in_exec && snapshot_purpose_ == SnapshotPurpose::kAofBase) {
    Log(LogLevel::kWarning,
        "AOF was enabled but there is already an AOF rewriting in background. Stopping "
        "background AOF and starting a rewrite now.");
  }
  if (snapshot_purpose_ == SnapshotPurpose::kAofBase) AbortSnapshot();
  a.manifest = std::move(m);
  a.fd = fd;
  a.selected_db = -1;
  a.last_incr_size = 0;
  a.last_incr_fsync_offset = 0;
  a.buf.clear();
  aof_on_ = true;
  aof_rewrite_keep_incr_ = true;
  if (other_snapshot || in_exec) {
    stats_.persistence.aof_rewrite_scheduled = true;  // the cron starts it
    Log(LogLevel::kWarning,
        "AOF was enabled {}. An AOF background was scheduled to start when possible.",
        other_snapshot ? "but there is already another background operation"
                       : "during a transaction");
  } else if (Status st = RewriteAof(); !st.ok()) {
    aof_on_ = false;
    aof_rewrite_keep_incr_ = false;
    close(a.fd);
    a.fd = -1;
    return st;
  }
  propagator_.AddTarget(aof_.get());
  Log(LogLevel::kNotice, "AOF rewrite in progress... (appendonly yes)");
  return Status::Ok();
}

void Server::StopAof() {
  if (!aof_on_) return;
  // As Redis kills a rewriting child when the AOF is turned off.
  if (snapshot_purpose_ == SnapshotPurpose::kAofBase) {
    Log(LogLevel::kNotice, "Killing running AOF rewrite child: {}", getpid());
    AbortSnapshot();
  }
  stats_.persistence.aof_rewrite_scheduled = false;
  aof_rewrite_keep_incr_ = false;
  FlushAof(true);
  AofState& a = *aof_;
  DropAofFiller();
  SyncAofAndRelease();
  a.pool.ForgetFiles();
  close(a.fd);
  a.fd = -1;
  a.buf.clear();
  aof_on_ = false;
  propagator_.RemoveTarget(aof_.get());
  SyncAofStats();
}

namespace {

void CmdBgrewriteaof(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Server& s = sctx.server();
  PersistenceStats& p = s.stats().persistence;
  if (s.snapshot_purpose() == Server::SnapshotPurpose::kAofBase) {
    return ctx.reply().Error(errors::kBgrewriteaofInProgress);
  }
  if (s.snapshot_purpose() != Server::SnapshotPurpose::kNone || sctx.client().in_exec) {
    p.aof_rewrite_scheduled = true;
    p.aof_rewrites_consecutive_failures = 0;  // a manual request runs at the first chance
    return ctx.reply().SimpleString(errors::kBgrewriteaofScheduled);
  }
  if (!s.RewriteAof().ok()) return ctx.reply().Error(errors::kBgrewriteaofFailed);
  ctx.reply().SimpleString(errors::kBgrewriteaofStarted);
}

}  // namespace

void RegisterAofCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "bgrewriteaof",
             .arity = 1,
             .flags = F::kAdmin | F::kNoScript | F::kNoAsyncLoading,
             .handler = CmdBgrewriteaof,
             .acl_categories = "@admin @slow @dangerous"});
}

}  // namespace duet
