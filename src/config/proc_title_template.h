// proc-title-template: the process title as Redis 7.0.15 expands it (expandProcTitleTemplate).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace duet {

// Expands {title} (the given title: argv[0]), {listen-addr} (first bind address:port),
// {server-mode} (empty: standalone), {config-file} ("-" when none), {port}, {tls-port},
// {unixsocket}; "{{" is a literal brace. Leading and trailing spaces are trimmed. nullopt
// for an unknown variable or an unclosed brace.
std::optional<std::string> ExpandProcTitleTemplate(const Config& c, std::string_view tmpl,
                                                   std::string_view title);

}  // namespace duet
