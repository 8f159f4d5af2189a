// Key extraction for COMMAND GETKEYS. The order of attempts and every quirk (atoi in the
// fallback finders, keyword searches that skip the last argument, flags left empty by the
// fallbacks) follow Redis 7.0's getKeysFromCommandWithSpecs and its per-command key finders,
// because clients compare the replies with what redis-server says.
#include "commands/key_extraction.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "common/strutil.h"

namespace duet {

namespace {

// Redis's native key finders, used when the key specs cannot answer. Each returns the number
// of keys appended (0 = none / syntax error).
using KeyFinder = int (*)(std::span<const std::string_view> argv, std::vector<KeyRef>* keys);

// atoi() as the C library computes it (the finders below use it, not a strict parse).
int Atoi(std::string_view s) {
  std::string copy(s);
  return atoi(copy.c_str());
}

// Redis's genericGetKeys: a key count at `count_ofs`, keys from `first_ofs` every `step`, and
// an optional destination key at `store_ofs`; every flag left empty.
int GenericKeys(int store_ofs, int count_ofs, int first_ofs, int step,
                std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(argv.size());
  int num = Atoi(argv[count_ofs]);
  if (num < 1 || num > (argc - first_ofs) / step) return 0;
  for (int i = 0; i < num; i++) keys->push_back({first_ofs + i * step, 0});
  if (store_ofs) keys->push_back({store_ofs, 0});
  return store_ofs ? num + 1 : num;
}

// SET: the GET option turns an overwrite into a read-modify-write.
int SetKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  for (size_t i = 3; i < argv.size(); i++) {
    if (EqualsIgnoreCase(argv[i], "get")) {
      keys->push_back({1, kKeyRW | kKeyAccess | kKeyUpdate});
      return 1;
    }
  }
  keys->push_back({1, kKeyOW | kKeyUpdate});
  return 1;
}

// BITFIELD: read-only unless a SET/INCRBY (or anything unparsable) appears.
int BitfieldKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  bool readonly = true;
  size_t argc = argv.size();
  for (size_t i = 2; i < argc; i++) {
    size_t remaining = argc - i - 1;
    std::string_view arg = argv[i];
    if (EqualsIgnoreCase(arg, "get") && remaining >= 2) {
      i += 2;
    } else if ((EqualsIgnoreCase(arg, "set") || EqualsIgnoreCase(arg, "incrby")) &&
               remaining >= 3) {
      readonly = false;
      break;
    } else if (EqualsIgnoreCase(arg, "overflow") && remaining >= 1) {
      i += 1;
    } else {
      readonly = false;  // a syntax error: assume the worst, as Redis does
      break;
    }
  }
  keys->push_back({1, readonly ? kKeyRO | kKeyAccess : kKeyRW | kKeyAccess | kKeyUpdate});
  return 1;
}

// SORT: the sorted key, plus the last STORE destination (LIMIT/GET/BY arguments skipped).
int SortKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  keys->push_back({1, kKeyRO | kKeyAccess});
  int store = -1;
  int argc = static_cast<int>(argv.size());
  for (int i = 2; i < argc; i++) {
    if (EqualsIgnoreCase(argv[i], "limit")) {
      i += 2;
    } else if (EqualsIgnoreCase(argv[i], "store") && i + 1 < argc) {
      store = i + 1;
    } else if (EqualsIgnoreCase(argv[i], "get") || EqualsIgnoreCase(argv[i], "by")) {
      i += 1;
    }
  }
  if (store < 0) return 1;
  keys->push_back({store, kKeyOW | kKeyUpdate});
  return 2;
}

int SortRoKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  keys->push_back({1, kKeyRO | kKeyAccess});
  return 1;
}

