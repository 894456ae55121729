// Text normalised for comparison (geo/unicode_normal.hpp): NFC against
// Python's unicodedata as the oracle, and Khmer's spelling variants.

#include "geo/unicode_normal.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

namespace {

TEST(unicode_normal, NfcAgreesWithPythonsUnicodedata) {
    // Decomposed Latin (macOS file names, some converters), Vietnamese with
    // two marks in either order, compatibility characters NFC keeps, Khmer.
    std::vector<std::string> const texts = {
        "Cafe\xCC\x81",                      // e + COMBINING ACUTE
        "Da\xCC\xA3\xCC\x86ng",              // a + dot below + breve: ặ
        "Da\xCC\x86\xCC\xA3ng",              // the marks the other way round: the same
        "\xEF\xAC\x81" "ber",                // U+FB01 ﬁ: NFC keeps it
        "A\xCC\x8A" "ngstr\xC3\xB6m",        // A + ring above
        "\xE1\x9E\x80\xE1\x9F\x92\xE1\x9E\x9A",  // Khmer: NFC leaves it
        "plain ascii",
    };
    for (auto const& t : texts) {
        auto const oracle = test::run("python3 -c 'import sys, unicodedata; sys.stdout.write(unicodedata.normalize(\"NFC\", sys.argv[1]))' " +
                                      test::quote(t));
        ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
        EXPECT_EQ(geo::normalize_text(t), oracle.out) << t;
    }
    EXPECT_EQ(geo::normalize_text("Da\xCC\xA3\xCC\x86ng"), geo::normalize_text("Da\xCC\x86\xCC\xA3ng"));
    EXPECT_EQ(geo::normalize_text("not \xFF utf-8"), "not \xFF utf-8");  // passes as it is
}

TEST(unicode_normal, KhmerSpellingVariantsAreOne) {
    // OE typed as E + II, and OO as E + AA: the one vowel.
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\x80\xE1\x9F\x81\xE1\x9E\xB8"), "\xE1\x9E\x80\xE1\x9E\xBE");  // ក េ ី -> កើ
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\x80\xE1\x9F\x81\xE1\x9E\xB6"), "\xE1\x9E\x80\xE1\x9F\x84");  // ក េ ា -> កោ
    // A vowel typed before the subscript: ខ្មែរ as ខ ែ ្ ម រ.
    std::string const subscript_first = "\xE1\x9E\x81\xE1\x9F\x92\xE1\x9E\x98\xE1\x9F\x82\xE1\x9E\x9A";
    std::string const vowel_first = "\xE1\x9E\x81\xE1\x9F\x82\xE1\x9F\x92\xE1\x9E\x98\xE1\x9E\x9A";
    EXPECT_EQ(geo::khmer_normal(vowel_first), subscript_first);
    EXPECT_EQ(geo::khmer_normal(subscript_first), subscript_first);  // already in order: unchanged
    // COENG RO after the other subscripts: ស + ្ត + ្រ (ស្ត្រ) either way.
    std::string const ro_last = "\xE1\x9E\x9F\xE1\x9F\x92\xE1\x9E\x8F\xE1\x9F\x92\xE1\x9E\x9A";
    std::string const ro_first = "\xE1\x9E\x9F\xE1\x9F\x92\xE1\x9E\x9A\xE1\x9F\x92\xE1\x9E\x8F";
    EXPECT_EQ(geo::khmer_normal(ro_first), ro_last);
    // The register shifter before the vowel: ប៊ី typed as ប ី ៊.
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\x94\xE1\x9E\xB8\xE1\x9F\x8A"), "\xE1\x9E\x94\xE1\x9F\x8A\xE1\x9E\xB8");
    // Zero-width spaces between Khmer words, deprecated and invisible vowels.
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\x80\xE2\x80\x8B\xE1\x9E\x81"), "\xE1\x9E\x80\xE1\x9E\x81");
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\xA3"), "\xE1\x9E\xA2");
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\xA4"), "\xE1\x9E\xA2\xE1\x9E\xB6");
    EXPECT_EQ(geo::khmer_normal("\xE1\x9E\x80\xE1\x9E\xB4"), "\xE1\x9E\x80");
    // Other text is left alone, zero widths in it too.
    EXPECT_EQ(geo::khmer_normal("a\xE2\x80\x8B" "b"), "a\xE2\x80\x8B" "b");
    EXPECT_EQ(geo::khmer_normal("Đặng"), "Đặng");
    // Idempotent.
    for (auto const& s : {vowel_first, ro_first, std::string("\xE1\x9E\x80\xE1\x9F\x81\xE1\x9E\xB8")})
        EXPECT_EQ(geo::khmer_normal(geo::khmer_normal(s)), geo::khmer_normal(s));
}

}  // namespace
