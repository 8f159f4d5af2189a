#include "server/acl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "common/sha256.h"
#include "common/strutil.h"

namespace duet {

namespace {

// Compares without an early exit (Redis's time_independent_strcmp on equal-length hashes).
bool SameHash(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); i++) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// sdssplitlen(s, " "): every single space separates, so runs of spaces give empty fields.
std::vector<std::string> SplitOnSpace(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    out.emplace_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s, std::string_view chars) {
  size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(chars);
  return s.substr(b, e - b + 1);
}

}  // namespace

void Acl::Init(const CommandTable& table) {
  index_.Build(table);
  users_.clear();
  auto def = std::make_unique<AclUser>(NewDefaultAclUser(Context(false)));
  default_ = def.get();
  users_.emplace("default", std::move(def));
}

AclUser* Acl::Find(std::string_view name) {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

AclUser* Acl::CheckCredentials(std::string_view name, std::string_view pass) {
  AclUser* u = Find(name);
  if (!u || (u->flags & AclUser::kDisabled)) return nullptr;
  if (u->flags & AclUser::kNoPass) return u;
  std::string hashed = Sha256Hex(pass);
  for (const std::string& p : u->passwords) {
    if (SameHash(hashed, p)) return u;
  }
  return nullptr;
}

void Acl::SetDefaultPassword(std::string_view pass, const AclRuleContext& ctx) {
  ApplyAclRule(*default_, "resetpass", ctx);
  if (pass.empty()) {
    ApplyAclRule(*default_, "nopass", ctx);
  } else {
    ApplyAclRule(*default_, ">" + std::string(pass), ctx);
  }
}

std::string Acl::SetUser(std::string_view name, std::span<const std::string> rules,
                         const AclRuleContext& ctx, std::optional<AclUser>* before,
                         AclUser** user) {
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!MergeSelectorArgs(rules, &merged, &bad)) {
    return "Unmatched parenthesis in acl selector starting at '" + rules[bad] + "'.";
  }
  AclUser* existing = Find(name);
  AclUser staged = existing ? *existing : NewAclUser(std::string(name), ctx);
  for (const std::string& op : merged) {
    AclRuleError e = ApplyAclRule(staged, op, ctx);
    if (e != AclRuleError::kOk) {
      return "Error in ACL SETUSER modifier '" + op + "': " + std::string(AclRuleErrorText(e));
    }
  }
  staged.UpdateUnrestricted();
  if (existing) {
    *before = std::move(*existing);
    *existing = std::move(staged);
    *user = existing;
  } else {
    auto u = std::make_unique<AclUser>(std::move(staged));
    *user = u.get();
    users_.emplace(std::string(name), std::move(u));
  }
  return "";
}

std::unique_ptr<AclUser> Acl::Remove(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end() || it->second.get() == default_) return nullptr;
  std::unique_ptr<AclUser> u = std::move(it->second);
  users_.erase(it);
  return u;
}

std::string Acl::ValidateUserDirective(const std::vector<std::string>& argv,
                                       const AclRuleContext& ctx) {
  auto error = [&](size_t idx, AclRuleError e) {
    // Redis names argv[j] with j counted among the rules (so usually the user name).
    return "Error in user declaration '" + argv[std::min(idx, argv.size() - 1)] +
           "': " + std::string(AclRuleErrorText(e));
  };
  if (argv.size() < 2) return error(0, AclRuleError::kSyntax);
  if (!config_user_names_.insert(argv[1]).second) return error(1, AclRuleError::kDuplicateUser);
  std::vector<std::string> merged;
  size_t bad = 0;
  if (!MergeSelectorArgs(std::span(argv).subspan(2), &merged, &bad)) {
    return error(bad, AclRuleError::kSyntax);
  }
  AclUser fake = NewAclUser("__fakeuser__", ctx);
  for (size_t j = 0; j < merged.size(); j++) {
    AclRuleError e = ApplyAclRule(fake, merged[j], ctx);
    if (e != AclRuleError::kOk && e != AclRuleError::kUnknownName) return error(j, e);
  }
  return "";
}

