// Company names grouped for profiles (geo/companies.hpp): the spellings the
// Open Development Cambodia layers use for one company meet, names of other
// companies stay apart, and a slug finds its company. The real layers'
// names are in tests/server/companies_e2e_test.cpp.

#include "geo/companies.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

void expect_one_company(std::vector<std::string> const& spellings) {
    std::string const key = geo::company_key(spellings.front());
    ASSERT_FALSE(key.empty()) << spellings.front();
    for (auto const& s : spellings) EXPECT_EQ(geo::company_key(s), key) << s << " and " << spellings.front();
}

void expect_two_companies(std::string const& a, std::string const& b) {
    EXPECT_NE(geo::company_key(a), geo::company_key(b)) << a << " and " << b;
}

TEST(companies, region_block_and_share_markers_go_from_the_name) {
    EXPECT_EQ(geo::company_base("Angkor Sugar Co., Ltd (Region 1)"), "Angkor Sugar Co., Ltd");
    EXPECT_EQ(geo::company_base("Camland Co., Ltd (Region II)"), "Camland Co., Ltd");
    EXPECT_EQ(geo::company_base("Cambodia Cane and Sugar Weller Co., Ltd (B06)"),
              "Cambodia Cane and Sugar Weller Co., Ltd");
    EXPECT_EQ(geo::company_base("Kenertec (C1)"), "Kenertec");
    EXPECT_EQ(geo::company_base("Anshan Iron & Steel Group (15%)"), "Anshan Iron & Steel Group");
    EXPECT_EQ(geo::company_base("Land Join Stock International Corporation Co., Ltd. (JSIC)"),
              "Land Join Stock International Corporation Co., Ltd");
    EXPECT_EQ(geo::company_base("Liberty Mining International Pty Ltd (Banlung)"),
              "Liberty Mining International Pty Ltd");
    EXPECT_EQ(geo::company_base("Gold Metal Group Co., Ltd. II"), "Gold Metal Group Co., Ltd");
    EXPECT_EQ(geo::company_base("Mieng Ly Heng Investment I"), "Mieng Ly Heng Investment");
    EXPECT_EQ(geo::company_base("S K Plantation (Cambodia) PTE Region"), "S K Plantation (Cambodia) PTE");
    EXPECT_EQ(geo::company_base("  Try Pheap Co., Ltd. (Region 2) "), "Try Pheap Co., Ltd");
}

TEST(companies, what_names_a_company_stays) {
    EXPECT_EQ(geo::company_base("Mr. Clement Yang (Taiwan)"), "Mr. Clement Yang (Taiwan)");
    EXPECT_EQ(geo::company_base("Ample Focus (Cambodia)"), "Ample Focus (Cambodia)");
    EXPECT_EQ(geo::company_base("BENH HOEURK KRATIE RUBBER 1 COMPANY LIMITED"),
              "BENH HOEURK KRATIE RUBBER 1 COMPANY LIMITED");
    EXPECT_EQ(geo::company_base("Sample Agro Co. 2"), "Sample Agro Co. 2");
    EXPECT_EQ(geo::company_base("(Region 1)"), "(Region 1)");  // nothing before it: it is the name
    EXPECT_EQ(geo::company_base("II"), "II");
}

TEST(companies, the_spellings_of_one_company_meet) {
    expect_one_company({"Angkor Sugar Co., Ltd (Region 1)", "Angkor Sugar Co., Ltd (Region 5)", "angkor sugar"});
    expect_one_company({"Pheapimex Group I", "Pheapimex Group IV", "Phea Phimex Co., Ltd", "Phea Pimex Co.,Ltd"});
    expect_one_company({"Siv Guek Investment Co., Ltd.", "Siv Guek Investment Co.,Ltd"});
    expect_one_company({"Yun Khean Minerals", "Yun Khean Minerals Cambodia Co., Ltd."});
    expect_one_company({"Tomring Rubber(Cambodia) Co., Ltd", "Tomring Rubber Co.,Ltd"});
    expect_one_company({"Sal Sophea Peanich Co., Ltd (Region I)", "Sal sophea peanich group co.,ltd"});
    expect_one_company({"Southern Gold (Cambodia) Ltd. I", "Southern Gold (Cambodia) Ltd. VII"});
    expect_one_company({"Summer Gold Investment PVT Ltd.", "Summer Gold Investment Pvt Ltd (Ouyadav)"});
    expect_one_company({"Delcom Cambodia Pte Ltd", "Delcom Cambodia Pte., Ltd."});
    expect_one_company({"Angkor Wat Cement Ltd.", "Angkorwat Cement Limited"});
}

