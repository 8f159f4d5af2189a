#include "config/config_builders.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#include "common/strutil.h"
#include "config/config_values.h"

namespace duet::config_internal {

using K = ConfigTable::Type;

std::string OtherText(const Config& c, const std::string& name, const std::string& def) {
  auto it = c.other.find(name);
  return it == c.other.end() ? def : it->second;
}

namespace {
Directive Base(std::string name, std::string alias, K type, unsigned flags) {
  Directive d;
  d.name = std::move(name);
  d.alias = std::move(alias);
  d.type = type;
  d.flags = flags;
  return d;
}

std::string SetBool(const Args& a, BoolCheck check, bool* out) {
  std::optional<bool> v = ParseYesNo(a[0]);
  if (!v) return "argument must be 'yes' or 'no'";
  if (check) {
    std::string err = check(*v);
    if (!err.empty()) return err;
  }
  *out = *v;
  return "";
}
}  // namespace

Directive Bool(std::string name, std::string alias, unsigned flags, bool Config::*field, bool def,
               BoolCheck check) {
  Directive d = Base(std::move(name), std::move(alias), K::kBool, flags);
  d.default_text = def ? "yes" : "no";
  d.get = [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); };
  d.set = [field, check](Config& c, const Args& a) {
    bool v;
    std::string err = SetBool(a, check, &v);
    if (err.empty()) c.*field = v;
    return err;
  };
  return d;
}

Directive Bool(std::string name, std::string alias, unsigned flags, bool def, BoolCheck check) {
  Directive d = Base(std::move(name), std::move(alias), K::kBool, flags | ConfigTable::kNoEffect);
  d.default_text = def ? "yes" : "no";
  std::string key = d.name, def_text = d.default_text;
  d.get = [key, def_text](const Config& c) { return OtherText(c, key, def_text); };
  d.set = [key, check](Config& c, const Args& a) {
    bool v;
    std::string err = SetBool(a, check, &v);
    if (err.empty()) c.other[key] = v ? "yes" : "no";
    return err;
  };
  return d;
}

std::string FormatNumeric(unsigned num_flags, long long v) {
  char buf[64];
  if ((num_flags & ConfigTable::kPercent) && v < 0) {
    snprintf(buf, sizeof(buf), "%lld%%", -v);
  } else if (num_flags & ConfigTable::kMemory) {
    snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(v));
  } else if (num_flags & ConfigTable::kOctal) {
    snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
  } else {
    snprintf(buf, sizeof(buf), "%lld", v);
  }
  return buf;
}

std::string ParseNumeric(const Directive& d, const std::string& text, long long* out) {
  unsigned f = d.num_flags;
  bool parsed = false;
  long long v = 0;
  if (f & ConfigTable::kMemory) {
    std::optional<uint64_t> m = ParseMemory(text);
    if (m) {
      v = static_cast<long long>(*m);
      parsed = true;
    }
  }
  if (!parsed && (f & ConfigTable::kPercent) && text.size() > 1 && text.back() == '%') {
    std::optional<int64_t> p = ParseInt64(std::string_view(text).substr(0, text.size() - 1));
    if (p && *p >= 0) {
      v = -*p;  // percentages are stored negated, as Redis does
      parsed = true;
    }
  }
  if (!parsed && (f & ConfigTable::kOctal)) {
    char* end = nullptr;
    errno = 0;
    long long o = strtoll(text.c_str(), &end, 8);
    if (errno == 0 && *end == '\0') {
      v = o;
      parsed = true;
    }
  }
  if (!parsed && !(f & (ConfigTable::kMemory | ConfigTable::kPercent | ConfigTable::kOctal))) {
    std::optional<int64_t> i = ParseInt64(text);
    if (i) {
      v = *i;
      parsed = true;
    }
  }
  if (!parsed) {
    if ((f & ConfigTable::kMemory) && (f & ConfigTable::kPercent)) {
      return "argument must be a memory or percent value";
    }
    if (f & ConfigTable::kMemory) return "argument must be a memory value";
    if (f & ConfigTable::kOctal) return "argument couldn't be parsed as an octal number";
    return "argument couldn't be parsed into an integer";
  }
  char buf[128];
  if (f & ConfigTable::kUnsigned) {
    auto u = static_cast<unsigned long long>(v);
    auto lo = static_cast<unsigned long long>(d.min), hi = static_cast<unsigned long long>(d.max);
    if (u > hi || u < lo) {
      snprintf(buf, sizeof(buf),
               (f & ConfigTable::kOctal) ? "argument must be between %llo and %llo inclusive"
                                         : "argument must be between %llu and %llu inclusive",
               lo, hi);
      return buf;
    }
  } else if ((f & ConfigTable::kPercent) && v < 0) {
    if (v < d.min) {
      snprintf(buf, sizeof(buf), "percentage argument must be less or equal to %lld", -d.min);
      return buf;
    }
  } else if (v > d.max || v < d.min) {
    snprintf(buf, sizeof(buf), "argument must be between %lld and %lld inclusive", d.min, d.max);
    return buf;
  }
  *out = v;
  return "";
}