std::string Acl::LoadConfiguredUsers(const std::vector<std::vector<std::string>>& lines,
                                     const AclRuleContext& ctx) {
  for (const std::vector<std::string>& argv : lines) {
    const std::string& name = argv[1];
    if (AclStringHasSpaces(name)) return "Spaces not allowed in ACL usernames";
    AclUser* u = Find(name);
    if (u) {
      ApplyAclRule(*u, "reset", ctx);  // only "default" can exist already
    } else {
      auto created = std::make_unique<AclUser>(NewAclUser(name, ctx));
      u = created.get();
      users_.emplace(name, std::move(created));
    }
    std::vector<std::string> merged;
    size_t bad = 0;
    MergeSelectorArgs(std::span(argv).subspan(2), &merged, &bad);
    for (const std::string& op : merged) {
      AclRuleError e = ApplyAclRule(*u, op, ctx);
      if (e != AclRuleError::kOk) {
        return "Error loading ACL rule '" + op + "' for the user named '" + name +
               "': " + std::string(AclRuleErrorText(e));
      }
    }
    if (u->flags & AclUser::kDisabled) {
      Log(LogLevel::kNotice,
          "The user '{}' is disabled (there is no 'on' modifier in the user description). Make "
          "sure this is not a configuration error.",
          name);
    }
  }
  return "";
}

std::string Acl::LoadFile(const std::string& path, const AclRuleContext& ctx,
                          std::vector<std::unique_ptr<AclUser>>* replaced) {
  FILE* f = fopen(path.c_str(), "r");
  if (!f) {
    return "Error loading ACLs, opening file '" + path + "': " + std::string(strerror(errno));
  }
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
  fclose(f);
  // Redis reads the file with fgets into a C string: a NUL byte ends it.
  text.resize(strlen(text.c_str()));

  UserMap loaded;
  std::string errors;
  size_t linenum = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = Trim(std::string_view(text).substr(start, nl - start), " \t\r\n");
    start = nl + 1;
    linenum++;
    if (line.empty()) continue;
    std::vector<std::string> argv = SplitOnSpace(line);
    std::string where = path + ":" + std::to_string(linenum);
    if (argv[0] != "user" || argv.size() < 2) {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    if (AclStringHasSpaces(argv[1])) {
      errors += "'" + where + ": username '" + argv[1] + "' contains invalid characters. ";
      continue;
    }
    if (loaded.count(argv[1])) {
      errors += "WARNING: Duplicate user '" + argv[1] + "' found on line " +
                std::to_string(linenum) + ". ";
      continue;
    }
    auto u = std::make_unique<AclUser>(NewAclUser(argv[1], ctx));
    std::vector<std::string> merged;
    size_t bad = 0;
    if (!MergeSelectorArgs(std::span(argv).subspan(2), &merged, &bad)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      merged.clear();
    }
    bool syntax_error = false;
    for (std::string& op : merged) {
      op = std::string(Trim(op, "\t\r\n"));
      AclRuleError e = ApplyAclRule(*u, op, ctx);
      if (e == AclRuleError::kOk) continue;
      if (e == AclRuleError::kUnknownName) {
        errors += where + ": Error in applying operation '" + op +
                  "': " + std::string(AclRuleErrorText(e)) + ". ";
      } else if (!syntax_error) {
        errors += where + ": " + std::string(AclRuleErrorText(e)) + ". ";
        syntax_error = true;
      }
    }
    loaded.emplace(argv[1], std::move(u));
  }
  if (!errors.empty()) {
    return errors +
           "WARNING: ACL errors detected, no change to the previously active ACL rules was "
           "performed";
  }
  // The default user keeps its address: the file's version (or a fresh default) is copied in.
  auto it = loaded.find("default");
  AclUser new_default = it != loaded.end() ? *it->second : NewDefaultAclUser(ctx);
  if (it != loaded.end()) loaded.erase(it);
  for (auto& [name, u] : users_) {
    if (u.get() != default_) replaced->push_back(std::move(u));
  }
  auto old_default = std::move(users_["default"]);
  users_ = std::move(loaded);
  *old_default = std::move(new_default);
  old_default->name = "default";
  old_default->UpdateUnrestricted();
  users_.emplace("default", std::move(old_default));
  return "";
}

std::vector<std::string> Acl::UserLines(const AclRuleContext& ctx) const {
  std::vector<std::string> out;
  for (const auto& [name, u] : users_) {
    out.push_back("user " + name + " " + DescribeAclUser(*u, ctx));
  }
  return out;
}

bool Acl::SaveFile(const std::string& path, const AclRuleContext& ctx) const {
  std::string content;
  for (const std::string& line : UserLines(ctx)) content += line + "\n";
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t ms = static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(ms);
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1) {
    Log(LogLevel::kWarning, "Opening temp ACL file for ACL SAVE: {}", strerror(errno));
    return false;
  }
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  if (!ok) Log(LogLevel::kWarning, "Writing ACL file for ACL SAVE: {}", strerror(errno));
  close(fd);
  if (ok && rename(tmp.c_str(), path.c_str()) == -1) {
    Log(LogLevel::kWarning, "Renaming ACL file for ACL SAVE: {}", strerror(errno));
    ok = false;
  }
  if (!ok) unlink(tmp.c_str());
  return ok;
}

}  // namespace duet