// MIGRATE: the key at 3, or the keys after KEYS (which requires an empty key at 3).
int MigrateKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(argv.size());
  int first = 3, num = 1;
  for (int i = 6; i < argc; i++) {
    if (EqualsIgnoreCase(argv[i], "keys")) {
      if (!argv[3].empty()) return 0;
      first = i + 1;
      num = argc - first;
      break;
    }
    if (EqualsIgnoreCase(argv[i], "auth")) {
      i += 1;
    } else if (EqualsIgnoreCase(argv[i], "auth2")) {
      i += 2;
    }
  }
  for (int i = 0; i < num; i++) keys->push_back({first + i, kKeyRW | kKeyAccess | kKeyDelete});
  return num;
}

// XREAD / XREADGROUP: the first half of the arguments after STREAMS (options skipped).
int XreadKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(argv.size());
  int streams_pos = -1;
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    if (EqualsIgnoreCase(arg, "block") || EqualsIgnoreCase(arg, "count")) {
      i++;
    } else if (EqualsIgnoreCase(arg, "group")) {
      i += 2;
    } else if (EqualsIgnoreCase(arg, "noack")) {
      continue;
    } else if (EqualsIgnoreCase(arg, "streams")) {
      streams_pos = i;
      break;
    } else {
      break;
    }
  }
  int num = argc - streams_pos - 1;
  if (streams_pos == -1 || num == 0 || num % 2 != 0) return 0;
  num /= 2;
  for (int i = streams_pos + 1; i < argc - num; i++) keys->push_back({i, 0});
  return num;
}

// GEORADIUS / GEORADIUSBYMEMBER: the key, plus the last STORE / STOREDIST destination.
int GeoradiusKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(argv.size());
  int stored = -1;
  for (int i = 5; i < argc; i++) {
    if ((EqualsIgnoreCase(argv[i], "store") || EqualsIgnoreCase(argv[i], "storedist")) &&
        i + 1 < argc) {
      stored = i + 1;
      i++;
    }
  }
  keys->push_back({1, 0});
  if (stored < 0) return 1;
  keys->push_back({stored, 0});
  return 2;
}

// Commands with a key count: where the destination (0: none), the count and the first key are.
template <int kStore, int kCount, int kFirst>
int CountedKeys(std::span<const std::string_view> argv, std::vector<KeyRef>* keys) {
  return GenericKeys(kStore, kCount, kFirst, 1, argv, keys);
}

struct FinderEntry {
  std::string_view name;
  KeyFinder finder;
};
constexpr FinderEntry kFinders[] = {
    {"set", SetKeys},
    {"bitfield", BitfieldKeys},
    {"sort", SortKeys},
    {"sort_ro", SortRoKeys},
    {"migrate", MigrateKeys},
    {"xread", XreadKeys},
    {"xreadgroup", XreadKeys},
    {"georadius", GeoradiusKeys},
    {"georadiusbymember", GeoradiusKeys},
    {"eval", CountedKeys<0, 2, 3>},
    {"evalsha", CountedKeys<0, 2, 3>},
    {"eval_ro", CountedKeys<0, 2, 3>},
    {"evalsha_ro", CountedKeys<0, 2, 3>},
    {"fcall", CountedKeys<0, 2, 3>},
    {"fcall_ro", CountedKeys<0, 2, 3>},
    {"zunionstore", CountedKeys<1, 2, 3>},
    {"zinterstore", CountedKeys<1, 2, 3>},
    {"zdiffstore", CountedKeys<1, 2, 3>},
    {"zunion", CountedKeys<0, 1, 2>},
    {"zinter", CountedKeys<0, 1, 2>},
    {"zdiff", CountedKeys<0, 1, 2>},
    {"zintercard", CountedKeys<0, 1, 2>},
    {"sintercard", CountedKeys<0, 1, 2>},
    {"lmpop", CountedKeys<0, 1, 2>},
    {"zmpop", CountedKeys<0, 1, 2>},
    {"blmpop", CountedKeys<0, 2, 3>},
    {"bzmpop", CountedKeys<0, 2, 3>},
};

KeyFinder FindFinder(std::string_view fullname) {
  for (const FinderEntry& e : kFinders) {
    if (e.name == fullname) return e.finder;
  }
  return nullptr;
}

}  // namespace

