#pragma once
// Company profiles (issue 15 section 3): the records of one company, across
// collections, grouped by a normalised name. The sources spell one company
// many ways: "Angkor Sugar Co., Ltd (Region 1)" to "(Region 5)", "Pheapimex
// Group I" to "IV" and "Phea Phimex Co., Ltd", "Siv Guek Investment Co.,
// Ltd." and "Co.,Ltd", "Kenertec (A)" to "(J)". What varies between the
// records of one company is dropped (company_base), then the rest folded as
// search folds it (geo::search_key: case, punctuation, suffix words, the
// variants of romanised Khmer). The source spellings stay for display.
//
// The rule is deliberately narrow: it never merges two names whose words
// differ ("Try Pheap Co., Ltd." and "Try Pheap Import Export" stay two, as
// "Dau Thieng (Cambodia)" and "Dau Thieng (Kratie)" do), so a profile never
// holds a concession of another legal entity; search (q=) finds both.

#include "geo/collection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace geo {

// The name without what varies between one company's records, repeated
// until nothing more goes:
//   - at the end, a parenthesised region, block or share: "(Region 1)",
//     "(Region II)", "(B01)", "(C1)", "(A)", "(15%)", an acronym of the name
//     ("(JSIC)", "(CNOOC)"), or anything in parentheses after a company
//     suffix word ("Pty Ltd (Banlung)", "Ltd. (Trasol Corporation Ltd.)");
//   - at the end, a Roman numeral in capitals or the word "Region", when
//     words remain before it ("Ltd. II"). Not a bare number: "Sample Agro
//     Co. 2" may well be another company than "Sample Agro Co. 1".
// Punctuation and spaces at the ends go too. "Angkor Sugar Co., Ltd
// (Region 1)" gives "Angkor Sugar Co., Ltd".
std::string company_base(std::string_view name);

// The key one company's records share: search_key of company_base, without
// the jurisdiction ("(Cambodia)", "(Cam)", "(Kampuchea)" anywhere) and
// without a last word "Cambodia" when at least min_search_key_bytes remain
// ("Yun Khean Minerals Cambodia Co., Ltd." and "Yun Khean Minerals"). Empty
// for no company: empty text or the sources' words for none ("Not found").
std::string company_key(std::string_view name);

// The company's address in /companies/{slug}: the words company_key keeps,
// unfolded and lower-cased, joined by '-' ("angkor-sugar", "pheapimex").
// company_key(company_slug(n)) == company_key(n), so a slug, like any
// spelling of the name, finds the company.
std::string company_slug(std::string_view name);

// One record of a company: feature `position` of collection `collection`
// (indexes into the dataset's collections and that collection's features).
struct company_record {
    std::uint32_t collection = 0;
    std::uint32_t position = 0;
};

struct company {
    std::string key;                      // company_key
    std::string slug;                     // company_slug of name
    std::string name;                     // the spelling most records use, without region markers (company_base)
    std::vector<std::string> spellings;   // every source spelling, most records first
    std::vector<company_record> records;  // by collection, then position
};

// Every company of a dataset's collections (those with a company role).
class company_index {
public:
    company_index() = default;
    explicit company_index(std::vector<collection> const& collections);

    std::vector<company> const& all() const { return companies_; }  // by slug
    // The company a slug or any spelling of its name names, or null.
    company const* find(std::string_view slug_or_name) const;
    // The company of feature `position` of the collection with this id, or null.
    company const* of(std::string_view collection, std::uint32_t position) const;
    // The companies whose spellings match a query as q= matches text
    // (geo::text_matcher), by slug.
    std::vector<company const*> search(std::string_view query) const;
    std::size_t memory() const;

private:
    std::vector<company> companies_;
    std::unordered_map<std::string, std::uint32_t> by_key_;
    std::vector<std::string> collection_ids_;
    std::vector<std::vector<std::uint32_t>> of_;  // per collection, per feature: index in companies_, or none
    std::vector<searchable_text> text_;           // per company: its spellings, as text_matcher reads them
};

}  // namespace geo
