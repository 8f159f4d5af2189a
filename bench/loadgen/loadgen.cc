// duet-loadgen: a pipelined RESP load generator that costs the client little per request.
//
// Why it exists: redis-benchmark parses every reply into hiredis objects, and at -P 16 one
// redis-benchmark thread saturates a core at about 1M small requests/s (or 230K LRANGE 0 99
// replies/s). Against a server that needs less than that core, the client sets the rate and
// the throughput ratio between two servers says nothing about the servers. Its --threads mode
// takes the server's CPU on a 2-core machine and times in 250 ms steps. This client sends
// the same requests (a fixed command line, `__rand_int__` replaced by a 12-digit random
// number below -r as redis-benchmark does) on -c connections with -P requests in flight per
// connection, and only walks each reply's RESP framing to find where it ends: no objects, no
// copies. It is one thread and one epoll loop, so on a 2-core machine the server keeps a core.
//
// Contract: exactly -n requests are sent (the last batch on a connection may be shorter), and
// every reply is read before the run ends. Latency of a request is the time from the send of
// its batch to the arrival of the read that completed it. Output with --csv is
// redis-benchmark's CSV (header + one row named by --name), so the bench harness reads both
// tools the same way. An error reply, a protocol violation or a lost connection fails the run
// (exit status 1, message on stderr): a measurement with errors in it is not a measurement.
//
//   duet-loadgen -p PORT [-h 127.0.0.1] [-c 50] [-P 16] [-n 1000000] [-r 0] [--csv]
//                [--name NAME] COMMAND [ARG...]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kRandToken = "__rand_int__";
constexpr size_t kRandDigits = 12;  // redis-benchmark's %012zu
constexpr size_t kReadChunk = 64 * 1024;
constexpr int64_t kMaxLatencyUs = 10'000'000;  // the histogram's last bucket holds anything above

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int clients = 50;
  int pipeline = 1;
  int64_t requests = 1'000'000;
  uint64_t keyspace = 0;  // 0: __rand_int__ is sent as it is (redis-benchmark without -r)
  bool csv = false;
  std::string name;
  std::vector<std::string> command;
};

[[noreturn]] void Fail(const std::string& why) {
  fprintf(stderr, "duet-loadgen: %s\n", why.c_str());
  exit(1);
}

int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000 + ts.tv_nsec / 1000;
}

// One request as RESP bytes, and where its __rand_int__ digits go.
struct Request {
  std::string bytes;
  std::vector<size_t> rand_at;  // offsets of 12-byte placeholders
};

Request BuildRequest(const Options& o) {
  Request r;
  r.bytes = "*" + std::to_string(o.command.size()) + "\r\n";
  for (const std::string& arg : o.command) {
    std::string a = arg;
    std::vector<size_t> local;
    if (o.keyspace != 0) {
      // Each token becomes 12 digits, so the argument's length is known before randomizing.
      for (size_t at = a.find(kRandToken); at != std::string::npos;
           at = a.find(kRandToken, at + kRandDigits)) {
        a.replace(at, kRandToken.size(), std::string(kRandDigits, '0'));
        local.push_back(at);
      }
    }
    r.bytes += "$" + std::to_string(a.size()) + "\r\n";
    for (size_t at : local) r.rand_at.push_back(r.bytes.size() + at);
    r.bytes += a + "\r\n";
  }
  return r;
}