Directive Numeric(std::string name, std::string alias, unsigned flags, long long min, long long max,
                  long long def, unsigned num_flags) {
  Directive d =
      Base(std::move(name), std::move(alias), K::kNumeric, flags | ConfigTable::kNoEffect);
  d.min = min;
  d.max = max;
  d.num_flags = num_flags;
  d.default_num = def;
  std::string key = d.name;
  std::string def_text = std::to_string(def);
  d.get_num = [key, def_text](const Config& c) {
    return std::strtoll(OtherText(c, key, def_text).c_str(), nullptr, 10);
  };
  d.get = [key, def_text, num_flags](const Config& c) {
    return FormatNumeric(num_flags, std::strtoll(OtherText(c, key, def_text).c_str(), nullptr, 10));
  };
  Directive proto = d;
  d.set = [key, proto](Config& c, const Args& a) -> std::string {
    long long v;
    std::string err = ParseNumeric(proto, a[0], &v);
    if (err.empty()) c.other[key] = std::to_string(v);
    return err;
  };
  return d;
}

std::string EnumName(const Directive& d, int value) {
  std::string names;
  int unmatched = value;
  for (const auto& [name, v] : d.enum_values) {
    if (v == value) return name;
    // Bit-flag enums list every set flag, in table order.
    if (d.enum_bitflags && v != 0 && v == (unmatched & v)) {
      names += (names.empty() ? "" : " ") + name;
      unmatched &= ~v;
    }
  }
  if (names.empty() || unmatched) return "unknown";
  return names;
}

std::string ParseEnum(const Directive& d, const Args& args, int* out) {
  bool ok = !args.empty() && (d.enum_bitflags || args.size() == 1);
  int value = 0;
  for (size_t i = 0; ok && i < args.size(); i++) {
    bool found = false;
    for (const auto& [name, v] : d.enum_values) {
      if (EqualsIgnoreCase(name, args[i])) {
        value |= v;
        if (!d.enum_bitflags) value = v;
        found = true;
        break;
      }
    }
    ok = found;
  }
  if (!ok) {
    std::string err = "argument(s) must be one of the following: ";
    for (size_t i = 0; i < d.enum_values.size(); i++) {
      if (i) err += ", ";
      err += d.enum_values[i].first;
    }
    return err.substr(0, 255);  // Redis builds it in a 256-byte buffer
  }
  *out = value;
  return "";
}

Directive Enum(std::string name, std::string alias, unsigned flags, EnumValues values,
               std::string Config::*field, int def) {
  Directive d = Base(std::move(name), std::move(alias), K::kEnum, flags);
  d.enum_values = std::move(values);
  d.default_text = EnumName(d, def);
  d.get = [field](const Config& c) { return c.*field; };
  Directive proto = d;
  d.set = [field, proto](Config& c, const Args& a) -> std::string {
    int v;
    std::string err = ParseEnum(proto, a, &v);
    if (err.empty()) c.*field = EnumName(proto, v);
    return err;
  };
  return d;
}

Directive Enum(std::string name, std::string alias, unsigned flags, EnumValues values, int def,
               bool bitflags, EnumCheck check) {
  Directive d = Base(std::move(name), std::move(alias), K::kEnum, flags | ConfigTable::kNoEffect);
  d.enum_values = std::move(values);
  d.enum_bitflags = bitflags;
  d.default_text = EnumName(d, def);
  if (bitflags) d.flags |= ConfigTable::kMultiArg;
  std::string key = d.name, def_text = d.default_text;
  d.get = [key, def_text](const Config& c) { return OtherText(c, key, def_text); };
  Directive proto = d;
  d.set = [key, proto, check](Config& c, const Args& a) -> std::string {
    int v;
    std::string err = ParseEnum(proto, a, &v);
    if (err.empty() && check) err = check(v);
    if (err.empty()) c.other[key] = EnumName(proto, v);
    return err;
  };
  return d;
}

Directive String(std::string name, std::string alias, unsigned flags, std::string Config::*field,
                 std::string def, StringCheck check) {
  Directive d = Base(std::move(name), std::move(alias), K::kString, flags);
  d.default_text = std::move(def);
  d.get = [field](const Config& c) { return c.*field; };
  d.set = [field, check](Config& c, const Args& a) -> std::string {
    if (check) {
      std::string err = check(c, a[0]);
      if (!err.empty()) return err;
    }
    c.*field = a[0];
    return "";
  };
  return d;
}

Directive String(std::string name, std::string alias, unsigned flags, std::string def,
                 StringCheck check) {
  Directive d = Base(std::move(name), std::move(alias), K::kString, flags | ConfigTable::kNoEffect);
  d.default_text = std::move(def);
  std::string key = d.name, def_text = d.default_text;
  d.get = [key, def_text](const Config& c) { return OtherText(c, key, def_text); };
  d.set = [key, check](Config& c, const Args& a) -> std::string {
    if (check) {
      std::string err = check(c, a[0]);
      if (!err.empty()) return err;
    }
    c.other[key] = a[0];
    return "";
  };
  return d;
}

}  // namespace duet::config_internal
