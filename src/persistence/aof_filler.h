// The filler that keeps an AOF incremental file physically ahead of its data under
// `appendfsync always` (docs/architecture.md, "The commit path of appendfsync always"): the
// file is extended with filler lines ahead of time and each group commit's bytes are written
// over them, so the commit's fdatasync finds the file's size unchanged (on ext4 that saves
// the inode write an append's fdatasync needs).
//
// Layout: byte `off` of the filler is '\n' where a 64-byte line ends (off % 64 == 63) and '#'
// elsewhere, so from any offset the filler reads as lines that begin with '#' and are
// shorter than Redis's 1024-byte annotation limit: annotations for redis-server's,
// redis-check-aof's and duet's loaders. Data written over it always ends with a complete
// command; the one offset the filler would continue with a lone "\n" (end % 64 == 63) gets a
// '#' written after the data (EndNeedsMark), which joins the next line (65 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace duet::aof {

inline constexpr uint64_t kFillerLine = 64;

// Appends the filler for the file offsets [from, to); the byte at `from` is '#' even where a
// line ends there.
void AppendFiller(std::string* out, uint64_t from, uint64_t to);

// Whether data ending at file offset `end` over filler must be followed by one '#'.
inline bool EndNeedsMark(uint64_t end) { return end % kFillerLine == kFillerLine - 1; }

// Where the filler at the end of `data` begins: the offset (>= `from`, a line start) after
// which every line consists of '#'s ending in '\n' (or, at the very end, of '#'s only);
// data.size() when the data does not end in such a line. `from` is a line start, e.g. the
// end of the last command.
size_t FillerTailStart(std::string_view data, size_t from);

}  // namespace duet::aof
