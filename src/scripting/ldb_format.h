// The Lua debugger's (SCRIPT DEBUG) wire and text formats, as Redis 7.0.15's eval.c makes
// them: parsing the commands a debugging client sends, the multi-bulk of status lines the
// log is sent as, source lines, and the human form of Redis replies. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace duet::scripting {

enum class LdbParse { kOk, kNeedMore, kProtocolError };

// Parses one command from the start of `buf` as Redis's ldbReplParseCommand: it looks for
// the first '*', then "*<n>\r\n" with 1 <= n <= 1024 and n "$<len>\r\n<bytes>\r\n" with
// 1 <= len <= 1024. kOk fills *argv; kNeedMore when the command is incomplete (nothing is
// consumed: the caller keeps the buffer and reads more); kProtocolError on anything else.
LdbParse ParseLdbCommand(std::string_view buf, std::vector<std::string>* argv);

// Appends the human form of the RESP2/RESP3 reply starting at `pos` of `reply` (Redis's
// ldbRedisProtocolToHuman: integers bare, bulks repr'd or NULL, status/error lines repr'd
// with their first byte, arrays [a,b], sets ~(a,b), maps {k => v,...}, (null), #true,
// (double) d). Returns the position after it; `reply` must hold a complete reply.
size_t AppendReplyToHuman(std::string_view reply, size_t pos, std::string* out);

// One listed source line: "-> " current, "  #" breakpoint, "->#" both, "   " neither, then
// the number left-aligned in 3 columns, a space and the text.
std::string FormatLdbSourceLine(int lnum, std::string_view text, bool current, bool breakpoint);

// The log as sent to the client: a multi-bulk of status replies, CR and LF in an entry
// replaced by spaces.
std::string EncodeLdbLogs(const std::vector<std::string>& logs);

// Splits a script body into lines as ldbStartSession does (trailing CR/LF dropped first,
// then split on LF; an empty body has no lines).
std::vector<std::string> SplitLdbSource(std::string_view body);

}  // namespace duet::scripting
