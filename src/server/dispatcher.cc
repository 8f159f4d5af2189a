// Server::Execute — the single choke point every command passes through: lookup, arity,
// authentication, pause, then the handler, then timing, stats, SLOWLOG and MONITOR.
// Handlers do none of these themselves.
#include <cstdio>
#include <exception>

#include "common/log.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_context.h"

namespace duet {

namespace {
int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

bool ArityOk(const CommandSpec& spec, size_t argc) {
  return spec.arity > 0 ? argc == static_cast<size_t>(spec.arity)
                        : argc >= static_cast<size_t>(-spec.arity);
}

// Redis's sdscatrepr: quoted, with \n \r \t \a \b and \xHH escapes.
void AppendRepr(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (isprint(c)) {
          out.push_back(static_cast<char>(c));
        } else {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        }
    }
  }
  out.push_back('"');
}
}  // namespace

void Server::CountError(std::string_view error) {
  stats_.total_error_replies++;
  size_t sp = error.find(' ');
  std::string code(error.substr(0, sp));
  if (!code.empty() && code[0] == '-') code.erase(0, 1);
  // Redis caps the number of distinct error codes it tracks at 128.
  if (stats_.error_codes.size() < 128 || stats_.error_codes.count(code)) {
    stats_.error_codes[code]++;
  }
}

void Server::Reject(Client& c, const CommandSpec* spec, std::string_view error) {
  c.reply().Error(error);
  CountError(error);
  if (spec) spec->rejected_calls++;
}

bool Server::Execute(Client& c, std::span<const std::string_view> args) {
  keyspace_.SetNow(clock_->NowMs());
  c.last_interaction_ms = keyspace_.ctx().now_ms;

  const CommandSpec* spec = commands_.Find(args[0]);
  if (!spec) {
    Reject(c, nullptr, errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    return true;
  }
  if (spec->IsContainer() && args.size() >= 2) {
    const CommandSpec* sub = CommandTable::FindSub(*spec, args[1]);
    if (!sub) {
      Reject(c, nullptr, errors::UnknownSubcommand(args[0], args[1]));
      return true;
    }
    spec = sub;
  }
  if (!ArityOk(*spec, args.size())) {
    Reject(c, spec, errors::WrongArity(spec->name));
    return true;
  }
  bool auth_required = !c.authenticated && !config_->requirepass.empty();
  if (auth_required && !HasFlag(spec->flags, CmdFlag::kNoAuth)) {
    Reject(c, spec, errors::kNoAuth);
    return true;
  }
  if (IsPausedFor(c, *spec)) return false;

  // CLIENT REPLY SKIP applies to the command after the SKIP itself.
  bool muted = c.reply_mode == Client::ReplyMode::kOff || c.skip_next_reply;
  if (c.skip_next_reply) c.skip_next_reply = false;
  if (c.reply_mode == Client::ReplyMode::kSkip) {
    c.reply_mode = Client::ReplyMode::kOn;
    c.skip_next_reply = true;
  }
  c.reply().SetMuted(muted);

  ServerContext ctx(*this, c, *spec, args[0]);
  ArgReader reader(args.subspan(1));
  uint64_t errors_before = c.reply().error_count();
  current_client_ = &c;
  int64_t start = MonotonicUs();
  try {
    spec->handler(ctx, reader);
  } catch (const std::exception& e) {
    // Last resort: a bug must not take the server down or lose the connection.
    Log(LogLevel::kWarning, "Internal error in command '{}': {}", spec->name, e.what());
    c.reply().Error("ERR internal error");
  }
  int64_t duration = MonotonicUs() - start;
  current_client_ = nullptr;
  c.reply().SetMuted(false);

  spec->calls++;
  spec->usec += static_cast<uint64_t>(duration);
  stats_.total_commands_processed++;
  stats_.dirty += ctx.dirty();
  c.commands_processed++;
  c.last_command = spec->name;
  if (c.reply().error_count() != errors_before) {
    spec->failed_calls++;
    CountError(c.reply().last_error());
  }
  if (!HasFlag(spec->flags, CmdFlag::kSkipSlowlog)) {
    slowlog_.MaybeAdd(config_->slowlog_log_slower_than,
                      static_cast<size_t>(config_->slowlog_max_len), duration,
                      keyspace_.ctx().now_ms / 1000, args, c.PeerId(), c.name);
  }
  if (!monitors_.empty() && !HasFlag(spec->flags, CmdFlag::kSkipMonitor) &&
      !HasFlag(spec->flags, CmdFlag::kAdmin)) {
    FeedMonitors(c, args);
  }
  return true;
}

void Server::FeedMonitors(const Client& from, std::span<const std::string_view> args) {
  int64_t us = clock_->NowUs();
  char head[96];
  snprintf(head, sizeof(head), "+%lld.%06lld [%d ", static_cast<long long>(us / 1'000'000),
           static_cast<long long>(us % 1'000'000), from.db_index);
  std::string line = head;
  line += from.is_unix ? "unix:" + config_->unixsocket : from.PeerId();
  line += "]";
  for (std::string_view a : args) {
    line.push_back(' ');
    AppendRepr(line, a);
  }
  line += "\r\n";
  for (uint64_t id : monitors_) {
    Client* m = FindClient(id);
    if (!m || m == &from) continue;
    m->reply().Raw(line);
    QueueWrite(*m);
  }
}

}  // namespace duet
