// How jemalloc (the server's allocator, linked in server/CMakeLists.txt)
// runs: read by jemalloc at start, before main; MALLOC_CONF in the
// environment still overrides it.
//  - background_thread false: no thread of jemalloc's own. Freed pages go
//    back as they age while threads allocate, and all that is free every
//    5 s from the server's reaper (geo::return_free_memory), also while no
//    request comes. With that thread on, the threads answering requests
//    woke it with a futex call about three times an answer: box answers
//    on the ELC layer went 12% (small) and 25% (large) faster without it
//    (issue 19).
//  - dirty_decay_ms: 5 s of free pages kept for reuse (default 10 s).
//    Not on the threads that answer requests: they take their memory from
//    an arena that keeps freed pages until the server gives them back,
//    every few seconds (geo::keep_freed_pages_on_this_thread).
//  - muzzy_decay_ms 0: then returned outright (MADV_DONTNEED), not left
//    lazily freed, which still counts as resident until the kernel takes it.
extern "C" {
extern char const* malloc_conf;
char const* malloc_conf = "background_thread:false,dirty_decay_ms:5000,muzzy_decay_ms:0";
}
