// Control of the memory allocator: background purging and giving freed memory back to the
// OS. With jemalloc (DUET_HAVE_JEMALLOC, linked into the binary) these are mallctl calls;
// otherwise (sanitizer builds) they do nothing and report false.
//
// Why duet needs them: jemalloc keeps freed pages ("dirty") for reuse and returns them to the
// OS only as its decay clock advances (10 s by default), and that clock advances only when
// some thread allocates or a background thread runs. After a FLUSHALL or a mass expiry on an
// idle server nothing allocates, so without a background thread the RSS never came down.
// Each thread also caches freed regions (tcache); a few cached regions pin whole slabs, so a
// thread that freed much and then went idle keeps those slabs resident until it flushes.
#pragma once

#include <cstdint>

namespace duet::allocator {

// jemalloc-bg-thread: starts (or stops) jemalloc's background purging threads, as Redis's
// set_jemalloc_bg_thread. Returns false without jemalloc or when jemalloc refused.
bool SetBackgroundThread(bool enable);

// Returns the calling thread's cached free regions to their slabs (thread.tcache.flush), so
// slabs that hold nothing else become free pages. Cheap (microseconds); affects only the
// calling thread's cache.
void FlushThreadCache();

// MEMORY PURGE: returns every arena's unused dirty pages to the OS now (arena.<all>.purge).
// Costs a madvise per free extent; thread-safe. Returns false without jemalloc.
bool PurgeArenas();

// Bytes the calling thread has freed since it started (thread.deallocated), or 0 without
// jemalloc. For "has this thread freed much since last time" checks.
uint64_t ThreadDeallocatedBytes();

}  // namespace duet::allocator
