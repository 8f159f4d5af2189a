// The reply of "<CMD> HELP" for container commands (OBJECT, CONFIG, CLIENT, ...), in
// Redis's addReplyHelp shape: an array of status lines, a header naming the command in upper
// case, the command's own lines, then the HELP entry every container has.
#pragma once

#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>

#include "protocol/reply_builder.h"

namespace duet {

// `cmd` is the command name as the client typed it.
inline void ReplyHelp(ReplyBuilder& reply, std::string_view cmd,
                      std::initializer_list<std::string_view> lines) {
  std::string header(cmd);
  for (char& c : header) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  header += " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:";
  reply.ArrayHeader(lines.size() + 3);
  reply.SimpleString(header);
  for (std::string_view line : lines) reply.SimpleString(line);
  reply.SimpleString("HELP");
  reply.SimpleString("    Prints this help.");
}

}  // namespace duet
