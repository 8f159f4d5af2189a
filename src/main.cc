// duet-server entry point: parse the command line and config file, set up logging,
// daemonize if asked, then run the Server until shutdown.
//
//   duet-server [/path/to/duet.conf] [--directive value ...]
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/clock.h"
#include "common/log.h"
#include "common/proc_title.h"
#include "common/sd_notify.h"
#include "config/config.h"
#include "config/config_loader.h"
#include "config/config_table.h"
#include "persistence/rdb_file.h"
#include "server/server.h"
#include "server/server_commands.h"

namespace {

constexpr const char* kDuetVersion = "0.1.0";

void Usage() {
  fprintf(stderr,
          "Usage: ./duet-server [/path/to/duet.conf] [options] [-]\n"
          "       ./duet-server - (read config from stdin)\n"
          "       ./duet-server -v or --version\n"
          "       ./duet-server -h or --help\n\n"
          "Examples:\n"
          "       ./duet-server (run the server with default conf)\n"
          "       ./duet-server /etc/duet/6379.conf\n"
          "       ./duet-server --port 7777\n"
          "       ./duet-server /etc/mycache.conf --loglevel verbose\n");
}

duet::LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return duet::LogLevel::kDebug;
  if (s == "verbose") return duet::LogLevel::kVerbose;
  if (s == "warning") return duet::LogLevel::kWarning;
  if (s == "nothing") return duet::LogLevel::kNothing;
  return duet::LogLevel::kNotice;
}

bool Daemonize() {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid > 0) _exit(0);
  setsid();
  int fd = open("/dev/null", O_RDWR);
  if (fd >= 0) {
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) close(fd);
  }
  return true;
}

// The startup banner, shown as Redis shows its logo: with always-show-logo, or when logging to
// a terminal. Tools that start the server and wait for it (Redis's test suite among them)
// read the "PID: " line. Otherwise one line says the mode and port, as Redis logs it.
void ShowStartupBanner(const duet::Config& config) {
  bool show = config.always_show_logo || (config.logfile.empty() && isatty(STDOUT_FILENO));
  if (!show) {
    duet::Log(duet::LogLevel::kNotice, "Running mode=standalone, port={}.", config.port);
    return;
  }
  duet::LogVerbatim(
      duet::LogLevel::kNotice,
      fmt::format("\n"
                  "      .-==-.   .-==-.      duet {} (Redis 7.0.15 compatible) 64 bit\n"
                  "     /  ..  \\ /  ..  \\\n"
                  "    |  (  )  |  (  )  |    Running in standalone mode\n"
                  "     \\  ''  / \\  ''  /     Port: {}\n"
                  "      '-==-'   '-==-'      PID: {}\n\n",
                  kDuetVersion, config.port, static_cast<int>(getpid())));
}

}  // namespace

