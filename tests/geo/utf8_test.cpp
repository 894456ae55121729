#include "geo/utf8.hpp"

#include <gtest/gtest.h>

TEST(utf8, accepts_well_formed_text_including_khmer) {
    EXPECT_TRUE(geo::is_valid_utf8("Kampong Speu Sugar"));
    EXPECT_TRUE(geo::is_valid_utf8("Soci\xC3\xA9t\xC3\xA9"));
    EXPECT_TRUE(geo::is_valid_utf8("\xE1\x9E\x80\xE1\x9E\xB6"));  // Khmer "ka" + vowel
    EXPECT_TRUE(geo::is_valid_utf8("\xE2\x80\x8B"));              // zero-width space
}

TEST(utf8, rejects_latin1_bytes_overlongs_and_surrogates) {
    EXPECT_FALSE(geo::is_valid_utf8("Soci\xE9t\xE9"));
    EXPECT_FALSE(geo::is_valid_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(geo::is_valid_utf8("\xED\xA0\x80"));      // surrogate half
    EXPECT_FALSE(geo::is_valid_utf8("\xE1\x9E"));          // truncated sequence
}

TEST(utf8, windows1252_maps_the_c1_range) {
    EXPECT_EQ(geo::windows1252_to_utf8("Soci\xE9t\xE9"), "Soci\xC3\xA9t\xC3\xA9");
    EXPECT_EQ(geo::windows1252_to_utf8("\x80"), "\xE2\x82\xAC");  // euro sign
    EXPECT_EQ(geo::windows1252_to_utf8("\x93quoted\x94"), "\xE2\x80\x9Cquoted\xE2\x80\x9D");
    EXPECT_TRUE(geo::is_valid_utf8(geo::windows1252_to_utf8("\x81\x8D\xFF")));
}
