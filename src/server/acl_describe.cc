#include "server/acl_describe.h"

#include <climits>

#include "commands/acl_categories.h"

namespace duet {

namespace {

constexpr int kCategoryCount = 21;  // AclCategory bits, in Redis's order

std::string_view CategoryName(int j) {
  return AclCategoryNames(1u << j)[0].substr(1);  // without the '@'
}

void CountCategory(const AclSelector& s, const CommandSpec& spec, uint32_t cat,
                   const AclCommandIndex& index, unsigned long* on, unsigned long* off) {
  if (index.categories(spec) & cat) (s.allowed.test(spec.acl_id) ? *on : *off) += 1;
  for (const CommandSpec& sub : spec.subcommands) CountCategory(s, sub, cat, index, on, off);
}

// Redis's ACLDescribeSelectorCommandRulesSingleCommands: the commands whose bit still differs
// between the user's selector and the one the rules so far build.
void SingleCommands(const AclSelector& s, AclSelector& fake, const CommandSpec& spec,
                    std::string* rules) {
  bool userbit = s.allowed.test(spec.acl_id);
  if (userbit != fake.allowed.test(spec.acl_id)) {
    *rules += userbit ? '+' : '-';
    *rules += spec.name;
    *rules += ' ';
    AclChangeCommandPerm(fake, spec, userbit);
  }
  for (const CommandSpec& sub : spec.subcommands) SingleCommands(s, fake, sub, rules);
  if (!userbit) {
    auto it = s.first_args.find(spec.acl_id);
    if (it != s.first_args.end()) {
      for (const std::string& arg : it->second) {
        *rules += '+';
        *rules += spec.name;
        *rules += '|';
        *rules += arg;
        *rules += ' ';
      }
    }
  }
}

void AppendKeyPattern(std::string* out, const AclKeyPattern& k) {
  if (k.perm == kAclKeyRead) {
    *out += "%R~";
  } else if (k.perm == kAclKeyWrite) {
    *out += "%W~";
  } else {
    *out += "~";
  }
  *out += k.pattern;
}

}  // namespace

std::string DescribeAclCommands(const AclSelector& s, const AclRuleContext& ctx) {
  const AclCommandIndex& index = ctx.index;
  std::string rules;
  AclSelector fake;
  bool additive = !s.allowed.test(AclCommandIndex::kFutureBit);
  if (additive) {
    rules = "-@all ";
  } else {
    rules = "+@all ";
    fake.allowed.set();
  }
  AclSelector temp;
  temp.allowed = s.allowed;
  bool applied[kCategoryCount] = {};
  while (true) {
    int best = -1;
    unsigned long mindiff = INT_MAX, maxsame = 0;
    for (int j = 0; j < kCategoryCount; j++) {
      if (applied[j]) continue;
      unsigned long on = 0, off = 0;
      for (const CommandSpec* spec : index.commands()) {
        CountCategory(temp, *spec, 1u << j, index, &on, &off);
      }
      unsigned long diff = additive ? off : on;
      unsigned long same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
        best = j;
        mindiff = diff;
        maxsame = same;
      }
    }
    if (best == -1) break;
    std::string_view name = CategoryName(best);
    AclChangeCategoryPerm(fake, name, additive, index);
    AclChangeCategoryPerm(temp, name, !additive, index);
    rules += additive ? "+@" : "-@";
    rules += name;
    rules += ' ';
    applied[best] = true;
  }
  for (const CommandSpec* spec : index.commands()) SingleCommands(s, fake, *spec, &rules);
  rules.pop_back();  // the trailing space
  return rules;
}

std::string DescribeAclKeys(const AclSelector& s) {
  if (s.flags & AclSelector::kAllKeys) return "~*";
  std::string out;
  for (const AclKeyPattern& k : s.keys) {
    if (!out.empty()) out += ' ';
    AppendKeyPattern(&out, k);
  }
  return out;
}

std::string DescribeAclChannels(const AclSelector& s) {
  if (s.flags & AclSelector::kAllChannels) return "&*";
  std::string out;
  for (const std::string& c : s.channels) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += c;
  }
  return out;
}

namespace {
std::string DescribeSelector(const AclSelector& s, const AclRuleContext& ctx) {
  std::string out;
  if (s.flags & AclSelector::kAllKeys) {
    out += "~* ";
  } else {
    for (const AclKeyPattern& k : s.keys) {
      AppendKeyPattern(&out, k);
      out += ' ';
    }
  }
  if (s.flags & AclSelector::kAllChannels) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const std::string& c : s.channels) {
      out += '&';
      out += c;
      out += ' ';
    }
  }
  out += DescribeAclCommands(s, ctx);
  return out;
}
}  // namespace

std::string DescribeAclUser(const AclUser& u, const AclRuleContext& ctx) {
  std::string out;
  for (const auto& [flag, name] : kAclUserFlagNames) {
    if (u.flags & flag) {
      out += name;
      out += ' ';
    }
  }
  for (const std::string& p : u.passwords) {
    out += '#';
    out += p;
    out += ' ';
  }
  for (const AclSelector& s : u.selectors) {
    if (s.flags & AclSelector::kRoot) {
      out += DescribeSelector(s, ctx);
    } else {
      out += " (";
      out += DescribeSelector(s, ctx);
      out += ')';
    }
  }
  return out;
}

}  // namespace duet
