// Parses the constexpr metadata tables once, on first use, into an immutable registry.
#include "commands/command_meta.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>

#include "commands/acl_categories.h"

namespace duet {

std::vector<std::string_view> KeyFlagNames(uint32_t flags) {
  static constexpr std::string_view kNames[] = {
      "RO",     "RW",     "OW",      "RM",         "access",        "update",
      "insert", "delete", "not_key", "incomplete", "variable_flags"};
  std::vector<std::string_view> out;
  for (size_t i = 0; i < std::size(kNames); i++) {
    if (flags & (1u << i)) out.push_back(kNames[i]);
  }
  return out;
}

namespace {

constexpr std::string_view kArgTypes[] = {"key",       "string",     "integer", "double", "pattern",
                                          "unix-time", "pure-token", "oneof",   "block"};

bool IsNameEnd(char c) {
  return c == ' ' || c == '=' || c == '#' || c == '?' || c == '*' || c == '+' || c == '@' ||
         c == '!' || c == '[' || c == ']';
}
bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
bool IsVersionChar(char c) { return (c >= '0' && c <= '9') || c == '.'; }

// Recursive-descent parser over CommandMetaDef::args; views point into the literal.
class ArgParser {
 public:
  explicit ArgParser(std::string_view text) : s_(text) {}

  bool ParseList(std::vector<CommandArg>* out, bool nested) {
    for (;;) {
      while (pos_ < s_.size() && s_[pos_] == ' ') pos_++;
      if (pos_ == s_.size()) return !nested || Fail("missing ']'");
      if (s_[pos_] == ']') return nested ? (pos_++, true) : Fail("unexpected ']'");
      CommandArg arg;
      if (!ParseItem(&arg)) return false;
      out->push_back(std::move(arg));
    }
  }
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string_view what) {
    error_ = std::string(what) + " at offset " + std::to_string(pos_);
    return false;
  }
  std::string_view Take(bool (*pred)(char)) {
    size_t start = pos_;
    while (pos_ < s_.size() && pred(s_[pos_])) pos_++;
    return s_.substr(start, pos_ - start);
  }

