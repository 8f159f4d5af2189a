// MONITOR: the line format every monitoring client receives for each executed command, and
// the rules that decide which arguments are hidden ("(redacted)") in MONITOR and SLOWLOG.
// The dispatcher feeds the lines (Server::FeedMonitors); the MONITOR command itself is
// registered by RegisterMonitorCommands (server_commands.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"

namespace duet {

// One MONITOR line, as Redis 7.0 writes it (a status reply):
//   +<sec>.<usec> [<db> <source>] "arg0" "arg1" ...\r\n
// `source` is "ip:port", "[ipv6]:port", "unix:<socket path>" or "lua".
std::string MonitorLine(int64_t now_us, int db, std::string_view source,
                        std::span<const std::string_view> args);

// Redis 7.0 replaces some arguments with "(redacted)" before SLOWLOG and MONITOR see them:
// AUTH's username and password, HELLO's AUTH username and password, ACL SETUSER's user and rules.
// The rules follow where authCommand and helloCommand redact, so a command rejected by their own
// parsing before that point (AUTH with 3+ arguments, HELLO with a bad protocol version, options
// after a bad HELLO option) is shown as typed, as Redis shows it. Returns false when nothing is
// redacted (the common case: no allocation); otherwise fills `out` with the arguments to show.
bool RedactArgs(const CommandSpec& spec, std::span<const std::string_view> args,
                std::vector<std::string_view>* out);

}  // namespace duet
