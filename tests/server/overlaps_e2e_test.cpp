// Overlap with protected land, end to end on the real layers (issue 15):
// the hectares of each concession inside each protected area, community
// forest and key biodiversity area that items carry, against SpatiaLite's
// ST_Intersection areas on the ellipsoid (ST_Area(g, 1)) of the same layers
// repaired with ogr2ogr -makevalid, in a SpatiaLite database made here.

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

using pair_areas = std::map<std::pair<long, long>, double>;  // (concession id, other id) -> hectares

// Loads `layer` into the SpatiaLite database `db` as table `table`, in WGS 84,
// repaired, with its FID as src_fid.
void load_layer(fs::path const& db, std::string const& table, fs::path const& layer, bool create) {
    auto const r = test::run("ogr2ogr " + std::string(create ? "-f SQLite -dsco SPATIALITE=YES" : "-update") +
                             " -makevalid -lco GEOMETRY_NAME=geom -t_srs EPSG:4326 -nlt PROMOTE_TO_MULTI -nln " +
                             table + " " + test::quote(db.string()) + " " + test::quote(layer.string()) + " -sql " +
                             test::quote("SELECT FID AS src_fid FROM \"" + layer.stem().string() + "\""));
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

pair_areas oracle_overlaps(fs::path const& concessions, fs::path const& other) {
    test::scratch_dir dir;
    fs::path const db = dir.path() / "overlaps.sqlite";
    load_layer(db, "c", concessions, true);
    load_layer(db, "o", other, false);
    // SpatiaLite's own SQL (no -dialect): its spatial_ref_sys gives ST_Area the ellipsoid.
    auto const r = test::run(
        "ogr2ogr -f CSV /vsistdout/ " + test::quote(db.string()) + " -sql " +
        test::quote("SELECT c.src_fid AS concession, o.src_fid AS other, ST_Area(ST_Intersection(c.geom, o.geom), 1) / "
                    "10000 AS ha FROM c JOIN o ON ST_Intersects(c.geom, o.geom)"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto const rows = test::parse_csv(r.out);
    pair_areas out;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() == 3 && !rows[i][2].empty())
            out[{std::stol(rows[i][0]), std::stol(rows[i][1])}] = std::stod(rows[i][2]);
    return out;
}

// Runs SpatiaLite SQL on a database of the concessions (table c) and the
// other layer (table o); the CSV rows.
std::vector<std::vector<std::string>> spatialite(fs::path const& concessions, fs::path const& other,
                                                 std::string const& sql) {
    test::scratch_dir dir;
    fs::path const db = dir.path() / "overlaps.sqlite";
    load_layer(db, "c", concessions, true);
    load_layer(db, "o", other, false);
    auto const r = test::run("ogr2ogr -f CSV /vsistdout/ " + test::quote(db.string()) + " -sql " + test::quote(sql));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return test::parse_csv(r.out);
}

pair_areas served_overlaps(json const& items, std::string const& other) {
    pair_areas out;
    for (auto const& f : items["features"])
        for (auto const& o : f["properties"]["overlaps"])
            if (o["collection"] == other) out[{f["id"].get<long>(), o["id"].get<long>()}] = o["hectares"].get<double>();
    return out;
}

// items: every feature of the concession layer read from `shp`.
void expect_same_overlaps(json const& items, fs::path const& shp, std::string const& other, fs::path const& other_shp) {
    SCOPED_TRACE(shp.stem().string() + " in " + other);
    auto const oracle = oracle_overlaps(shp, other_shp);
    ASSERT_GT(oracle.size(), 5u) << "the layers overlap: the test could not fail";
    auto const served = served_overlaps(items, other);
    for (auto const& [pair, ha] : oracle) {
        auto const it = served.find(pair);
        if (ha < 0.01) {  // a boundary touched, or a sliver of rounding: neither side need keep it
            EXPECT_TRUE(it == served.end() || it->second < 0.02)
                << pair.first << " in " << pair.second << ": " << ha << " ha";
            continue;
        }
        ASSERT_NE(it, served.end()) << "concession " << pair.first << " overlaps " << other << " " << pair.second
                                    << " by " << ha << " ha, and the server does not say so";
        EXPECT_NEAR(it->second, ha, std::max(0.005 * ha, 0.01)) << pair.first << " in " << pair.second;
    }
    for (auto const& [pair, ha] : served)
        EXPECT_TRUE(oracle.count(pair)) << "the server has " << pair.first << " in " << pair.second << " (" << ha
                                        << " ha); SpatiaLite finds no intersection";
    // Shares are of the concession's own (computed) area.
    for (auto const& f : items["features"])
        for (auto const& o : f["properties"]["overlaps"])
            EXPECT_NEAR(o["share"].get<double>(),
                        o["hectares"].get<double>() / f["properties"]["area_ha"].get<double>(), 1e-3);
}

fs::path shared(std::string const& path) {
    return test::shared_data_dir() / path;
}

TEST_F(server_e2e_api, elc_overlaps_match_spatialite_intersection_areas) {
    time_bound bound;
    json const elc = get_json("/collections/elc/items?limit=10000");
    expect_same_overlaps(elc, elc_shp(), "protected-areas",
                         shared("odc-protected-areas/protected_areas_and_forests.shp"));
    expect_same_overlaps(elc, elc_shp(), "community-forests", shared("odc-community-forests/community_forests.shp"));
    expect_same_overlaps(elc, elc_shp(), "kba", shared("odc-kba/KBA.shp"));
}

TEST_F(server_e2e_api, mining_overlaps_match_spatialite_intersection_areas) {
    time_bound bound;
    json const mining = get_json("/collections/mining/items?limit=10000");
    expect_same_overlaps(mining, mining_shp(), "protected-areas",
                         shared("odc-protected-areas/protected_areas_and_forests.shp"));
}

std::set<long> ids_in(json const& items) {
    std::set<long> ids;
    for (auto const& f : items["features"]) ids.insert(f["id"].get<long>());
    return ids;
}

// overlaps=protected-areas selects the concessions SpatiaLite finds inside
// any protected area, overlaps=protected-areas:<id> those inside that one,
// and a name selects those inside a protected area so named; stats and the
// CSV download count the same.
TEST_F(server_e2e_api, overlaps_filter_selects_the_concessions_spatialite_finds_inside) {
    time_bound bound;
    auto const oracle = oracle_overlaps(elc_shp(), shared("odc-protected-areas/protected_areas_and_forests.shp"));
    std::set<long> inside, unsure;  // unsure: a sliver under 0.01 ha, which the server may keep or not
    std::map<long, std::set<long>> by_area;
    for (auto const& [pair, ha] : oracle) {
        (ha >= 0.01 ? inside : unsure).insert(pair.first);
        if (ha >= 0.01) by_area[pair.second].insert(pair.first);
    }
    ASSERT_GT(inside.size(), 5u);
    json const all = get_json("/collections/elc/items?limit=10000");
    ASSERT_GT(all["features"].size(), inside.size()) << "every concession overlaps: the test could not fail";

    std::set<long> const served = ids_in(get_json("/collections/elc/items?limit=10000&overlaps=protected-areas"));
    for (long id : inside) EXPECT_TRUE(served.count(id)) << id << " lies inside a protected area";
    for (long id : served) EXPECT_TRUE(inside.count(id) || unsure.count(id)) << id << " lies inside none";
    EXPECT_EQ(get_json("/collections/elc/stats?group=company&overlaps=protected-areas")["numberMatched"],
              served.size());
    auto const csv = test::parse_csv(get("/collections/elc/items?f=csv&download=1&overlaps=protected-areas").body);
    EXPECT_EQ(csv.size(), served.size() + 1) << "CSV download: a header and a row each";

    // The protected area with the most concessions, by id and by its name.
    auto const busiest = std::max_element(
        by_area.begin(), by_area.end(), [](auto const& a, auto const& b) { return a.second.size() < b.second.size(); });
    ASSERT_GE(busiest->second.size(), 2u);
    std::string const area_id = std::to_string(busiest->first);
    std::set<long> const by_id =
        ids_in(get_json("/collections/elc/items?limit=10000&overlaps=protected-areas:" + area_id));
    for (long id : busiest->second) EXPECT_TRUE(by_id.count(id)) << id << " lies inside protected area " << area_id;
    for (long id : by_id) EXPECT_TRUE(busiest->second.count(id) || unsure.count(id)) << id << " is not in " << area_id;

    json const area = get_json("/collections/protected-areas/items/" + area_id);
    std::string const name_field = get_json("/collections/protected-areas")["roles"]["name"];
    std::string const name = area["properties"][name_field];
    ASSERT_FALSE(name.empty());
    json const named = get_json("/collections/elc/items?limit=10000&overlaps=" + url_encode("protected-areas:" + name));
    std::set<long> const by_name = ids_in(named);
    for (long id : busiest->second) EXPECT_TRUE(by_name.count(id)) << id << " lies inside " << name;
    for (auto const& f : named["features"]) {  // each inside an area so named (others may share the name's words)
        bool found = false;
        for (auto const& o : f["properties"]["overlaps"])
            if (o["collection"] == "protected-areas" && o["name"].get<std::string>().find(name) != std::string::npos)
                found = true;
        EXPECT_TRUE(found) << f["id"] << " overlaps no protected area named " << name;
    }
}

TEST_F(server_e2e_api, overlaps_filter_refuses_what_is_not_measured_or_named) {
    time_bound bound;
    struct refusal {
        std::string target, says;
    };
    for (auto const& [target, says] : std::vector<refusal>{
             {"/collections/elc/items?overlaps=sez", "overlaps can name protected-areas, community-forests, kba"},
             {"/collections/protected-areas/items?overlaps=kba", "the catalog names no \"overlaps\""},
             {"/collections/elc/items?overlaps=protected-areas:Nowhere%20Sanctuary%20Xyz",
              "no feature of protected-areas"},
             {"/collections/elc/stats?overlaps=sez", "is not measured against"},
             {"/collections/elc/tiles/8/200/120.mvt?overlaps=sez", "is not measured against"},
             {"/download?collections=elc,sez&f=csv&overlaps=sez", "is not measured against"}}) {
        auto const r = get(target);
        EXPECT_EQ(r.status, 400) << target;
        EXPECT_NE(json::parse(r.body).value("description", "").find(says), std::string::npos)
            << target << ": " << r.body;
    }
}

// stats?group=overlap and /collections/elc/overlaps/protected-areas against
// SpatiaLite: per protected area, the concessions in it and the area of
// their union inside it (ST_Union: land under two concessions counted
// once); in all, the area where the union of the concessions meets the
// union of the protected areas (which overlap each other).
TEST_F(server_e2e_api, overlap_tables_match_spatialite_unions) {
    time_bound bound;
    fs::path const areas = shared("odc-protected-areas/protected_areas_and_forests.shp");
    auto const rows = spatialite(elc_shp(), areas,
                                 "SELECT o.src_fid AS area, COUNT(*) AS n, ST_Area(ST_Intersection(ST_Union(c.geom), "
                                 "o.geom), 1) / 10000 AS ha FROM c JOIN o ON ST_Intersects(c.geom, o.geom) AND "
                                 "ST_Area(ST_Intersection(c.geom, o.geom), 1) >= 100 GROUP BY o.src_fid");
    std::map<long, std::pair<std::size_t, double>> oracle;  // area id -> (concessions, hectares)
    for (std::size_t i = 1; i < rows.size(); ++i)
        oracle[std::stol(rows[i][0])] = {std::stoul(rows[i][1]), std::stod(rows[i][2])};
    ASSERT_GT(oracle.size(), 5u);
    auto const total_rows = spatialite(elc_shp(), areas,
                                       "SELECT ST_Area(ST_Intersection((SELECT ST_Union(geom) FROM c), (SELECT "
                                       "ST_Union(geom) FROM o)), 1) / 10000 AS ha");
    ASSERT_EQ(total_rows.size(), 2u);
    double const total = std::stod(total_rows[1][0]);

    json const stats = get_json("/collections/elc/stats?group=overlap");
    EXPECT_NEAR(stats["inside_ha"]["protected-areas"].get<double>(), total, 0.005 * total);
    json const table = get_json("/collections/elc/overlaps/protected-areas");
    // Each says where its numbers come from: the hectares, the layers, the data version.
    json const version = get_json("/healthz")["version"];
    for (json const* doc : {&stats, &table}) {
        auto const& sources = (*doc)["sources"];
        EXPECT_EQ(sources["data_version"], version);
        EXPECT_EQ(sources["layers"]["elc"], elc_shp().stem().string());
        EXPECT_EQ(sources["layers"]["protected-areas"], areas.stem().string());
        EXPECT_TRUE(sources["area_ha"].is_string() && sources["inside_ha"].is_string());
    }
    EXPECT_EQ(table["sources"]["layers"].size(), 2u) << "the table names its two layers";
    EXPECT_EQ(stats["sources"]["layers"].size(), 4u) << "stats name every layer it is measured against";
    EXPECT_EQ(table["inside_ha"], stats["inside_ha"]["protected-areas"]);
    double sum = 0;  // of the areas' own totals: more than the union where protected areas overlap
    std::size_t pairs = 0;
    for (auto const& a : table["areas"]) {
        long const id = a["id"].get<long>();
        SCOPED_TRACE("protected area " + std::to_string(id));
        auto const it = oracle.find(id);
        double const ha = a["inside_ha"].get<double>();
        sum += ha;
        pairs += a["features"].size();
        if (it == oracle.end()) {  // slivers under 0.01 ha each, left out of the oracle
            EXPECT_LT(ha, 0.05);
            continue;
        }
        EXPECT_NEAR(ha, it->second.second, std::max(0.005 * it->second.second, 0.02));
        EXPECT_GE(a["concessions"].get<std::size_t>(), it->second.first);
        EXPECT_EQ(a["concessions"], a["features"].size());
        double inside = 0;
        for (auto const& f : a["features"]) inside += f["inside_ha"].get<double>();
        // Never more than the sum of its parts (each part measured on its own,
        // each rounded: within 0.1 ha and 0.01%).
        EXPECT_GE(inside * 1.0001 + 0.1, ha) << "the union is more than the sum of its parts";
    }
    for (auto const& [id, expected] : oracle) {
        bool found = false;
        for (auto const& a : table["areas"]) found = found || a["id"] == id;
        EXPECT_TRUE(found) << "protected area " << id << " holds " << expected.second << " ha of concessions";
    }
    EXPECT_GE(sum + 0.05, total);
    // stats' groups for protected areas are the table's areas.
    std::size_t groups = 0;
    for (auto const& g : stats["groups"])
        if (g["collection"] == "protected-areas") ++groups;
    EXPECT_EQ(groups, table["areas"].size());

    // The CSV: a header and one row per (protected area, concession).
    auto const reply = get("/collections/elc/overlaps/protected-areas?f=csv");
    EXPECT_EQ(reply.status, 200);
    auto const csv = test::parse_csv(reply.body);
    ASSERT_FALSE(csv.empty());
    EXPECT_EQ(csv[0][0], "collection");
    EXPECT_EQ(csv.size(), pairs + 1);
}

TEST_F(server_e2e_api, overlap_tables_take_the_items_filters_and_refuse_the_unmeasured) {
    time_bound bound;
    json const all = get_json("/collections/elc/overlaps/protected-areas");
    json const some = get_json("/collections/elc/overlaps/protected-areas?province=Koh%20Kong");
    json const items = get_json("/collections/elc/items?limit=10000&province=Koh%20Kong&overlaps=protected-areas");
    EXPECT_EQ(some["concessions_inside"], items["features"].size());
    EXPECT_LT(some["concessions_inside"].get<std::size_t>(), all["concessions_inside"].get<std::size_t>());
    EXPECT_GT(some["concessions_inside"].get<std::size_t>(), 0u);
    for (auto const& [target, status] :
         std::vector<std::pair<std::string, int>>{{"/collections/elc/overlaps/sez", 400},
                                                  {"/collections/kba/overlaps/protected-areas", 400},
                                                  {"/collections/kba/stats?group=overlap", 400},
                                                  {"/collections/elc/overlaps/protected-areas?f=xml", 400},
                                                  {"/collections/nowhere/overlaps/protected-areas", 404}}) {
        EXPECT_EQ(get(target).status, status) << target;
    }
}

TEST_F(server_e2e_api, collections_not_measured_carry_no_overlaps) {
    time_bound bound;
    json const page = get_json("/collections/protected-areas/items?limit=5");
    for (auto const& f : page["features"]) EXPECT_FALSE(f["properties"].contains("overlaps"));
}

}  // namespace
