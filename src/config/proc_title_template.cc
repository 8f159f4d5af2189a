#include "config/proc_title_template.h"

#include "config/config_builders.h"

namespace duet {

namespace {

std::optional<std::string> Variable(const Config& c, std::string_view var, std::string_view title) {
  std::string port = std::to_string(c.port);
  if (var == "title") return std::string(title);
  if (var == "listen-addr") {
    std::string tls_port = config_internal::OtherText(c, "tls-port", "0");
    if (c.port == 0 && tls_port == "0") return "unixsocket:" + c.unixsocket;
    return (c.bind.empty() ? std::string("*") : c.bind[0]) + ":" + (c.port != 0 ? port : tls_port);
  }
  if (var == "server-mode") return std::string();
  if (var == "config-file") return c.config_file.empty() ? std::string("-") : c.config_file;
  if (var == "port") return port;
  if (var == "tls-port") return config_internal::OtherText(c, "tls-port", "0");
  if (var == "unixsocket") return c.unixsocket;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ExpandProcTitleTemplate(const Config& c, std::string_view tmpl,
                                                   std::string_view title) {
  std::string res;
  size_t p = 0;
  while (p < tmpl.size()) {
    size_t open = tmpl.find('{', p);
    if (open == std::string_view::npos) {
      res += tmpl.substr(p);
      break;
    }
    res += tmpl.substr(p, open - p);
    if (open + 1 >= tmpl.size()) return std::nullopt;
    if (tmpl[open + 1] == '{') {  // "{{": a literal brace
      res += '{';
      p = open + 2;
      continue;
    }
    size_t close = tmpl.find('}', open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    std::optional<std::string> value = Variable(c, tmpl.substr(open + 1, close - open - 1), title);
    if (!value) return std::nullopt;
    res += *value;
    p = close + 1;
  }
  size_t b = res.find_first_not_of(' ');
  if (b == std::string::npos) return std::string();
  return res.substr(b, res.find_last_not_of(' ') - b + 1);
}

}  // namespace duet
