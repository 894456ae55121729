#include "geo/province_names.hpp"
#include "geo/provinces.hpp"

#include <gtest/gtest.h>

namespace {
std::string gazetteer_name(std::string_view any) {
    auto i = geo::find_in_gazetteer(any);
    return i ? std::string(geo::gazetteer()[*i].name) : "<none>";
}
}  // namespace

TEST(province_names, spellings_and_codes_of_one_province_agree) {
    for (auto s : {"Ratanakiri", "Ratanak Kiri", "ratanak-kiri", "16", "KH-16", "Ratanakiri Province", "RATANAKIRI"})
        EXPECT_EQ(gazetteer_name(s), "Ratanakiri") << s;
    for (auto s : {"Mondulkiri", "Mondul Kiri", "Mundul kiri", "11"}) EXPECT_EQ(gazetteer_name(s), "Mondulkiri") << s;
    for (auto s : {"Oddar Meanchey", "Otdar Meanchey", "Oddarmeanchey", "22"})
        EXPECT_EQ(gazetteer_name(s), "Oddar Meanchey") << s;
    for (auto s : {"Preah Sihanouk", "Sihanoukville", "Preach Sihanouk", "18"})
        EXPECT_EQ(gazetteer_name(s), "Preah Sihanouk") << s;
    for (auto s : {"Banteay Meanchey", "Bantey Meanchey", "1", "01"}) EXPECT_EQ(gazetteer_name(s), "Banteay Meanchey") << s;
    EXPECT_EQ(gazetteer_name("Kompong Cham"), "Kampong Cham");
    EXPECT_EQ(gazetteer_name("Kaoh Kong"), "Koh Kong");
    EXPECT_EQ(gazetteer_name("Tbong Khmum"), "Tbong Khmum");
}

TEST(province_names, unknown_names_and_codes_match_nothing) {
    EXPECT_EQ(gazetteer_name("Atlantis"), "<none>");
    EXPECT_EQ(gazetteer_name("0"), "<none>");
    EXPECT_EQ(gazetteer_name("26"), "<none>");
    EXPECT_EQ(gazetteer_name(""), "<none>");
}

TEST(province_names, lists_split_on_every_separator_the_data_uses) {
    using v = std::vector<std::string>;
    EXPECT_EQ(geo::split_province_list("Kratie, Mondulkiri"), (v{"Kratie", "Mondulkiri"}));
    EXPECT_EQ(geo::split_province_list("Kampong Thom;Preah Vihear"), (v{"Kampong Thom", "Preah Vihear"}));
    EXPECT_EQ(geo::split_province_list("Kratie and Stung Treng"), (v{"Kratie", "Stung Treng"}));
    EXPECT_EQ(geo::split_province_list(" Kampot "), (v{"Kampot"}));
    EXPECT_EQ(geo::split_province_list(""), v{});
}

TEST(province_index, gazetteer_index_finds_and_suggests) {
    geo::province_index const index;
    ASSERT_EQ(index.provinces().size(), 25u);
    auto const a = index.find("Ratanak Kiri");
    ASSERT_TRUE(a);
    EXPECT_EQ(index.find("16"), a);
    EXPECT_EQ(index.find("ratanak-kiri"), a);
    EXPECT_FALSE(index.find("Ratanakirri Town Centre"));
    auto const suggestions = index.closest("Ratanakri");
    ASSERT_FALSE(suggestions.empty());
    EXPECT_EQ(suggestions.front(), "Ratanakiri");
}
