#include "geo/free_memory.hpp"

#include <cstddef>
#include <malloc.h>
#include <string>
#include <sys/types.h>

// jemalloc's control call, when the program links it (the server does:
// server/allocator.cpp); null otherwise.
extern "C" int mallctl(char const* name, void* old, std::size_t* old_size, void* value, std::size_t size)
    __attribute__((weak));

namespace geo {

void keep_freed_pages_on_this_thread() {
    if (!mallctl) return;
    static unsigned const keeping = [] {
        unsigned arena = 0;
        std::size_t size = sizeof arena;
        if (mallctl("arenas.create", &arena, &size, nullptr, 0) != 0) return ~0u;
        ssize_t never = -1;  // no decay: freed pages stay until purged
        std::string const name = "arena." + std::to_string(arena) + ".dirty_decay_ms";
        if (mallctl(name.c_str(), nullptr, nullptr, &never, sizeof never) != 0) return ~0u;
        return arena;
    }();
    if (keeping == ~0u) return;
    unsigned arena = keeping;
    mallctl("thread.arena", nullptr, nullptr, &arena, sizeof arena);
}

void return_free_memory() {
    if (mallctl)
        mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: MALLCTL_ARENAS_ALL
    else
        malloc_trim(0);
}

}  // namespace geo
