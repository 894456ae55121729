#pragma once
// Free-text search (the `q` filter): what a query matches in a feature's
// name, company, purpose and nationality. Three ways to match, any one is
// enough:
//   - the query, case-folded, inside the text ("rubber" in "Rubber
//     plantation"), as it always has;
//   - a Khmer province or crop name stands for its English word
//     (កោះកុង: "Koh Kong", កៅស៊ូ: "rubber"), matched the same way;
//   - the query's search_key in the text's search_words, from the start of
//     a word on, so romanisation variants of one company meet ("Pheapimex"
//     finds "Phea Phimex Co., Ltd"; "peap" does not find "Sophea Peanich").
// Issue 18 section 6.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

// A Khmer word for a crop or commodity and the English words (lower case)
// the data writes for it. The page's crop legend (web/app.js,
// purpose_names.km) uses the same Khmer words.
struct khmer_term {
    std::string_view khmer;
    std::vector<std::string_view> english;
};
std::span<khmer_term const> khmer_crop_terms();

// The English words a Khmer province or crop name stands for (a province:
// its display name, "Koh Kong"); empty when `text` is no such name.
std::vector<std::string> english_for_khmer(std::string_view text);

// The key two spellings of one name share: ASCII case-folded; words split
// on anything but letters, digits and non-ASCII; company suffix words
// (co, ltd, company, limited, group, corp, corporation, inc, plc, llc, pte,
// pty, pvt) dropped; within each word the usual variants of romanised Khmer folded
// (ph/p, th/t, kh/k, gh/g, ch/j, ea/ia/ie, ou/oo/u, oe/eu, ey/ei, a final
// y/i, then doubled letters single); then the words joined without spaces.
// "Phea Phimex Co., Ltd" and "Pheapimex" both give "peapimex".
std::string search_key(std::string_view text);
// The same folded words with one space between them ("pea pimex"), so that
// a match can be held to start at a word.
std::string search_words(std::string_view text);
// The words search_words folds, before folding: ASCII lower-cased, company
// suffix words dropped ("Phea Phimex Co., Ltd" gives "phea", "phimex").
std::vector<std::string> name_words(std::string_view text);
// search_key of one of name_words' words.
std::string fold_name_word(std::string_view word);

// Whether a text is the sources' way of saying "no value": empty, or
// "Not found", "Unknown", "N/A", "NA", "-", "(null)" in any case.
bool says_no_value(std::string_view text);

// Folded queries shorter than this match only literally: a short key
// ("p" for "ph") would be inside almost every name.
inline constexpr std::size_t min_search_key_bytes = 4;

// A query, prepared once per request.
class text_matcher {
public:
    explicit text_matcher(std::string_view query);

    bool empty() const { return literal_.empty() && keys_.empty(); }
    // lower: the feature's searched texts, ASCII lower-cased, joined by '\n';
    // keys: their search_words, joined by '\n' (see make_searchable).
    bool matches(std::string_view lower, std::string_view keys) const;

private:
    std::vector<std::string> literal_;  // lower-cased query (and English for a Khmer name)
    std::vector<std::string> keys_;     // their search_keys, when at least min_search_key_bytes
};

// The two texts text_matcher::matches reads, made from a feature's searched
// field values.
struct searchable_text {
    std::string lower;
    std::string keys;
};
searchable_text make_searchable(std::span<std::string const* const> values);

// ASCII lower case; other bytes (UTF-8) unchanged.
std::string ascii_lower(std::string_view s);

}  // namespace geo
