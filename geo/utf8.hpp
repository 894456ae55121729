#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace geo {

// Appends one code point (below U+10000) as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp);

// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);

// Whether every byte is ASCII (text that needs no Unicode handling).
inline bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

// Reads bytes as Windows-1252, the usual encoding of legacy shapefiles
// whose .cpg lies, and returns UTF-8.
std::string windows1252_to_utf8(std::string_view s);

}  // namespace geo
