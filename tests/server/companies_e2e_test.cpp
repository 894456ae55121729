// Company profiles end to end on the real layers (issue 15 section 3): which
// records /companies groups under one company, and what a profile, the
// company= filter and the downloads say of them, against GDAL's SQLite
// dialect on the source files.

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

std::string const elc_table = "elc_complete_utm48n";
std::string const mining_table = "kh_mining_concessions_wgs84";

// The one number of a one-row oracle query.
double oracle_number(fs::path const& source, std::string const& sql) {
    auto const rows = test::sqlite_oracle(source, sql);
    EXPECT_EQ(rows.size(), 2u) << sql;
    return rows.size() == 2 && !rows[1].empty() && !rows[1][0].empty() ? std::stod(rows[1][0]) : -1;
}

json const* collection_entry(json const& profile, std::string const& id) {
    for (auto const& c : profile["collections"])
        if (c["id"] == id) return &c;
    return nullptr;
}

TEST_F(server_e2e_api, a_companys_regions_are_one_profile_with_the_sources_numbers) {
    time_bound bound;
    // Angkor Sugar's five regions, by the source's own spelling.
    std::string const where = "Name LIKE 'Angkor Sugar Co., Ltd (Region %'";
    auto const ids = oracle_ids(elc_shp(), "SELECT rowid FROM " + elc_table + " WHERE " + where);
    ASSERT_EQ(ids.size(), 5u) << "the source has five regions: the test could not fail otherwise";
    double const declared = oracle_number(elc_shp(), "SELECT sum(Hectares) FROM " + elc_table + " WHERE " + where);

    json const profile = get_json("/companies/angkor-sugar");
    ASSERT_TRUE(profile.is_object());
    EXPECT_EQ(profile["name"], "Angkor Sugar Co., Ltd");
    EXPECT_EQ(profile["count"], 5);
    EXPECT_EQ(profile["spellings"].size(), 5u);
    EXPECT_NEAR(profile["declared_ha"].get<double>(), declared, 0.01);
    std::set<long> records;
    for (auto const& r : profile["records"]) records.insert(r["id"].get<long>());
    EXPECT_EQ(records, ids);
    // Every spelling, the slug and the key find the same profile.
    for (std::string const name : {"Angkor Sugar Co., Ltd (Region 4)", "ANGKOR SUGAR", "angkor-sugar"})
        EXPECT_EQ(get_json("/companies/" + url_encode(name))["slug"], "angkor-sugar") << name;
    // The filter selects exactly those records, in items and stats.
    EXPECT_EQ(item_id_set("elc", "company=angkor-sugar"), ids);
    EXPECT_EQ(item_id_set("elc", "company=" + url_encode("Angkor Sugar Co., Ltd (Region 2)")), ids);
    json const stats = get_json("/collections/elc/stats?group=company&company=angkor-sugar");
    ASSERT_EQ(stats["groups"].size(), 1u);
    EXPECT_EQ(stats["groups"][0]["count"], 5);
    EXPECT_EQ(stats["groups"][0]["slug"], "angkor-sugar");
}

TEST_F(server_e2e_api, a_company_across_collections_and_spellings) {
    time_bound bound;
    // Pheapimex: "Phea Phimex Co., Ltd" in the ELC layer, "Pheapimex Group I" to "IV" among mining licences.
    auto const elc_ids = oracle_ids(elc_shp(), "SELECT rowid FROM " + elc_table + " WHERE Name LIKE 'Phea Phimex%'");
    auto const mining_ids =
        oracle_ids(mining_shp(), "SELECT rowid FROM " + mining_table + " WHERE min_name LIKE 'Pheapimex Group %'");
    ASSERT_EQ(elc_ids.size(), 1u);
    ASSERT_EQ(mining_ids.size(), 4u);
    double const mining_declared = oracle_number(
        mining_shp(), "SELECT sum(con_size_h) FROM " + mining_table + " WHERE min_name LIKE 'Pheapimex Group %'");

    json const profile = get_json("/companies/pheapimex");
    ASSERT_TRUE(profile.is_object());
    auto const* elc = collection_entry(profile, "elc");
    auto const* mining = collection_entry(profile, "mining");
    ASSERT_TRUE(elc && mining);
    EXPECT_EQ((*elc)["count"], 1);
    EXPECT_EQ((*mining)["count"], 4);
    EXPECT_NEAR((*mining)["declared_ha"].get<double>(), mining_declared, 0.01);
    EXPECT_EQ(item_id_set("elc", "company=pheapimex"), elc_ids);
    EXPECT_EQ(item_id_set("mining", "company=pheapimex"), mining_ids);
    // Computed hectares add up from the records' own.
    double sum = 0;
    for (auto const& r : profile["records"]) sum += r["area_ha"].get<double>();
    EXPECT_NEAR(profile["area_ha"].get<double>(), sum, 0.05);
    // Its overlaps are those of its records, by collection.
    double inside = 0;
    for (auto const& r : profile["records"])
        if (r["collection"] == "elc")
            for (auto const& o : r["overlaps"])
                if (o["collection"] == "protected-areas") inside += o["inside_ha"].get<double>();
    ASSERT_GT(inside, 0) << "Pheapimex's concession overlaps a protected area: the test could not fail otherwise";
    for (auto const& o : profile["overlaps"]) {
        if (o["collection"] != "elc") continue;
        EXPECT_NEAR(o["inside_ha"]["protected-areas"].get<double>(), inside, 0.05);
    }

    // The download link of the profile gives exactly those records, one layer per collection.
    std::string href;
    for (auto const& l : profile["links"])
        if (l["rel"] == "enclosure" && l["type"] == "application/geopackage+sqlite3") href = l["href"];
    ASSERT_FALSE(href.empty());
    auto const reply = get(target_of(href));
    ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300);
    test::scratch_dir dir;
    write_file(dir / "pheapimex.gpkg", reply.body);
    EXPECT_EQ(ogr_feature_count((dir / "pheapimex.gpkg").string()), 1 + 4 + 1);  // elc, mining, elc-partial's point
}

