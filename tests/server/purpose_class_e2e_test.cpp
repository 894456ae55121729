// Purpose classes on the real ELC layer (issue 15): purpose_class= selects
// the concessions whose Purpose text holds a class's words, as SpatiaLite's
// LIKE finds them in the shapefile; stats group them the same way; the
// queryables list the classes; a class that does not exist is a 400.

#include "tests/server/api_e2e_support.hpp"

#include <set>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

std::set<long> oracle_ids(std::string const& where) {
    auto const rows = test::sqlite_oracle(elc_shp(), "SELECT rowid AS fid FROM elc_complete_utm48n WHERE " + where);
    std::set<long> ids;
    for (std::size_t i = 1; i < rows.size(); ++i) ids.insert(std::stol(rows[i][0]));
    return ids;
}

std::set<long> served_ids(json const& items) {
    std::set<long> ids;
    for (auto const& f : items["features"]) ids.insert(f["id"].get<long>());
    return ids;
}

struct class_case {
    std::string name, where;
};
// The words of each class, as LIKE reads them (case-insensitive for ASCII).
std::vector<class_case> const cases = {
    {"Rubber", "lower(Purpose) LIKE '%rubber%'"},
    {"Sugar cane", "(lower(Purpose) LIKE '%sugar%' OR lower(Purpose) LIKE '%surgar%')"},
    {"Cassava",
     "(lower(Purpose) LIKE '%cassava%' OR lower(Purpose) LIKE '%tapioca%' OR lower(Purpose) LIKE '%manioc%')"},
    {"Oil palm", "lower(Purpose) LIKE '%palm%'"},
};

}  // namespace

TEST_F(server_e2e_api, purpose_class_selects_what_the_purpose_text_says) {
    time_bound bound;
    json const stats = get_json("/collections/elc/stats?group=purpose_class");
    for (auto const& c : cases) {
        SCOPED_TRACE(c.name);
        auto const expected = oracle_ids(c.where);
        ASSERT_GT(expected.size(), 0u) << "no concession to select: the test could not fail";
        json const items = get_json("/collections/elc/items?limit=10000&purpose_class=" + url_encode(c.name));
        EXPECT_EQ(served_ids(items), expected);
        for (auto const& f : items["features"]) {
            auto const& classes = f["properties"]["purpose_class"];
            EXPECT_NE(std::find(classes.begin(), classes.end(), c.name), classes.end()) << f["id"];
        }
        bool grouped = false;
        for (auto const& g : stats["groups"])
            if (g["key"] == c.name) {
                grouped = true;
                EXPECT_EQ(g["count"].get<std::size_t>(), expected.size());
            }
        EXPECT_TRUE(grouped);
    }
    // Every concession with a purpose is in a class; those without are "(unknown)".
    auto const stated = oracle_ids("Purpose IS NOT NULL AND trim(Purpose) <> ''");
    auto const all = get_json("/collections/elc/items?limit=10000");
    for (auto const& f : all["features"]) {
        bool const has = !f["properties"]["purpose_class"].empty();
        EXPECT_EQ(has, stated.count(f["id"].get<long>()) > 0) << f["id"];
    }
}

TEST_F(server_e2e_api, purpose_class_is_a_queryable_in_every_output_and_checked) {
    time_bound bound;
    json const q = get_json("/collections/elc/queryables");
    ASSERT_TRUE(q["properties"].contains("purpose_class"));
    auto const& names = q["properties"]["purpose_class"]["enum"];
    for (auto const& c : cases) EXPECT_NE(std::find(names.begin(), names.end(), c.name), names.end()) << c.name;

    auto const bad = get("/collections/elc/items?purpose_class=Rubbr");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("Rubber, Sugar cane"), std::string::npos) << bad.body;

    // CSV: a purpose_class column, "; " between classes.
    auto const csv = test::parse_csv(get("/collections/elc/items?f=csv&download=1&purpose_class=Cassava").body);
    ASSERT_GT(csv.size(), 1u);
    auto const column = std::find(csv[0].begin(), csv[0].end(), "purpose_class");
    ASSERT_NE(column, csv[0].end());
    auto const at = static_cast<std::size_t>(column - csv[0].begin());
    for (std::size_t row = 1; row < csv.size(); ++row) EXPECT_NE(csv[row][at].find("Cassava"), std::string::npos);
}
