// Directives with their own syntax (Redis's "special" configs): dir, save, bind,
// client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events, replicaof and
// latency-tracking-info-percentiles.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/strutil.h"
#include "config/config_builders.h"
#include "config/config_table.h"
#include "config/config_values.h"

namespace duet {

namespace {
using config_internal::Args;
using config_internal::OtherText;
using Directive = ConfigTable::Directive;

Directive Special(std::string name, std::string alias, unsigned flags) {
  Directive d;
  d.name = std::move(name);
  d.alias = std::move(alias);
  d.type = ConfigTable::Type::kSpecial;
  d.flags = flags;
  return d;
}

// Redis's getClientTypeByName for the classes a limit may name.
int ObufClassByName(const std::string& s) {
  if (EqualsIgnoreCase(s, "normal")) return kObufNormal;
  if (EqualsIgnoreCase(s, "slave") || EqualsIgnoreCase(s, "replica")) return kObufReplica;
  if (EqualsIgnoreCase(s, "pubsub")) return kObufPubsub;
  return -1;  // includes "master", which has no limit of its own
}

std::string SetOutputBufferLimits(Config& c, const Args& a) {
  if (a.size() % 4) return "Wrong number of arguments in buffer limit configuration.";
  OutputBufferLimit values[kObufClasses];
  bool set[kObufClasses] = {};
  // Validate every class first: the whole line is accepted or refused.
  for (size_t j = 0; j < a.size(); j += 4) {
    int cls = ObufClassByName(a[j]);
    if (cls < 0) return "Invalid client class specified in buffer limit configuration.";
    std::optional<uint64_t> hard = ParseMemory(a[j + 1]);
    std::optional<uint64_t> soft = ParseMemory(a[j + 2]);
    std::optional<long long> secs = ParseCLongLong(a[j + 3]);
    // Redis stores the seconds in an int before checking the sign.
    if (!hard || !soft || !secs || static_cast<int>(*secs) < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    values[cls] = {*hard, *soft, static_cast<int>(*secs)};
    set[cls] = true;
  }
  for (int j = 0; j < kObufClasses; j++) {
    if (set[j]) c.client_obuf_limits[j] = values[j];
  }
  return "";
}

std::string GetOutputBufferLimits(const Config& c) {
  static const char* kNames[] = {"normal", "slave", "pubsub"};
  std::string out;
  for (int j = 0; j < kObufClasses; j++) {
    const OutputBufferLimit& l = c.client_obuf_limits[j];
    if (j) out += ' ';
    out += std::string(kNames[j]) + " " + std::to_string(l.hard_bytes) + " " +
           std::to_string(l.soft_bytes) + " " + std::to_string(l.soft_seconds);
  }
  return out;
}

std::string SetOomScoreAdjValues(Config& c, const Args& a) {
  if (a.size() != 3) return "wrong number of arguments";
  std::string joined;
  for (const std::string& v : a) {
    std::optional<long long> n = ParseCLongLong(v);
    if (!n || *n < -2000 || *n > 2000) {
      return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
    }
    joined += (joined.empty() ? "" : " ") + std::to_string(static_cast<int>(*n));
  }
  c.other["oom-score-adj-values"] = joined;
  return "";
}

std::string SetReplicaOf(Config& c, const Args& a) {
  if (a.size() != 2) return "wrong number of arguments";
  c.other.erase("replicaof");
  if (EqualsIgnoreCase(a[0], "no") && EqualsIgnoreCase(a[1], "one")) return "";
  char* end = nullptr;
  long port = strtol(a[1].c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') return "Invalid master port";
  c.other["replicaof"] = a[0] + " " + std::to_string(port);
  return "";
}

std::string SetPercentiles(Config& c, const Args& a) {
  std::vector<double> out;
  bool empty = a.size() == 1 && a[0].empty();
  for (size_t j = 0; !empty && j < a.size(); j++) {
    std::optional<double> p = ParseConfigDouble(a[j]);
    if (!p) return "Invalid latency-tracking-info-percentiles parameters";
    if (*p > 100.0 || *p < 0.0) {
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    }
    out.push_back(*p);
  }
  c.latency_tracking_info_percentiles = std::move(out);
  return "";
}

std::string GetPercentiles(const Config& c) {
  std::string out;
  for (double p : c.latency_tracking_info_percentiles) {
    if (!out.empty()) out += ' ';
    out += FormatTrimmedDouble(p);
  }
  return out;
}
}  // namespace

void ConfigTable::RegisterSpecials() {
  {
    Directive d = Special("dir", "", kProtected | kDenyLoading);
    d.get = [](const Config&) {
      char buf[1024];
      return std::string(getcwd(buf, sizeof(buf)) ? buf : "");
    };
    d.set = [](Config& c, const Args& a) -> std::string {
      if (a.size() != 1) return "wrong number of arguments";
      if (chdir(a[0].c_str()) == -1) return strerror(errno);
      char buf[PATH_MAX];
      c.dir = getcwd(buf, sizeof(buf)) ? buf : a[0];
      return "";
    };
    Register(std::move(d));
  }
  {
    Directive d = Special("save", "", kMultiArg);
    d.get = [](const Config& c) {
      std::string out;
      for (const SaveParam& p : c.save_params) {
        if (!out.empty()) out += ' ';
        out += std::to_string(p.seconds) + " " + std::to_string(static_cast<int>(p.changes));
      }
      return out;
    };
    d.set = [this](Config& c, const Args& args) -> std::string {
      size_t argc = args.size();
      // `save ""` clears the save points (also in the middle of a config file).
      if (argc == 1 && args[0].empty()) {
        c.save_params.clear();
        argc = 0;
      }
      if (argc & 1) return "Invalid save parameters";
      std::vector<SaveParam> points;
      for (size_t j = 0; j < argc; j += 2) {
        std::optional<long long> secs = ParseCLongLong(args[j]);
        std::optional<long long> changes = ParseCLongLong(args[j + 1]);
        if (!secs || *secs < 1 || !changes || *changes < 0) return "Invalid save parameters";
        points.push_back({*secs, static_cast<int>(*changes)});
      }
      // While reading config files the first `save` line replaces the defaults and later
      // ones add points; CONFIG SET replaces them all.
      if (!reading_file_ || !save_loaded_) c.save_params.clear();
      if (reading_file_) save_loaded_ = true;
      c.save_params.insert(c.save_params.end(), points.begin(), points.end());
      return "";
    };
    Register(std::move(d));
  }
  {
    Directive d = Special("client-output-buffer-limit", "", kMultiArg);
    d.get = GetOutputBufferLimits;
    d.set = SetOutputBufferLimits;
    Register(std::move(d));
  }
  {
    Directive d = Special("oom-score-adj-values", "", kMultiArg | kNoEffect);
    d.get = [](const Config& c) { return OtherText(c, "oom-score-adj-values", "0 200 800"); };
    d.set = SetOomScoreAdjValues;
    Register(std::move(d));
  }
  {
    Directive d = Special("notify-keyspace-events", "", 0);
    d.get = [](const Config& c) { return KeyspaceEventsToString(c.notify_keyspace_events); };
    d.set = [](Config& c, const Args& a) -> std::string {
      if (a.size() != 1) return "wrong number of arguments";
      int flags = KeyspaceEventsFromString(a[0]);
      if (flags == -1) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
      c.notify_keyspace_events = flags;
      return "";
    };
    Register(std::move(d));
  }
  {
    Directive d = Special("bind", "", kMultiArg);
    d.get = [](const Config& c) {
      std::string out;
      for (const std::string& a : c.bind) out += (out.empty() ? "" : " ") + a;
      return out;
    };
    d.set = [](Config& c, const Args& a) -> std::string {
      if (a.size() > 16) return "Too many bind addresses specified.";
      if (a.size() == 1 && a[0].empty()) {
        c.bind.clear();
      } else {
        c.bind = a;
      }
      return "";
    };
    Register(std::move(d));
  }
  {
    Directive d = Special("replicaof", "slaveof", kImmutable | kMultiArg | kNoEffect);
    d.get = [](const Config& c) { return OtherText(c, "replicaof", ""); };
    d.set = SetReplicaOf;
    Register(std::move(d));
  }
  {
    Directive d = Special("latency-tracking-info-percentiles", "", kMultiArg);
    d.get = GetPercentiles;
    d.set = SetPercentiles;
    Register(std::move(d));
  }
}

}  // namespace duet