// xorshift64*: fast, and good enough to spread keys over the keyspace.
uint64_t NextRandom(uint64_t* s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

void WriteDigits(char* at, uint64_t v) {
  for (size_t i = kRandDigits; i-- > 0;) {
    at[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Finds the end of the CRLF-terminated line starting at p; nullptr when it is not all here.
const char* LineEnd(const char* p, const char* end) {
  const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
  return nl ? nl + 1 : nullptr;
}

int64_t ParseLength(const char* p, const char* line_end) {
  bool neg = *p == '-';
  if (neg) ++p;
  int64_t v = 0;
  for (; p < line_end - 2; ++p) {
    if (*p < '0' || *p > '9') Fail("protocol error: bad length in a reply");
    v = v * 10 + (*p - '0');
  }
  return neg ? -v : v;
}

// Skips one RESP2 reply starting at p. Returns the byte after it, or nullptr when the reply is
// not complete yet. Sets *error to the error text of a top-level '-' reply.
const char* SkipReply(const char* p, const char* end, std::string* error, int depth = 0) {
  if (p >= end) return nullptr;
  const char* eol = LineEnd(p, end);
  if (!eol) return nullptr;
  switch (*p) {
    case '+':
    case ':':
      return eol;
    case '-':
      if (error && error->empty()) error->assign(p + 1, eol - 2);
      return eol;
    case '$': {
      int64_t len = ParseLength(p + 1, eol);
      if (len < 0) return eol;
      if (end - eol < len + 2) return nullptr;
      return eol + len + 2;
    }
    case '*': {
      int64_t n = ParseLength(p + 1, eol);
      const char* q = eol;
      for (int64_t i = 0; i < n && q; ++i) q = SkipReply(q, end, error, depth + 1);
      return q;
    }
    default:
      Fail(std::string("protocol error: unexpected reply type '") + *p + "'");
  }
}

// Microsecond histogram up to kMaxLatencyUs; percentiles as redis-benchmark reports them.
class Histogram {
 public:
  Histogram() : counts_(kMaxLatencyUs + 1, 0) {}
  void Record(int64_t us, uint64_t n) {
    if (us < 0) us = 0;
    if (us > kMaxLatencyUs) us = kMaxLatencyUs;
    counts_[static_cast<size_t>(us)] += n;
    total_ += n;
    sum_us_ += static_cast<double>(us) * static_cast<double>(n);
    if (us > max_) max_ = us;
    if (us < min_) min_ = us;
  }
  double PercentileMs(double pct) const {
    uint64_t want = static_cast<uint64_t>(static_cast<double>(total_) * pct / 100.0);
    if (want == 0) want = 1;
    uint64_t seen = 0;
    for (size_t us = 0; us < counts_.size(); ++us) {
      seen += counts_[us];
      if (seen >= want) return static_cast<double>(us) / 1000.0;
    }
    return static_cast<double>(max_) / 1000.0;
  }
  double AvgMs() const { return total_ ? sum_us_ / static_cast<double>(total_) / 1000.0 : 0; }
  double MinMs() const { return total_ ? static_cast<double>(min_) / 1000.0 : 0; }
  double MaxMs() const { return static_cast<double>(max_) / 1000.0; }

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  double sum_us_ = 0;
  int64_t max_ = 0;
  int64_t min_ = kMaxLatencyUs;
};

struct Conn {
  int fd = -1;
  std::string out;     // one batch: `pipeline` copies of the request
  size_t out_len = 0;  // bytes of `out` in the current batch
  size_t out_sent = 0;
  int64_t pending = 0;  // replies still to read for the current batch
  int64_t batch_start_us = 0;
  std::vector<char> in;  // unparsed reply bytes live in [in_begin, in_end)
  size_t in_begin = 0, in_end = 0;
  bool watching_out = false;  // EPOLLOUT is registered (a send was partial)
  bool done = false;
};

class LoadGen {
 public:
  explicit LoadGen(const Options& o) : o_(o), req_(BuildRequest(o)) {}

  void Run() {
    epfd_ = epoll_create1(0);
    if (epfd_ < 0) Fail(std::string("epoll_create1: ") + strerror(errno));
    conns_.resize(static_cast<size_t>(o_.clients));
    for (size_t i = 0; i < conns_.size(); ++i) Connect(i);
    start_us_ = NowUs();
    for (size_t i = 0; i < conns_.size(); ++i) StartBatch(i);
    epoll_event events[256];
    while (live_ > 0) {
      int n = epoll_wait(epfd_, events, 256, 10'000);
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail(std::string("epoll_wait: ") + strerror(errno));
      }
      if (n == 0) Fail("no reply from the server for 10 s");
      for (int e = 0; e < n; ++e) {
        size_t i = events[e].data.u64;
        if (events[e].events & EPOLLOUT) Flush(i);
        if (events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Read(i);
      }
    }
    end_us_ = NowUs();
    for (Conn& c : conns_) close(c.fd);
    close(epfd_);
    if (errors_ > 0) {
      Fail("error replies: " + std::to_string(errors_) + ", first: " + first_error_);
    }
  }

  void Report() const {
    double secs = static_cast<double>(end_us_ - start_us_) / 1e6;
    double rps = static_cast<double>(o_.requests) / secs;
    std::string name = o_.name;
    if (name.empty()) {
      for (const std::string& a : o_.command) name += (name.empty() ? "" : " ") + a;
    }
    if (o_.csv) {
      printf(
          "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
          "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n");
      printf("\"%s\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n",
             name.c_str(), rps, hist_.AvgMs(), hist_.MinMs(), hist_.PercentileMs(50),
             hist_.PercentileMs(95), hist_.PercentileMs(99), hist_.MaxMs());
    } else {
      printf("%s: %lld requests in %.3f s, %.2f requests per second\n", name.c_str(),
             static_cast<long long>(o_.requests), secs, rps);
      printf("latency ms: avg %.3f p50 %.3f p95 %.3f p99 %.3f max %.3f\n", hist_.AvgMs(),
             hist_.PercentileMs(50), hist_.PercentileMs(95), hist_.PercentileMs(99), hist_.MaxMs());
    }
  }

 private:
  void Connect(size_t i) {
    Conn& c = conns_[i];
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c.fd < 0) Fail(std::string("socket: ") + strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(o_.port));
    if (inet_pton(AF_INET, o_.host.c_str(), &addr.sin_addr) != 1) Fail("bad host " + o_.host);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Fail("connect to " + o_.host + ":" + std::to_string(o_.port) + ": " + strerror(errno));
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.out.reserve(req_.bytes.size() * static_cast<size_t>(o_.pipeline));
    for (int k = 0; k < o_.pipeline; ++k) c.out += req_.bytes;
    c.in.resize(kReadChunk);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      Fail(std::string("epoll_ctl: ") + strerror(errno));
    }
    ++live_;
  }

  // Sends the connection's next batch, or retires it when every request has been issued.
  void StartBatch(size_t i) {
    Conn& c = conns_[i];
    int64_t k = std::min<int64_t>(o_.pipeline, o_.requests - issued_);
    if (k <= 0) {
      c.done = true;
      --live_;
      epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
      return;
    }
    issued_ += k;
    const size_t req_len = req_.bytes.size();
    for (int64_t r = 0; r < k; ++r) {
      char* base = c.out.data() + static_cast<size_t>(r) * req_len;
      for (size_t at : req_.rand_at) WriteDigits(base + at, NextRandom(&rng_) % o_.keyspace);
    }
    c.out_len = static_cast<size_t>(k) * req_len;
    c.out_sent = 0;
    c.pending = k;
    c.batch_start_us = NowUs();
    Flush(i);
  }

  void Flush(size_t i) {
    Conn& c = conns_[i];
    while (c.out_sent < c.out_len) {
      ssize_t w = send(c.fd, c.out.data() + c.out_sent, c.out_len - c.out_sent, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (w <= 0) Fail(std::string("send: ") + strerror(errno));
      c.out_sent += static_cast<size_t>(w);
    }
    bool want_out = c.out_sent < c.out_len;
    if (want_out != c.watching_out) {
      epoll_event ev{};
      ev.events = want_out ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
      c.watching_out = want_out;
    }
  }

  void Read(size_t i) {
    Conn& c = conns_[i];
    if (c.done) return;
    if (c.in.size() - c.in_end < kReadChunk / 4) {
      // Move the unparsed tail to the front; grow when a single reply needs more room.
      size_t unparsed = c.in_end - c.in_begin;
      memmove(c.in.data(), c.in.data() + c.in_begin, unparsed);
      c.in_begin = 0;
      c.in_end = unparsed;
      if (c.in.size() - c.in_end < kReadChunk / 4) c.in.resize(c.in.size() * 2);
    }
    ssize_t r = recv(c.fd, c.in.data() + c.in_end, c.in.size() - c.in_end, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (r == 0) Fail("the server closed a connection");
    if (r < 0) Fail(std::string("recv: ") + strerror(errno));
    c.in_end += static_cast<size_t>(r);
    int64_t now = NowUs();
    uint64_t completed = 0;
    const char* p = c.in.data() + c.in_begin;
    const char* end = c.in.data() + c.in_end;
    while (c.pending > 0) {
      std::string error;
      const char* next = SkipReply(p, end, &error);
      if (!next) break;
      if (!error.empty()) {
        if (errors_++ == 0) first_error_ = error;
      }
      p = next;
      --c.pending;
      ++completed;
    }
    if (p != end && c.pending == 0) Fail("protocol error: more replies than requests");
    c.in_begin = static_cast<size_t>(p - c.in.data());
    if (c.in_begin == c.in_end) c.in_begin = c.in_end = 0;
    if (completed) hist_.Record(now - c.batch_start_us, completed);
    if (c.pending == 0) StartBatch(i);
  }

  const Options& o_;
  Request req_;
  std::vector<Conn> conns_;
  int epfd_ = -1;
  int live_ = 0;
  int64_t issued_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ULL;
  uint64_t errors_ = 0;
  std::string first_error_;
  Histogram hist_;
  int64_t start_us_ = 0, end_us_ = 0;
};

int64_t PositiveArg(const char* flag, const char* v) {
  char* end = nullptr;
  long long n = strtoll(v, &end, 10);
  if (!*v || *end || n <= 0) Fail(std::string(flag) + " needs a positive integer, got " + v);
  return n;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  int i = 1;
  auto value = [&](const char* flag) -> const char* {
    if (i + 1 >= argc) Fail(std::string(flag) + " needs a value");
    return argv[++i];
  };
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h")
      o.host = value("-h");
    else if (a == "-p")
      o.port = static_cast<int>(PositiveArg("-p", value("-p")));
    else if (a == "-c")
      o.clients = static_cast<int>(PositiveArg("-c", value("-c")));
    else if (a == "-P")
      o.pipeline = static_cast<int>(PositiveArg("-P", value("-P")));
    else if (a == "-n")
      o.requests = PositiveArg("-n", value("-n"));
    else if (a == "-r")
      o.keyspace = static_cast<uint64_t>(PositiveArg("-r", value("-r")));
    else if (a == "--csv")
      o.csv = true;
    else if (a == "--name")
      o.name = value("--name");
    else if (!a.empty() && a[0] == '-')
      Fail("unknown option " + std::string(a));
    else
      break;
  }
  for (; i < argc; ++i) o.command.emplace_back(argv[i]);
  if (o.port == 0) Fail("-p PORT is required");
  if (o.command.empty()) Fail("no command given");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  LoadGen gen(o);
  gen.Run();
  gen.Report();
  return 0;
}