// In a download of several layers, company= cuts the layers that name a
// company; a layer that names none (protected areas) stays whole, as the
// README says.
TEST_F(server_e2e_api, a_company_download_keeps_layers_without_companies_whole) {
    time_bound bound;
    auto const reply = get("/download?collections=elc,protected-areas&company=angkor-sugar&f=gpkg");
    ASSERT_EQ(reply.status, 200) << reply.body.substr(0, 300);
    test::scratch_dir dir;
    fs::path const gpkg = dir / "angkor-sugar.gpkg";
    write_file(gpkg, reply.body);
    fs::path const protected_areas = test::shared_data_dir() / "odc-protected-areas/protected_areas_and_forests.shp";
    EXPECT_EQ(oracle_number(gpkg, "SELECT count(*) FROM elc"), 5);
    EXPECT_EQ(oracle_number(gpkg, "SELECT count(*) FROM \"protected-areas\""),
              oracle_number(protected_areas, "SELECT count(*) FROM protected_areas_and_forests"));
    std::string const info = ogrinfo_text(gpkg.string());  // the README is the GeoPackage's metadata
    EXPECT_NE(info.find("held by the company angkor-sugar"), std::string::npos) << info.substr(0, 2000);
}

// Every company name of the mining layer is a spelling of exactly one
// company, and every record with a name is in one.
TEST_F(server_e2e_api, every_named_record_is_in_exactly_one_company) {
    time_bound bound;
    auto const rows = test::sqlite_oracle(mining_shp(), "SELECT min_name, count(*) FROM " + mining_table +
                                                            " WHERE min_name IS NOT NULL GROUP BY min_name");
    std::map<std::string, long> source_names;
    long named = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        std::string name = rows[i][0];
        name.erase(name.find_last_not_of(' ') + 1);
        if (name.empty() || name == "Not found") continue;
        source_names[name] += std::stol(rows[i][1]);
        named += std::stol(rows[i][1]);
    }
    ASSERT_GT(source_names.size(), 100u);
    json const list = get_json("/companies?collections=mining");
    ASSERT_TRUE(list.is_object());
    std::map<std::string, int> seen;
    long counted = 0;
    for (auto const& co : list["companies"]) {
        counted += co["count"].get<long>();
        for (auto const& s : co["spellings"]) {
            // A spelling from the other collections this company holds records in is not in the mining layer.
            if (source_names.count(s.get<std::string>())) ++seen[s.get<std::string>()];
        }
    }
    EXPECT_EQ(counted, named) << "records of the mining layer in /companies, against those with a company name";
    for (auto const& [name, n] : source_names) EXPECT_EQ(seen[name], 1) << name;
    EXPECT_LT(list["numberMatched"].get<std::size_t>(), source_names.size()) << "some spellings were grouped";
}

TEST_F(server_e2e_api, companies_are_found_by_words_and_sorted_as_asked) {
    time_bound bound;
    auto slugs = [&](std::string const& query) {
        std::vector<std::string> out;
        json const doc = get_json("/companies?" + query);
        for (auto const& co : doc["companies"]) out.push_back(co["slug"]);
        return out;
    };
    auto const found = slugs("q=Tripheap");  // romanisation folded as q= does
    EXPECT_NE(std::find(found.begin(), found.end(), "try-pheap"), found.end());
    EXPECT_NE(std::find(found.begin(), found.end(), "try-pheap-import-export"), found.end());
    auto const by_name = slugs("collections=elc&sortby=name&limit=5");
    ASSERT_EQ(by_name.size(), 5u);
    json const biggest = get_json("/companies?collections=elc,mining&limit=3");
    ASSERT_EQ(biggest["companies"].size(), 3u);
    EXPECT_GE(biggest["companies"][0]["area_ha"].get<double>(), biggest["companies"][1]["area_ha"].get<double>());
    EXPECT_EQ(biggest["companies"][0]["slug"],
              "pheapimex");  // 334,000 ha, the country's largest holder in these layers
    auto const csv = test::parse_csv(get("/companies?collections=elc&f=csv").body);
    ASSERT_GT(csv.size(), 150u);
    EXPECT_EQ(csv[0][0], "slug");
}

TEST_F(server_e2e_api, company_requests_that_name_nothing_say_so) {
    auto const unknown = get("/collections/elc/items?company=pheap");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_NE(unknown.body.find("pheapimex"), std::string::npos) << unknown.body;  // the companies its words name
    EXPECT_EQ(get("/collections/elc/items?company=zzzz").status, 400);
    auto const missing = get("/companies/no-such-company");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("/companies"), std::string::npos) << missing.body;
    EXPECT_EQ(get("/companies?f=xml").status, 400);
    EXPECT_EQ(get("/companies?sortby=province").status, 400);
    EXPECT_EQ(get("/companies?collections=nope").status, 400);
    EXPECT_EQ(get("/companies?limit=0").status, 400);
    EXPECT_EQ(get("/companies/angkor-sugar?f=xml").status, 400);
    EXPECT_EQ(get("/companies/angkor-sugar/more").status, 404);
}

}  // namespace
