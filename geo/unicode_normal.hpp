#pragma once
// Text made comparable whatever keyboard or converter typed it (CQL2's CASEI
// and ACCENTI compare it so): Unicode's canonical composition (NFC, with
// ICU: "e" followed by U+0301 is "é"), then Khmer's own spelling
// variants, which Unicode does not equate (khmer_normal). The only file
// that includes ICU.

#include <string>
#include <string_view>

namespace geo {

// NFC, then khmer_normal. ASCII text comes back as it is, without a copy
// through ICU. Bytes that are not UTF-8 pass unchanged.
std::string normalize_text(std::string_view utf8);

// Khmer clusters in one order and one spelling, after SIL's khnormal and
// the Unicode Standard's Khmer chapter (section 16.4):
// - after a base (consonant or independent vowel), its marks in the order
//   Robat, subscripts (COENG + consonant; COENG RO last), register shifter,
//   dependent vowel, signs above, final signs; each class keeps its order;
// - split vowels written as the one vowel: E + II (U+17C1 U+17B8) is OE
//   (U+17BE), E + AA (U+17C1 U+17B6) is OO (U+17C4);
// - the deprecated independent vowels U+17A3 and U+17A4 as U+17A2 and
//   U+17A2 U+17B6, the invisible inherent vowels U+17B4 and U+17B5 dropped;
// - zero-width spaces and joiners (U+200B..U+200D) beside Khmer dropped:
//   they mark word breaks for line wrapping, not spelling.
// Other text passes unchanged.
std::string khmer_normal(std::string_view utf8);

}  // namespace geo
