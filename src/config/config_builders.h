// Builders for ConfigTable directives of Redis's standard types (bool, numeric, enum,
// string). Internal to config/: config_directives.cc lists the directives with them.
//
// Each builder takes where the value lives: a Config field (directives duet acts on) or, when
// no field is given, Config::other under the directive's name (kNoEffect directives).
// Validation, error texts and CONFIG GET formats are Redis's (config.c).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config_table.h"

namespace duet::config_internal {

using Directive = ConfigTable::Directive;
using Args = std::vector<std::string>;
// Optional extra check on a parsed value: returns "" or Redis's error text.
using BoolCheck = std::string (*)(bool);
using StringCheck = std::string (*)(const Config&, const std::string&);
using EnumCheck = std::string (*)(int);
using EnumValues = std::vector<std::pair<std::string, int>>;

Directive Bool(std::string name, std::string alias, unsigned flags, bool Config::*field, bool def,
               BoolCheck check = nullptr);
Directive Bool(std::string name, std::string alias, unsigned flags, bool def,
               BoolCheck check = nullptr);

// Numeric directives: `min`/`max` are Redis's bounds; `num_flags` ConfigTable::NumFlags.
template <typename T>
Directive Numeric(std::string name, std::string alias, unsigned flags, long long min, long long max,
                  T Config::*field, long long def, unsigned num_flags = 0);
Directive Numeric(std::string name, std::string alias, unsigned flags, long long min, long long max,
                  long long def, unsigned num_flags = 0);

// Enum directives bound to a std::string field hold the value's name.
Directive Enum(std::string name, std::string alias, unsigned flags, EnumValues values,
               std::string Config::*field, int def);
Directive Enum(std::string name, std::string alias, unsigned flags, EnumValues values, int def,
               bool bitflags = false, EnumCheck check = nullptr);

// String directives; `def` is the default ("" with kNullIfEmpty means unset).
Directive String(std::string name, std::string alias, unsigned flags, std::string Config::*field,
                 std::string def, StringCheck check = nullptr);
Directive String(std::string name, std::string alias, unsigned flags, std::string def,
                 StringCheck check = nullptr);

// Shared by the numeric builders: Redis's numericParseString + numericBoundaryCheck.
std::string ParseNumeric(const Directive& d, const std::string& text, long long* out);
// Shared by the enum builders: argv -> value (or Redis's error text).
std::string ParseEnum(const Directive& d, const Args& args, int* out);
// The CONFIG GET text of an enum value.
std::string EnumName(const Directive& d, int value);
// The CONFIG GET text of a numeric value.
std::string FormatNumeric(unsigned num_flags, long long v);

// Reads/writes a kNoEffect directive's text in Config::other ("" -> default).
std::string OtherText(const Config& c, const std::string& name, const std::string& def);

template <typename T>
Directive Numeric(std::string name, std::string alias, unsigned flags, long long min, long long max,
                  T Config::*field, long long def, unsigned num_flags) {
  Directive d;
  d.name = std::move(name);
  d.alias = std::move(alias);
  d.type = ConfigTable::Type::kNumeric;
  d.flags = flags;
  d.min = min;
  d.max = max;
  d.num_flags = num_flags;
  d.default_num = def;
  d.get_num = [field](const Config& c) { return static_cast<long long>(c.*field); };
  d.get = [field, num_flags](const Config& c) {
    return FormatNumeric(num_flags, static_cast<long long>(c.*field));
  };
  // The directive is captured by value: the table's copy is what Redis calls the config.
  Directive proto = d;
  d.set = [field, proto](Config& c, const Args& a) -> std::string {
    long long v;
    std::string err = ParseNumeric(proto, a[0], &v);
    if (!err.empty()) return err;
    c.*field = static_cast<T>(v);
    return "";
  };
  return d;
}

}  // namespace duet::config_internal