int GetKeysFromSpecs(std::span<const KeySpec> specs, std::span<const std::string_view> argv,
                     std::vector<KeyRef>* keys) {
  int argc = static_cast<int>(argv.size());
  size_t start_size = keys->size();
  for (const KeySpec& spec : specs) {
    if (spec.flags & kKeyNotKey) continue;
    int first = 0;
    if (spec.begin.type == BeginSearch::Type::kIndex) {
      first = spec.begin.pos;
    } else if (spec.begin.type == BeginSearch::Type::kKeyword) {
      int from = spec.begin.pos;
      int start = from > 0 ? from : argc + from;
      int end = from > 0 ? argc - 1 : 1;
      // Like Redis, the search stops before `end`: a keyword in the last argument (searching
      // forwards) or the first one (backwards) is not found.
      for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (EqualsIgnoreCase(argv[i], spec.begin.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    } else {
      keys->resize(start_size);
      return -1;
    }

    int last, step;
    if (spec.find.type == FindKeys::Type::kRange) {
      step = spec.find.keystep;
      if (spec.find.lastkey >= 0) {
        last = first + spec.find.lastkey;
      } else if (!spec.find.limit) {
        last = argc + spec.find.lastkey;
      } else {
        last = first + ((argc - first) / spec.find.limit + spec.find.lastkey);
      }
    } else if (spec.find.type == FindKeys::Type::kKeynum) {
      step = spec.find.keystep;
      int idx = first + spec.find.keynumidx;
      std::optional<int64_t> numkeys;
      if (idx < argc) numkeys = ParseInt64(argv[idx]);
      if (!numkeys || *numkeys < 0) {
        keys->resize(start_size);
        return -1;
      }
      first += spec.find.firstkey;
      // Redis narrows the count to an int; a wrapped count fails the bounds check below.
      int64_t wrapped = static_cast<int32_t>(static_cast<uint32_t>(*numkeys));
      int64_t last64 = first + wrapped - 1;
      last = last64 >= argc ? argc : (last64 < first ? first - 1 : static_cast<int>(last64));
    } else {
      keys->resize(start_size);
      return -1;
    }

    if (last >= argc || last < first || first >= argc) {
      keys->resize(start_size);
      return -1;
    }
    for (int i = first; i <= last; i += step) keys->push_back({i, spec.flags});
    // An incomplete spec may have missed keys: let the command's own finder answer.
    if (spec.flags & kKeyIncomplete) {
      keys->resize(start_size);
      return -1;
    }
  }
  return static_cast<int>(keys->size() - start_size);
}

bool CommandHasKeys(const CommandSpec& spec) {
  if (FindFinder(spec.name)) return true;
  if (!spec.meta) return spec.first_key > 0;
  for (const KeySpec& k : spec.meta->key_specs) {
    if (!(k.flags & kKeyNotKey)) return true;
  }
  return false;
}

bool GetCommandKeys(const CommandSpec& spec, std::span<const std::string_view> argv,
                    std::vector<KeyRef>* keys) {
  keys->clear();
  KeyFinder finder = FindFinder(spec.name);
  bool has_varflags = false, has_keyspec = false;
  std::span<const KeySpec> specs;
  KeySpec legacy[1];
  if (spec.meta) {
    specs = spec.meta->key_specs;
  } else if (spec.first_key > 0) {
    // No metadata (a command added without an entry): derive a spec from first/last/step.
    int last = spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key;
    legacy[0] = Spec(kKeyRW | kKeyAccess, Index(spec.first_key), Range(last, spec.step, 0));
    specs = legacy;
  }
  for (const KeySpec& k : specs) {
    if (!(k.flags & kKeyNotKey)) has_keyspec = true;
    if (k.flags & kKeyVariableFlags) has_varflags = true;
  }
  if (has_keyspec && !has_varflags) {
    if (GetKeysFromSpecs(specs, argv, keys) >= 0) return !keys->empty();
  }
  keys->clear();
  if (finder) return finder(argv, keys) > 0;
  return false;
}

}  // namespace duet
