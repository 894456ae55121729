#pragma once
// The one hash behind data versions and ETags: 64 bits, eight bytes a step
// in four independent lanes, so hashing a response body costs little next
// to writing it. Not for security; stable across runs and (little-endian)
// machines, which is what ETags need.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace geo {

namespace detail {
inline std::uint64_t hash_mix(std::uint64_t x) {
    x ^= x >> 31;
    x *= 0x9fb21c651e98df25ull;
    x ^= x >> 29;
    return x;
}
inline std::uint64_t hash_load(char const* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}
inline std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
}  // namespace detail

inline constexpr std::uint64_t hash_seed = 0x243f6a8885a308d3ull;

// Hashes `bytes`, continuing from `h`: hash_bytes(b, hash_bytes(a)) chains
// fields, and the length of each is mixed in, so ("ab", "c") != ("a", "bc").
inline std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t h = hash_seed) {
    using detail::hash_load;
    using detail::hash_mix;
    char const* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t a = h, b = h ^ 0x6a09e667f3bcc909ull, c = h + 0xbb67ae8584caa73bull, d = h - 0x3c6ef372fe94f82bull;
    for (; n >= 32; p += 32, n -= 32) {
        a = hash_mix(a ^ hash_load(p));
        b = hash_mix(b ^ hash_load(p + 8));
        c = hash_mix(c ^ hash_load(p + 16));
        d = hash_mix(d ^ hash_load(p + 24));
    }
    h = hash_mix(a ^ detail::rotl(b, 17) ^ detail::rotl(c, 31) ^ detail::rotl(d, 47) ^ bytes.size());
    for (; n >= 8; p += 8, n -= 8) h = hash_mix(h ^ hash_load(p));
    if (n) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = hash_mix(h ^ w ^ (static_cast<std::uint64_t>(n) << 56));
    }
    return hash_mix(h);
}

}  // namespace geo
