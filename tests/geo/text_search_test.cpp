// Free-text search: Khmer names standing for English words, and the
// romanisation folding of company names (geo/text_search.hpp), checked on
// the real ELC and mining company names when ../shared/data is present.

#include "geo/feature_query.hpp"
#include "geo/province_names.hpp"
#include "geo/text_search.hpp"
#include "geo/vector_reader.hpp"

#include "tests/support/test_support.hpp"

#include <map>
#include <regex>
#include <set>

namespace {

bool finds(std::string_view query, std::string const& text) {
    std::string const* v = &text;
    auto const t = geo::make_searchable(std::span<std::string const* const>(&v, 1));
    return geo::text_matcher(query).matches(t.lower, t.keys);
}

TEST(text_search, company_spellings_meet) {
    EXPECT_TRUE(finds("Pheapimex", "Phea Phimex Co., Ltd"));
    EXPECT_TRUE(finds("phea phimex", "Pheapimex Group I"));
    EXPECT_TRUE(finds("Tripheap", "Try Pheap Import Export"));
    EXPECT_TRUE(finds("Rattanak Stone", "Ratanak Stone"));
    EXPECT_TRUE(finds("Sivguek Investment Company Limited", "Siv Guek Investment Co.,Ltd"));
    EXPECT_EQ(geo::search_key("Phea Phimex Co., Ltd"), "peapimex");
    EXPECT_EQ(geo::search_key("Pheapimex"), "peapimex");
}

TEST(text_search, a_folded_match_starts_at_a_word) {
    // "pheap" folds to "peap", which "Sophea Peanich" holds only from inside "sopea".
    EXPECT_FALSE(finds("pheap", "Sal Sophea Peanich Co., Ltd"));
    EXPECT_TRUE(finds("peanich", "Sal Sophea Peanich Co., Ltd"));
}

TEST(text_search, short_and_suffix_only_queries_match_only_literally) {
    // "ph" folds to "p", "co" to nothing: neither may match everything.
    EXPECT_FALSE(finds("ph", "Pacific Prime"));
    EXPECT_TRUE(finds("ph", "Phea Phimex"));
    EXPECT_FALSE(finds("Co., Ltd", "Angkor Wat Cement Limited"));
    EXPECT_FALSE(finds("company", "Mekong Mining Investment"));
}

TEST(text_search, khmer_names_stand_for_english_words) {
    EXPECT_TRUE(finds("កៅស៊ូ", "Rubber plantation"));
    EXPECT_TRUE(finds("អំពៅ", "Sugar cane"));
    EXPECT_FALSE(finds("អំពៅ", "Rubber plantation"));
    EXPECT_TRUE(finds("កោះកុង", "Koh Kong Plantation Co., Ltd"));
    EXPECT_TRUE(finds("ខេត្តកោះកុង", "Koh Kong Plantation Co., Ltd"));  // with "province"
    EXPECT_TRUE(finds("កោះ\u200Bកុង", "Koh Kong Plantation Co., Ltd"));  // with a zero-width space
    EXPECT_EQ(geo::english_for_khmer("16"), std::vector<std::string>{});  // a code is not a Khmer name
}

TEST(text_search, every_province_has_a_khmer_name_that_finds_it) {
    for (std::size_t i = 0; i < geo::gazetteer().size(); ++i) {
        auto const& e = geo::gazetteer()[i];
        ASSERT_FALSE(e.khmer.empty()) << e.name;
        EXPECT_EQ(geo::find_in_gazetteer(e.khmer), i) << e.name;
        EXPECT_EQ(geo::english_for_khmer(e.khmer), std::vector<std::string>{std::string(e.name)});
    }
}

// The page lists the same Khmer province names (web/i18n.js,
// khmer_provinces) and crop labels (web/layers.js, purpose_names.km): one
// list may not drift from the other.
TEST(text_search, the_page_has_the_same_khmer_names) {
    std::string const i18n = test::slurp(test::source_dir() / "web/i18n.js");
    ASSERT_FALSE(i18n.empty());
    for (auto const& e : geo::gazetteer())
        EXPECT_NE(i18n.find("'" + std::string(e.code) + "': '" + std::string(e.khmer) + "'"), std::string::npos) << e.name;
    std::string const app = test::slurp(test::source_dir() / "web/layers.js");
    for (auto const& t : geo::khmer_crop_terms())
        EXPECT_NE(app.find("'" + std::string(t.khmer) + "'"), std::string::npos) << t.khmer;
}

std::vector<std::string> company_names(std::filesystem::path const& shp, std::string const& field) {
    std::vector<std::string> out;
    for (auto const& c : geo::read_vector_source(shp.string(), {})) {
        int const i = c.field_index(field);
        for (auto const& f : c.features)
            if (auto const* s = std::get_if<std::string>(&f.properties[static_cast<std::size_t>(i)])) out.push_back(*s);
    }
    return out;
}

// What the folding merges on the real data: every pair of distinct names
// with one key must be one company written two ways (or its numbered
// regions), never two companies.
TEST(text_search, real_company_names_fold_only_into_their_own_variants) {
    if (!test::have_shared_data()) GTEST_SKIP() << "no shared data";
    auto names = company_names(test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp", "Name");
    auto const mining = company_names(test::shared_data_dir() / "odc-mining/kh_mining_concessions_wgs84.shp", "min_name");
    names.insert(names.end(), mining.begin(), mining.end());
    ASSERT_GT(names.size(), 350u);
    // The name without its region ("(Region II)", a trailing "I"/"II"),
    // punctuation, case and suffixes: what makes two names one company.
    auto const same_company = [](std::string n) {
        n = std::regex_replace(n, std::regex(R"(\(.*\)|\b[IV]+\s*$)"), "");
        n = geo::ascii_lower(n);
        for (auto const* w : {"co.", "ltd", "limited", "company", "group", "pte", "pty", "pvt", "corporation"})
            for (std::size_t p; (p = n.find(w)) != std::string::npos;) n.erase(p, std::string(w).size());
        std::erase_if(n, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
        return n;
    };
    std::map<std::string, std::set<std::string>> by_key;
    for (auto const& n : names) by_key[geo::search_key(std::regex_replace(n, std::regex(R"(\(.*\)|\b[IV]+\s*$)"), ""))].insert(n);
    std::size_t merged = 0;
    for (auto const& [key, group] : by_key) {
        std::set<std::string> companies;
        for (auto const& n : group) companies.insert(same_company(n));
        // Spelling variants the folding exists for: let them through by name.
        bool const known_variant = key == "ratanakstone" || key == "peapimex";
        EXPECT_TRUE(companies.size() == 1 || known_variant) << key << ": " << *group.begin() << " / " << *group.rbegin();
        merged += group.size() > 1;
    }
    EXPECT_GT(merged, 5u);  // the folding does join some

    // No query of 4 or more letters taken from a real name finds more
    // than a few names beyond what it finds literally.
    std::vector<geo::searchable_text> texts;
    for (auto const& n : names) {
        std::string const* v = &n;
        texts.push_back(geo::make_searchable(std::span<std::string const* const>(&v, 1)));
    }
    for (std::string q : {"phea", "pheap", "sok", "chan", "thai", "viet", "heng", "agro", "inve", "mining", "khmer"}) {
        geo::text_matcher const m(q);
        std::size_t literal = 0, folded = 0;
        for (auto const& t : texts) {
            literal += t.lower.find(q) != std::string::npos;
            folded += m.matches(t.lower, t.keys);
        }
        EXPECT_LE(folded, literal + 3) << q;
    }
    // Pheapimex: the three Pheapimex Group regions and Phea Phimex.
    geo::text_matcher const pheapimex("Pheapimex");
    std::set<std::string> found;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (pheapimex.matches(texts[i].lower, texts[i].keys)) found.insert(names[i]);
    EXPECT_TRUE(found.count("Phea Phimex Co., Ltd")) << found.size();
    for (auto const& n : found) EXPECT_NE(geo::ascii_lower(n).find("ph"), std::string::npos) << n;
}

}  // namespace
