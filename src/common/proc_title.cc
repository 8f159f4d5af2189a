#include "common/proc_title.h"

#include <unistd.h>

#include <cstring>
#include <vector>

extern char** environ;

namespace duet::proc_title {

namespace {

struct Area {
  char* begin = nullptr;
  char* end = nullptr;  // one past the last byte that may be written
  std::string exec_name;
};

Area& State() {
  static Area area;
  return area;
}

}  // namespace

void Init(int argc, char** argv) {
  Area& a = State();
  if (argc < 1 || argv == nullptr || argv[0] == nullptr) return;
  a.exec_name = argv[0];
  // The strings of argv, then of environ, are laid out one after the other by the kernel;
  // take the run that is contiguous from argv[0].
  char* end = argv[0] + std::strlen(argv[0]) + 1;
  for (int i = 1; i < argc; i++) {
    if (argv[i] != end) break;
    end = argv[i] + std::strlen(argv[i]) + 1;
  }
  size_t envc = 0;
  while (environ[envc]) envc++;
  for (size_t i = 0; i < envc; i++) {
    if (environ[i] != end) break;
    end = environ[i] + std::strlen(environ[i]) + 1;
  }
  // The environment moves to the heap (deliberately never freed: getenv() keeps pointing
  // into it for the life of the process).
  auto** env = new char*[envc + 1];
  for (size_t i = 0; i < envc; i++) env[i] = strdup(environ[i]);
  env[envc] = nullptr;
  environ = env;
  // argv[1..] keep pointing at their old bytes, which Set overwrites: copies for whoever
  // reads argv later (the config loader reads it before Init is called, so this is a
  // safety net only).
  for (int i = 1; i < argc; i++) argv[i] = strdup(argv[i]);
  a.begin = argv[0];
  a.end = end;
}

const std::string& ExecName() { return State().exec_name; }

void Set(std::string_view title) {
  Area& a = State();
  if (!a.begin) return;
  size_t room = static_cast<size_t>(a.end - a.begin) - 1;  // keep one NUL at the end
  size_t n = title.size() < room ? title.size() : room;
  std::memcpy(a.begin, title.data(), n);
  std::memset(a.begin + n, 0, static_cast<size_t>(a.end - a.begin) - n);
}

}  // namespace duet::proc_title