int main(int argc, char** argv) {
  using duet::Log;
  using duet::LogLevel;
  // First, before anything reads argv or the environment: the title rewrites their memory.
  duet::proc_title::Init(argc, argv);
  if (argc >= 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
    printf("duet server v=%s redis_version=7.0.15 bits=64\n", kDuetVersion);
    return 0;
  }
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    Usage();
    return 0;
  }

  duet::Config config;
  duet::ConfigTable table(&config);
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd))) config.dir = cwd;

  // rename-command checks command names while the configuration is read.
  duet::CommandTable known_commands;
  duet::RegisterAllCommands(known_commands);
  duet::RegisterServerCommands(known_commands);
  table.SetCommandLookup([&](std::string_view n) { return known_commands.Find(n) != nullptr; });
  // `user` directives are checked as they are read, as Redis does (server/acl.h).
  duet::Acl config_acl;
  config_acl.Init(known_commands);
  table.SetUserValidator([&](const std::vector<std::string>& argv) {
    return config_acl.ValidateUserDirective(argv, config_acl.Context(false));
  });
  // Config file, stdin and --options, loaded as redis-server does (config/config_loader.h).
  if (!duet::LoadStartupConfig(duet::ParseCommandLine(argc, argv), table, config)) return 1;

  if (config.daemonize && !Daemonize()) {
    fprintf(stderr, "Can't daemonize: %s\n", strerror(errno));
    return 1;
  }
  if (!config.logfile.empty() && !duet::SetLogFile(config.logfile)) {
    fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
    return 1;
  }
  duet::SetLogLevel(ParseLevel(config.loglevel));
  if (!config.dir.empty() && chdir(config.dir.c_str()) != 0) {
    Log(LogLevel::kWarning, "Can't chdir to '{}': {}", config.dir, strerror(errno));
    return 1;
  }

  Log(LogLevel::kNotice, "oO0OoO0OoO0Oo duet is starting oO0OoO0OoO0Oo");
  Log(LogLevel::kNotice, "duet version={}, redis_version=7.0.15, bits=64, pid={}, just started",
      kDuetVersion, static_cast<int>(getpid()));
  if (config.config_file.empty()) {
    Log(LogLevel::kWarning,
        "Warning: no config file specified, using the default config. In order to specify a "
        "config file use ./duet-server /path/to/duet.conf");
  } else {
    Log(LogLevel::kNotice, "Configuration loaded");
  }
  table.ReportUnsupported();

  // systemd supervision (Type=notify units): "supervised systemd", or "auto" when systemd
  // set NOTIFY_SOCKET. READY=1 follows the data load, STOPPING=1 the shutdown request.
  std::string supervised = table.GetValue("supervised");
  bool notify_systemd =
      supervised == "systemd" || (supervised == "auto" && duet::SdNotifySocketSet());
  if (notify_systemd) {
    if (duet::SdNotify("STATUS=duet is loading...\n")) {
      Log(LogLevel::kNotice,
          "Supervised by systemd. Please make sure you set appropriate values for "
          "TimeoutStartSec and TimeoutStopSec in your service unit.");
    } else {
      Log(LogLevel::kWarning, "systemd supervision error: NOTIFY_SOCKET not found!");
      notify_systemd = false;
    }
  }

  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  duet::SystemClock clock;
  duet::Server server(&config, &table, &clock);
  duet::Status st = server.Start();
  if (st.ok() && table.GetValue("set-proc-title") == "yes")
    server.ApplyConfigChange("proc-title-template");
  if (st.ok()) server.ApplyOomScoreAdj();  // as Redis's main(): a failure is only logged
  if (!st.ok()) {
    // One log line per line of the report, as Redis logs them.
    std::string msg = st.message();
    for (size_t start = 0; start <= msg.size();) {
      size_t nl = msg.find('\n', start);
      if (nl == std::string::npos) nl = msg.size();
      Log(LogLevel::kWarning, "{}", msg.substr(start, nl - start));
      start = nl + 1;
    }
    return 1;
  }
  if (!config.pidfile.empty()) {
    FILE* f = fopen(config.pidfile.c_str(), "w");
    if (f) {
      fprintf(f, "%d\n", static_cast<int>(getpid()));
      fclose(f);
    }
  }
  server.SetSignalFd(sfd);
  server.loop().AddFd(sfd, EPOLLIN, [&](uint32_t) {
    if (server.ReadShutdownSignals() > 0 && notify_systemd) duet::SdNotify("STOPPING=1\n");
  });
  ShowStartupBanner(config);
  Log(LogLevel::kNotice, "Server initialized");
  // The dataset from disk. Clients are served meanwhile (-LOADING but for the commands with
  // the loading flag); a file that cannot be read whole stops the server (naming the file
  // and the offset), as redis-server does, and so does SHUTDOWN or a signal meanwhile.
  int rc = 0;
  if (duet::Status load = server.LoadDataAtStartup(); !load.ok()) {
    if (load.message() != duet::rdb::kLoadStopped) {
      if (load.message() != duet::Server::kErrorLogged) {
        Log(LogLevel::kWarning, "{}", load.message());
      }
      return 1;
    }
  } else {
    server.ApplyReplicaofDirective();  // connects from the cron, once serving
    Log(LogLevel::kNotice, "Ready to accept connections tcp");
    if (notify_systemd) {
      duet::SdNotify("STATUS=Ready to accept connections\n");
      duet::SdNotify("READY=1\n");
    }
    rc = server.Run();
  }
  if (notify_systemd) duet::SdNotify("STOPPING=1\n");
  server.ShutdownAof();
  if (!config.pidfile.empty()) unlink(config.pidfile.c_str());
  if (!config.unixsocket.empty()) unlink(config.unixsocket.c_str());
  Log(LogLevel::kWarning, "duet is now ready to exit, bye bye...");
  return rc;
}
