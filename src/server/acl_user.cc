#include "server/acl_user.h"

#include <algorithm>

#include "commands/acl_categories.h"
#include "common/strutil.h"

namespace duet {

void AclCommandIndex::Build(const CommandTable& table) {
  top_.clear();
  by_name_.clear();
  categories_.clear();
  table.ForEach([&](const CommandSpec& spec) { top_.push_back(&spec); });
  std::sort(top_.begin(), top_.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  auto add = [&](const CommandSpec& spec) {
    uint32_t id = static_cast<uint32_t>(categories_.size());
    if (id == kFutureBit) {  // never a command's bit
      categories_.push_back(0);
      id++;
    }
    spec.acl_id = id;
    categories_.push_back(EffectiveAclCategories(spec));
    by_name_.emplace(spec.name, &spec);
  };
  for (const CommandSpec* spec : top_) {
    add(*spec);
    for (const CommandSpec& sub : spec->subcommands) add(sub);
  }
}

const CommandSpec* AclCommandIndex::Lookup(std::string_view fullname) const {
  auto it = by_name_.find(ToLower(fullname));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace duet
