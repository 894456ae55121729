#pragma once
// Freed memory the allocator holds, and when it goes back to the system.
// The server's allocator (jemalloc, server/allocator.cpp) gives freed pages
// back as they age, a few seconds after. Threads that answer requests keep
// theirs instead (keep_freed_pages_on_this_thread), until
// return_free_memory: answers free and take megabytes again and again, and
// pages given back in between come again zero-filled by the kernel, a page
// fault each (at 200,000 polygons, 650,000 faults in 8 s of large box
// answers, a sixth of their time; issue 19). Without jemalloc (the tests,
// the sanitized builds: glibc's malloc) the first does nothing and the
// second trims glibc's heap.
namespace geo {

// The calling thread's allocations come from then on from one arena (made
// at the first call) that keeps its freed pages for reuse.
void keep_freed_pages_on_this_thread();
// Every arena's free pages back to the system now: the server calls it
// every few seconds, and whenever a dataset goes.
void return_free_memory();

}  // namespace geo
