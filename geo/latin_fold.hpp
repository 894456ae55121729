#pragma once
// Latin text folded for comparison (CQL2's CASEI and ACCENTI): ASCII,
// Latin-1, Latin Extended-A and -B, and Vietnamese's Latin Extended
// Additional, from a table generated from Unicode
// (scripts/latin_fold_table.py writes geo/latin_fold_table.inc), after
// the text is normalised (geo/unicode_normal.hpp: NFC, and Khmer's
// spelling variants). Khmer has neither case nor accents: it is compared
// normalised.

#include <string>
#include <string_view>

namespace geo {

// Lower case: "ĐẶNG Văn" -> "đặng văn".
std::string fold_case(std::string_view s);
// Letters without their accents: é -> e, Ç -> C, Ø -> O, Đ -> D, ặ -> a;
// Æ, Ð, Þ and ß have no plain letter and stay; combining accents left
// after NFC (U+0300..U+036F) are dropped.
std::string fold_accents(std::string_view s);

}  // namespace geo