TEST(companies, other_companies_stay_apart) {
    expect_two_companies("Try Pheap Co., Ltd. (Region 1)", "Try Pheap Import Export");
    expect_two_companies("Dau Thieng (Cambodia) Rubber Development Co., Ltd",
                         "Dau Thieng (Kratie) Rubber Development Co., Ltd");
    expect_two_companies("Angkor Wat Cement Ltd.", "Angkor Wat Minerals Limited");
    expect_two_companies("Sample Agro Co. 1", "Sample Agro Co. 2");
    expect_two_companies("Lian Heng Investment Co., Ltd.", "Lian Heng Trading Co., Ltd.");
    expect_two_companies("Ratanak Stone (Cambodia) Development Co., Ltd.", "Ratanak Kenertec Resources Co., Ltd.");
    // "Cambodia" at the end goes only when enough of the name remains.
    expect_two_companies("C.J Cambodia Co., Ltd", "C.J Co., Ltd");
    expect_one_company({"Oksan Cambodia Inc.", "Oksan"});
}

TEST(companies, the_sources_words_for_none_are_no_company) {
    for (std::string const none : {"", "  ", "Not found", "NOT FOUND", "(null)", "Unknown", "N/A", "-"})
        EXPECT_EQ(geo::company_key(none), "") << "'" << none << "'";
    EXPECT_EQ(geo::company_key("Co., Ltd."), "");  // suffix words alone name nobody
}

TEST(companies, a_slug_is_the_names_words_and_finds_its_company) {
    EXPECT_EQ(geo::company_slug("Angkor Sugar Co., Ltd (Region 3)"), "angkor-sugar");
    EXPECT_EQ(geo::company_slug("Pheapimex Group II"), "pheapimex");
    EXPECT_EQ(geo::company_slug("Ratanak Stone (Cambodia) Development Co., Ltd. I"), "ratanak-stone-development");
    EXPECT_EQ(geo::company_slug("BENH HOEURK KRATIE RUBBER 1 COMPANY LIMITED"), "benh-hoeurk-kratie-rubber-1");
    for (std::string const name :
         {"Angkor Sugar Co., Ltd (Region 3)", "Phea Phimex Co., Ltd", "Yun Khean Minerals Cambodia Co., Ltd.",
          "Kenertec (A)", "Mr. Clement Yang (Taiwan)", "Ample Focus (Cambodia)", "C.J Cambodia Co., Ltd 1",
          "Sample Agro Co. 12", "ក្រុមហ៊ុន អង្គរ"})
        EXPECT_EQ(geo::company_key(geo::company_slug(name)), geo::company_key(name))
            << name << " -> " << geo::company_slug(name);
}

TEST(companies, a_slug_that_spells_a_word_for_none_still_finds_its_company) {
    geo::collection c;
    c.id = "t";
    c.fields = {{"Name", geo::field_type::string}};
    c.roles.company = "Name";
    for (char const* name : {"Unknown Co., Ltd.", "Not found", "Angkor Sugar Co., Ltd (Region 1)"}) {
        geo::feature f;
        f.properties = {std::string(name)};
        c.features.push_back(f);
    }
    geo::company_index const index(std::vector<geo::collection>{c});
    ASSERT_EQ(index.all().size(), 2u);  // "Not found" is nobody
    auto const* unknown = index.find("unknown");
    ASSERT_NE(unknown, nullptr);
    EXPECT_EQ(unknown->name, "Unknown Co., Ltd");
    EXPECT_EQ(index.find("Angkor Sugar Co., Ltd (Region 4)")->slug, "angkor-sugar");
    EXPECT_EQ(index.of("t", 1), nullptr);
}

}  // namespace
