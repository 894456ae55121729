#pragma once
// FNV-1a, 64 bits: the one hash behind data versions and ETags. Not for
// security; stable across runs and machines, which is what ETags need.

#include <cstdint>
#include <string_view>

namespace geo {

inline constexpr std::uint64_t fnv1a_offset = 1469598103934665603ull;

// Continues a hash `h` over `bytes` (start with fnv1a_offset).
constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = fnv1a_offset) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace geo