  bool ParseItem(CommandArg* arg) {
    size_t colon = s_.find(':', pos_);
    if (colon == std::string_view::npos) return Fail("missing ':' after type");
    arg->type = s_.substr(pos_, colon - pos_);
    if (std::find(std::begin(kArgTypes), std::end(kArgTypes), arg->type) == std::end(kArgTypes)) {
      return Fail("unknown argument type '" + std::string(arg->type) + "'");
    }
    pos_ = colon + 1;
    arg->name = Take([](char c) { return !IsNameEnd(c); });
    if (arg->name.empty()) return Fail("empty argument name");
    while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != ']') {
      char c = s_[pos_++];
      switch (c) {
        case '=':
          arg->has_token = true;
          if (pos_ < s_.size() && s_[pos_] == '\'') {
            size_t end = s_.find('\'', pos_ + 1);
            if (end == std::string_view::npos) return Fail("unterminated token");
            arg->token = s_.substr(pos_ + 1, end - pos_ - 1);
            pos_ = end + 1;
          } else {
            arg->token = Take(IsTokenChar);
            if (arg->token.empty()) return Fail("empty token");
          }
          break;
        case '#': {
          std::string_view digits = Take([](char ch) { return ch >= '0' && ch <= '9'; });
          if (digits.empty()) return Fail("missing key spec index");
          std::from_chars(digits.data(), digits.data() + digits.size(), arg->key_spec_index);
          break;
        }
        case '?':
          arg->flags |= CommandArg::kOptional;
          break;
        case '*':
          arg->flags |= CommandArg::kMultiple;
          break;
        case '+':
          arg->flags |= CommandArg::kMultipleToken;
          break;
        case '@':
          arg->since = Take(IsVersionChar);
          if (arg->since.empty()) return Fail("missing version after '@'");
          break;
        case '!':
          arg->deprecated_since = Take(IsVersionChar);
          if (arg->deprecated_since.empty()) return Fail("missing version after '!'");
          break;
        case '[':
          if (arg->type != "oneof" && arg->type != "block") {
            return Fail("children on a non-container argument");
          }
          if (!ParseList(&arg->args, true)) return false;
          break;
        default:
          pos_--;
          return Fail(std::string("unexpected '") + c + "'");
      }
    }
    if ((arg->type == "oneof" || arg->type == "block") && arg->args.empty()) {
      return Fail("container argument without children");
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

std::vector<std::string_view> SplitWords(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool ParseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "<arity> <first> <last> <step> <flags> <acl>"
bool ParseFacts(std::string_view text, CommandMeta* m, std::string* error) {
  std::vector<std::string_view> w = SplitWords(text, ' ');
  if (w.size() != 6 || !ParseInt(w[0], &m->arity) || !ParseInt(w[1], &m->first_key) ||
      !ParseInt(w[2], &m->last_key) || !ParseInt(w[3], &m->step)) {
    *error = "malformed facts '" + std::string(text) + "'";
    return false;
  }
  if (w[4] != "-") {
    for (std::string_view f : SplitWords(w[4], ',')) {
      CmdFlag flag = FlagByName(f);
      if (flag == CmdFlag::kNone) {
        *error = "unknown flag '" + std::string(f) + "'";
        return false;
      }
      m->flags = m->flags | flag;
    }
  }
  bool unknown = false;
  if (w[5] != "-") m->acl_categories = ParseAclCategories(w[5], &unknown);
  if (unknown) {
    *error = "unknown ACL category in '" + std::string(w[5]) + "'";
    return false;
  }
  return true;
}

struct Registry {
  std::vector<CommandMeta> metas;
  std::unordered_map<std::string_view, size_t> by_name;
  std::vector<std::string> errors;

  Registry() {
    const CommandMetaGroup groups[] = {
        StringCommandMeta(),       BitmapCommandMeta(),    GenericCommandMeta(),
        ConnectionCommandMeta(),   ServerCommandMeta(),    ScriptingCommandMeta(),
        TransactionsCommandMeta(), ListCommandMeta(),      HashCommandMeta(),
        SetCommandMeta(),          SortedSetCommandMeta(), StreamCommandMeta(),
        PubsubCommandMeta(),       GeoCommandMeta(),       HyperloglogCommandMeta(),
        ClusterCommandMeta()};
    for (const CommandMetaGroup& g : groups) {
      for (const CommandMetaDef& def : g.defs) Add(g.group, def);
    }
    for (size_t i = 0; i < metas.size(); i++) {
      if (!by_name.emplace(metas[i].def->name, i).second) {
        errors.push_back(std::string(metas[i].def->name) + ": duplicate entry");
      }
    }
  }

  void Add(std::string_view group, const CommandMetaDef& def) {
    CommandMeta m;
    m.def = &def;
    m.group = group;
    for (const KeySpec& k : def.key_specs) {
      if (k.flags != 0) m.key_specs.push_back(k);
    }
    m.tips = SplitWords(def.tips, ' ');
    m.doc_flags = SplitWords(def.doc_flags, ' ');
    for (std::string_view h : SplitWords(def.history, '\n')) {
      size_t sp = h.find(' ');
      if (sp == std::string_view::npos) {
        errors.push_back(std::string(def.name) + ": malformed history entry");
        continue;
      }
      m.history.emplace_back(h.substr(0, sp), h.substr(sp + 1));
    }
    std::string error;
    if (!ParseFacts(def.redis, &m, &error)) {
      errors.push_back(std::string(def.name) + ": " + error);
    }
    if (!ParseCommandArgs(def.args, &m.args, &error)) {
      errors.push_back(std::string(def.name) + ": args: " + error);
      m.args.clear();
    }
    metas.push_back(std::move(m));
  }
};

const Registry& GetRegistry() {
  static const Registry* registry = new Registry();  // never destroyed: specs point into it
  return *registry;
}

}  // namespace

bool ParseCommandArgs(std::string_view text, std::vector<CommandArg>* out, std::string* error) {
  ArgParser parser(text);
  if (!parser.ParseList(out, false)) {
    *error = parser.error();
    return false;
  }
  return true;
}

const CommandMeta* FindCommandMeta(std::string_view fullname) {
  const Registry& r = GetRegistry();
  auto it = r.by_name.find(fullname);
  return it == r.by_name.end() ? nullptr : &r.metas[it->second];
}

std::span<const CommandMeta> AllCommandMeta() { return GetRegistry().metas; }

std::span<const std::string> CommandMetaErrors() { return GetRegistry().errors; }

}  // namespace duet
