#include "persistence/aof_filler.h"

#include <cstring>

namespace duet::aof {

void AppendFiller(std::string* out, uint64_t from, uint64_t to) {
  if (to <= from) return;
  size_t old = out->size();
  out->resize(old + static_cast<size_t>(to - from), '#');
  char* p = out->data() + old;
  // The first line end after `from` (not at `from` itself: no lone "\n" at the start).
  uint64_t nl = from - from % kFillerLine + kFillerLine - 1;
  if (nl == from) nl += kFillerLine;
  for (; nl < to; nl += kFillerLine) p[nl - from] = '\n';
}

size_t FillerTailStart(std::string_view data, size_t from) {
  size_t tail = data.size();  // the start of the run of filler lines that reaches the end
  size_t pos = data.size();
  // Walk back line by line: each line [start, pos) must be '#'s, ending in '\n' except
  // possibly the last.
  while (pos > from) {
    size_t end = pos;
    if (data[end - 1] == '\n') end--;
    size_t start = end;
    while (start > from && data[start - 1] == '#') start--;
    if (start == end) break;                             // a line of no '#' (or a lone "\n")
    if (start > from && data[start - 1] != '\n') break;  // other bytes before the '#'s
    tail = start;
    pos = start;
  }
  return tail;
}

}  // namespace duet::aof
