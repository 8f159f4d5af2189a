#include "protocol/errors.h"

#include <cstdio>

#include "common/strutil.h"

namespace duet::errors {

namespace {
// Redis truncates the echoed command and arguments to 128 bytes and replaces newlines so the
// error stays one protocol line.
std::string Sanitize(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}
}  // namespace

std::string WrongArity(std::string_view cmd) {
  return "ERR wrong number of arguments for '" + ToLower(cmd) + "' command";
}

// Redis formats these with %s: a NUL byte ends the string.
static std::string_view CString(std::string_view s) { return s.substr(0, s.find('\0')); }

std::string UnknownCommand(std::string_view cmd, const std::string_view* args, size_t nargs) {
  // Same construction as Redis: each argument is cut to what is left of a 128-byte budget.
  std::string list;
  for (size_t i = 0; i < nargs && list.size() < 128; i++) {
    size_t budget = 128 - list.size();
    list += '\'';
    list += CString(args[i]).substr(0, budget);
    list += "' ";
  }
  return Sanitize("ERR unknown command '" + std::string(CString(cmd).substr(0, 128)) +
                  "', with args beginning with: " + list);
}

std::string UnknownPfdebugSubcommand(std::string_view sub) {
  return Sanitize("ERR Unknown PFDEBUG subcommand '" + std::string(CString(sub)) + "'");
}

std::string GeoInvalidLonLat(double lon, double lat) {
  char buf[700];
  snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", lon, lat);
  return buf;
}

std::string GeoNeedFrom(std::string_view cmd) {
  return Sanitize("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                  std::string(CString(cmd)));
}

std::string GeoNeedBy(std::string_view cmd) {
  return Sanitize("ERR exactly one of BYRADIUS and BYBOX can be specified for " +
                  std::string(CString(cmd)));
}

std::string UnknownSubcommand(std::string_view cmd, std::string_view sub) {
  std::string upper(cmd);
  for (char& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return Sanitize("ERR unknown subcommand '" + std::string(CString(sub).substr(0, 128)) +
                  "'. Try " + upper + " HELP.");
}

std::string NotInSubscriberMode(std::string_view cmd) {
  return Sanitize("ERR Can't execute '" + std::string(cmd) +
                  "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                  "in this context");
}

std::string SubscribeDenyBlocking(std::string_view cmd) {
  return "ERR " + std::string(cmd) + " isn't allowed for a DENY BLOCKING client";
}

std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing) {
  // Redis formats them with %s: each stops at a NUL byte.
  return Sanitize("ERR Prefix '" + std::string(CString(prefix)) + "' overlaps with " +
                  (existing ? "an existing" : "another provided") + " prefix '" +
                  std::string(CString(other)) +
                  "'. Prefixes for a single client must not overlap.");
}

std::string UnsupportedOption(std::string_view opt) {
  return Sanitize("ERR Unsupported option " + std::string(CString(opt)));
}

std::string LatencyNoSamples(std::string_view event) {
  return Sanitize("ERR No samples available for event '" + std::string(CString(event)) + "'");
}

std::string SubcommandSyntax(std::string_view cmd, std::string_view sub) {
  std::string upper(cmd);
  for (char& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return Sanitize("ERR unknown subcommand or wrong number of arguments for '" +
                  std::string(CString(sub).substr(0, 128)) + "'. Try " + upper + " HELP.");
}

std::string ProtectedCommand(std::string_view cmd, std::string_view option) {
  return "ERR " + std::string(cmd) + " command not allowed. If the " + std::string(option) +
         " option is set to \"local\", you can run it from a local connection, otherwise you "
         "need to set this option in the configuration file, and then restart the server.";
}

std::string UnknownClientType(std::string_view name) {
  return Sanitize("ERR Unknown client type '" + std::string(CString(name)) + "'");
}

std::string NoPermCommand(std::string_view fullname) {
  return "NOPERM this user has no permissions to run the '" + std::string(fullname) + "' command";
}

std::string NoPermExec(std::string_view reason) {
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
         "EXEC call. This command is no longer allowed for the following reason: " +
         std::string(reason);
}

std::string AclUnknownCategory(std::string_view name) {
  std::string_view c = CString(name);
  return Sanitize("ERR Unknown category '" + std::string(c.substr(0, 128)) + "'");
}

std::string AclError(std::string_view text) { return Sanitize("ERR " + std::string(text)); }

std::string AclUserNotFound(std::string_view name) {
  return Sanitize("ERR User '" + std::string(CString(name)) + "' not found");
}

std::string AclCommandNotFound(std::string_view name) {
  return Sanitize("ERR Command '" + std::string(CString(name)) + "' not found");
}

std::string NoSuchUser(std::string_view name) {
  return Sanitize("ERR No such user '" + std::string(CString(name)) + "'");
}

std::string UnrecognizedOption(std::string_view opt) {
  return Sanitize("ERR Unrecognized option '" + std::string(CString(opt)) + "'");
}

std::string InvalidClientAttr(std::string_view attr) {
  return Sanitize("ERR " + std::string(CString(attr)) +
                  " cannot contain spaces, newlines or special characters.");
}

std::string UnknownArgument(std::string_view arg) {
  return Sanitize("ERR Unknown argument " + std::string(CString(arg)));
}

std::string InvalidExpire(std::string_view cmd) {
  return "ERR invalid expire time in '" + ToLower(cmd) + "' command";
}

std::string_view FromOpStatus(OpStatus st) {
  switch (st) {
    case OpStatus::kWrongType:
      return kWrongType;
    case OpStatus::kNotInteger:
      return kNotInteger;
    case OpStatus::kNotFloat:
      return kNotFloat;
    case OpStatus::kOutOfRange:
      return kOverflow;
    case OpStatus::kSyntax:
      return kSyntax;
    case OpStatus::kOom:
      return kOom;
    case OpStatus::kNoSuchKey:
      return kNoSuchKey;
    case OpStatus::kBitOffset:
      return kBitOffset;
    case OpStatus::kBitValue:
      return kBitValue;
    case OpStatus::kStringTooLong:
      return kStringTooLong;
    case OpStatus::kIncrNanOrInf:
      return kIncrNanInf;
    case OpStatus::kSameObject:
      return kSameObject;
    case OpStatus::kIndexOutOfRange:
      return kIndexOutOfRange;
    default:
      return "ERR internal error";
  }
}

std::string StreamBlockFromScript(std::string_view cmd) {
  return Sanitize("ERR " + std::string(CString(cmd)) +
                  " command is not allowed with BLOCK option from scripts");
}

std::string XreadNoGroup(std::string_view key, std::string_view group) {
  return Sanitize("NOGROUP No such key '" + std::string(CString(key)) + "' or consumer group '" +
                  std::string(CString(group)) + "' in XREADGROUP with GROUP option");
}

std::string NoSuchGroupForKey(std::string_view group, std::string_view key) {
  return Sanitize("NOGROUP No such consumer group '" + std::string(CString(group)) +
                  "' for key name '" + std::string(CString(key)) + "'");
}

std::string NoSuchKeyOrGroup(std::string_view key, std::string_view group) {
  return Sanitize("NOGROUP No such key '" + std::string(CString(key)) + "' or consumer group '" +
                  std::string(CString(group)) + "'");
}

std::string UnrecognizedXclaimOption(std::string_view opt) {
  return Sanitize("ERR Unrecognized XCLAIM option '" + std::string(CString(opt)) + "'");
}

std::string ReplicaIpTooLong(size_t len) {
  return "ERR REPLCONF ip-address provided by replica instance is too long: " +
         std::to_string(len) + " bytes";
}

std::string RdbFilterUnsupported(std::string_view option) {
  return "ERR Unsupported rdb-filter-only option: " + std::string(option);
}

std::string ReplconfUnknownOption(std::string_view option) {
  return "ERR Unrecognized REPLCONF option: " + std::string(option);
}

}  // namespace duet::errors
