// MIGRATE (Redis's cluster.c migrateCommand): the keys' DUMP payloads sent as RESTORE commands
// to the target on a cached connection (server/migrate_sockets.h), then deleted here unless
// COPY. The event-loop thread waits for the target, bounded by the timeout, as Redis does.
#include <cerrno>
#include <string>
#include <vector>

#include "common/strutil.h"
#include "persistence/dump_payload.h"
#include "protocol/errors.h"
#include "server/migrate_sockets.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

void AppendArray(std::string* out, size_t n) {
  *out += '*';
  *out += std::to_string(n);
  *out += "\r\n";
}

void AppendBulk(std::string* out, std::string_view s) {
  *out += '$';
  *out += std::to_string(s.size());
  *out += "\r\n";
  out->append(s);
  *out += "\r\n";
}

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
//         [AUTH2 username password] [KEYS key ...]
void CmdMigrate(CommandContext& ctx, ArgReader& args) {
  bool copy = false, replace = false;
  std::string_view username, password;
  bool have_password = false, have_username = false;
  size_t first_key = 2, num_keys = 1;
  for (size_t j = 5; j < args.size(); j++) {
    size_t more = args.size() - 1 - j;
    if (EqualsIgnoreCase(args[j], "copy")) {
      copy = true;
    } else if (EqualsIgnoreCase(args[j], "replace")) {
      replace = true;
    } else if (EqualsIgnoreCase(args[j], "auth")) {
      if (more == 0) return ctx.reply().Error(errors::kSyntax);
      password = args[++j];
      have_password = true;
    } else if (EqualsIgnoreCase(args[j], "auth2")) {
      if (more < 2) return ctx.reply().Error(errors::kSyntax);
      username = args[++j];
      password = args[++j];
      have_username = have_password = true;
    } else if (EqualsIgnoreCase(args[j], "keys")) {
      if (!args[2].empty()) return ctx.reply().Error(errors::kMigrateKeysNeedsEmptyKey);
      first_key = j + 1;
      num_keys = args.size() - j - 1;
      break;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  std::optional<int64_t> timeout = ParseInt64(args[4]);
  std::optional<int64_t> dbid = ParseInt64(args[3]);
  if (!timeout || !dbid) return ctx.reply().Error(errors::kNotInteger);
  int64_t timeout_ms = *timeout <= 0 ? 1000 : *timeout;

  std::vector<std::string_view> keys;
  for (size_t j = 0; j < num_keys; j++) {
    if (ctx.db().FindRead(args[first_key + j]) != nullptr) keys.push_back(args[first_key + j]);
  }
  if (keys.empty()) return ctx.reply().SimpleString("NOKEY");

  Server& server = ServerContext::From(ctx).server();
  MigrateSockets& sockets = server.migrate_sockets();
  std::string_view host = args[0], port = args[1];
  bool may_retry = true;
  for (;;) {
    MigrateSockets::Socket* cs = sockets.Get(host, port, timeout_ms, ctx.now_ms() / 1000);
    if (cs == nullptr) return ctx.reply().Error(errors::kMigrateConnect);
    std::string cmd;
    if (have_password) {
      AppendArray(&cmd, have_username ? 3 : 2);
      AppendBulk(&cmd, "AUTH");
      if (have_username) AppendBulk(&cmd, username);
      AppendBulk(&cmd, password);
    }
    bool select = cs->last_dbid != *dbid;
    if (select) {
      AppendArray(&cmd, 2);
      AppendBulk(&cmd, "SELECT");
      AppendBulk(&cmd, std::to_string(*dbid));
    }
    // Keys that expired since the lookup are left out, as in Redis.
    std::vector<std::string_view> sent;
    for (std::string_view k : keys) {
      Entry* e = ctx.db().FindRead(k);
      if (e == nullptr) continue;
      int64_t ttl = 0;
      if (e->has_expire()) {
        ttl = e->expire_ms() - ctx.now_ms();
        if (ttl < 0) continue;
        if (ttl < 1) ttl = 1;
      }
      sent.push_back(k);
      AppendArray(&cmd, replace ? 5 : 4);
      AppendBulk(&cmd, "RESTORE");
      AppendBulk(&cmd, k);
      AppendBulk(&cmd, std::to_string(ttl));
      AppendBulk(&cmd, rdb::CreateDumpPayload(*e, ctx.config().rdbcompression));
      if (replace) AppendBulk(&cmd, "REPLACE");
    }

    bool write_error = false, socket_error = false, error_from_target = false;
    // Propagated as DEL of the keys the target acknowledged (Redis rewrites the command).
    std::vector<std::string> deleted = {"DEL"};
    std::string auth_reply, select_reply, reply;
    size_t read = 0;
    errno = 0;
    if (!SyncWrite(cs->fd, cmd, timeout_ms)) {
      write_error = socket_error = true;
    } else if ((have_password && !SyncReadLine(cs->fd, &auth_reply, 1024, timeout_ms)) ||
               (select && !SyncReadLine(cs->fd, &select_reply, 1024, timeout_ms))) {
      socket_error = true;
    } else {
      for (; read < sent.size(); read++) {
        if (!SyncReadLine(cs->fd, &reply, 1024, timeout_ms)) {
          socket_error = true;
          break;
        }
        const std::string* err = nullptr;
        if (have_password && auth_reply.starts_with('-')) {
          err = &auth_reply;
        } else if (select && select_reply.starts_with('-')) {
          err = &select_reply;
        } else if (reply.starts_with('-')) {
          err = &reply;
        }
        if (err != nullptr) {
          if (!error_from_target) {
            cs->last_dbid = -1;
            error_from_target = true;
            ctx.reply().Error("ERR Target instance replied with error: " + err->substr(1));
          }
        } else if (!copy && ctx.db().Delete(sent[read])) {
          ctx.KeyModified(sent[read], kNotifyGeneric, "del");
          deleted.emplace_back(sent[read]);
        }
      }
    }
    if (deleted.size() > 1 && ctx.propagating()) ctx.PropagateAs(std::move(deleted));
    if (error_from_target) {
      if (socket_error) sockets.Close(host, port);
      return;
    }
    if (!socket_error) {
      cs->last_dbid = *dbid;
      return ctx.reply().Ok();
    }
    // A socket error: the cached connection may have gone stale, so one retry on a fresh
    // one, unless it timed out or some key was already acknowledged.
    bool timed_out = errno == ETIMEDOUT;
    sockets.Close(host, port);
    if (may_retry && !timed_out && read == 0) {
      may_retry = false;
      continue;
    }
    return ctx.reply().Error(write_error ? errors::kMigrateWriteError : errors::kMigrateReadError);
  }
}

}  // namespace

void RegisterMigrateCommands(CommandTable& table) {
  table.Add({.name = "migrate",
             .arity = -6,
             .flags = CmdFlag::kWrite,
             .first_key = 3,
             .last_key = 3,
             .step = 1,
             .handler = CmdMigrate,
             .acl_categories = "@keyspace @write @slow @dangerous"});
}

}  // namespace duet
