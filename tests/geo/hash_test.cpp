#include "geo/hash.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

TEST(hash_bytes, every_prefix_and_every_one_bit_change_differs) {
    std::string text;
    for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i * 7 % 26);
    std::set<std::uint64_t> seen;
    for (std::size_t n = 0; n <= text.size(); ++n) seen.insert(geo::hash_bytes(std::string_view(text).substr(0, n)));
    EXPECT_EQ(seen.size(), text.size() + 1) << "two prefixes hash alike";
    std::uint64_t const base = geo::hash_bytes(text);
    for (std::size_t byte = 0; byte < text.size(); byte += 13)
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = text;
            flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
            EXPECT_NE(geo::hash_bytes(flipped), base) << "byte " << byte << " bit " << bit;
        }
}

TEST(hash_bytes, chaining_separates_fields_and_is_stable) {
    EXPECT_NE(geo::hash_bytes("c", geo::hash_bytes("ab")), geo::hash_bytes("bc", geo::hash_bytes("a")));
    EXPECT_EQ(geo::hash_bytes("same bytes"), geo::hash_bytes(std::string("same bytes")));
    EXPECT_NE(geo::hash_bytes(""), geo::hash_bytes(std::string(1, '\0')));
}
