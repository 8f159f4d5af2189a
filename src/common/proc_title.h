// The process title `ps` and /proc/<pid>/cmdline show (Redis's setproctitle): the memory of
// argv and of the environment strings that follow it is rewritten in place, after the
// environment is copied elsewhere, so the title may be longer than the original command line.
//
// Threading: Init once at the top of main(), before any thread starts or getenv() result is
// kept; Set on the main thread only.
#pragma once

#include <string>
#include <string_view>

namespace duet::proc_title {

// Takes over argv's memory (and the environment strings that follow it). Remembers argv[0].
void Init(int argc, char** argv);
// argv[0] as the process was started (Redis's {title}); empty before Init.
const std::string& ExecName();
// Shows `title` as the whole command line (cut to the space Init found, NUL-padded). No-op
// before Init.
void Set(std::string_view title);

}  // namespace duet::proc_title
