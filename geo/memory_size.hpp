#pragma once
// Bytes a structure holds beyond itself, for the memory figures of /metrics.

#include <cstddef>
#include <string>
#include <vector>

namespace geo {

// A string's own buffer (none while it fits in the object: 15 chars in libstdc++).
inline std::size_t heap_bytes(std::string const& s) {
    return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

template <typename T>
std::size_t heap_bytes(std::vector<T> const& v) {
    return v.capacity() * sizeof(T);
}

}  // namespace geo
