// `concessions serve` end to end on the real ODC layers: what the items
// query selects (bbox, province, paging, sortby, q, datetime, properties),
// each against GDAL/SpatiaLite on the source files.

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

// --- bbox --------------------------------------------------------------------

void expect_bbox_matches_oracle(source_layer const& layer, std::vector<query_box> const& boxes,
                                std::function<std::set<long>(std::string const&)> const& server_ids, std::size_t* nonempty) {
    auto const expected = oracle_bbox_ids(layer, boxes);
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        auto const got = server_ids("bbox=" + boxes[i].text());
        std::set<long> missing, extra;
        std::set_difference(expected[i].begin(), expected[i].end(), got.begin(), got.end(), std::inserter(missing, missing.end()));
        std::set_difference(got.begin(), got.end(), expected[i].begin(), expected[i].end(), std::inserter(extra, extra.end()));
        EXPECT_TRUE(missing.empty() && extra.empty())
            << layer.collection << " bbox=" << boxes[i].text() << ": SpatiaLite finds " << expected[i].size()
            << " features, the server " << got.size() << "; missed " << describe(missing) << ", extra " << describe(extra);
        if (nonempty && !expected[i].empty()) ++*nonempty;
    }
}

// Small (0.02 deg), medium (0.15) and large (0.8) boxes around a few places;
// the count is exact (no tolerance): the server and ST_Transform both use
// PROJ, and no box edge was chosen to graze a vertex.
TEST_F(server_e2e_api, bbox_number_matched_equals_spatialite_intersects_for_small_medium_and_large_boxes) {
    time_bound bound;
    std::vector<std::pair<double, double>> const centres = {
        {106.0, 12.5}, {103.5, 11.5}, {103.65, 14.2}, {104.5, 10.65}, {107.30, 14.10}, {105.14, 12.01}, {106.6, 12.3}};
    std::vector<query_box> boxes;
    for (auto const& [x, y] : centres)
        for (double size : {0.02, 0.15, 0.8}) boxes.push_back({x - size / 2, y - size / 2, x + size / 2, y + size / 2});
    for (auto const& layer : {elc_layer(), mining_layer()}) {
        std::size_t nonempty = 0;
        auto const expected = oracle_bbox_ids(layer, boxes);
        for (std::size_t i = 0; i < boxes.size(); ++i) {
            long const n = matched("/collections/" + layer.collection + "/items?limit=1&bbox=" + boxes[i].text());
            EXPECT_EQ(n, static_cast<long>(expected[i].size()))
                << layer.collection << " bbox=" << boxes[i].text() << ": SpatiaLite finds " << describe(expected[i]);
            if (!expected[i].empty()) ++nonempty;
        }
        expect_bbox_matches_oracle(layer, boxes, [&](std::string const& q) { return item_id_set(layer.collection, q); }, nullptr);
        EXPECT_GE(nonempty, 8u) << "too few boxes meet a " << layer.collection << " feature for this test to mean much";
    }
}

// Many boxes of every size over the whole country (fixed seed): long polygon
// edges that cross a box with no vertex inside it are the hard case.
TEST_F(server_e2e_api, bbox_matches_spatialite_for_many_boxes_across_cambodia) {
    time_bound bound;
    std::mt19937 random(20240611);
    std::uniform_real_distribution<double> lon(102.4, 107.7), lat(10.3, 14.7);
    std::vector<double> const sizes = {0.005, 0.02, 0.05, 0.15, 0.4, 0.8};
    std::vector<query_box> boxes;
    for (int i = 0; i < 150; ++i) {
        double const size = sizes[static_cast<std::size_t>(i) % sizes.size()];
        double const x = lon(random), y = lat(random);
        boxes.push_back({x, y, x + size, y + size});
    }
    for (auto const& layer : {elc_layer(), mining_layer()}) {
        std::size_t nonempty = 0;
        expect_bbox_matches_oracle(layer, boxes, [&](std::string const& q) { return item_id_set(layer.collection, q); }, &nonempty);
        EXPECT_GE(nonempty, 40u) << layer.collection;
    }
}

// A box inside a feature's bounding box that SpatiaLite says misses the
// feature itself (the polygon does not reach that corner of its envelope):
// the server must not return it just because the R-tree does.
TEST_F(server_e2e_api, bbox_meeting_only_a_features_envelope_does_not_match_it) {
    time_bound bound;
    auto const layer = elc_layer();
    auto const rows = test::sqlite_oracle(
        layer.path, "SELECT fid, MbrMinX(g) AS x0, MbrMinY(g) AS y0, MbrMaxX(g) AS x1, MbrMaxY(g) AS y1 FROM (SELECT rowid AS fid, " +
                        layer.geometry + " AS g FROM " + layer.table + " f)");
    ASSERT_GT(rows.size(), 200u);
    // Two corners of each envelope, pulled 1e-4 deg inside it.
    std::vector<query_box> boxes;
    std::vector<long> owner;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].size() != 5 || rows[i][1].empty()) continue;
        double const x0 = std::stod(rows[i][1]), y0 = std::stod(rows[i][2]), x1 = std::stod(rows[i][3]), y1 = std::stod(rows[i][4]);
        if (x1 - x0 < 0.03 || y1 - y0 < 0.03) continue;
        boxes.push_back({x0 + 1e-4, y0 + 1e-4, x0 + 0.01, y0 + 0.01});
        owner.push_back(std::stol(rows[i][0]));
        boxes.push_back({x1 - 0.01, y1 - 0.01, x1 - 1e-4, y1 - 1e-4});
        owner.push_back(std::stol(rows[i][0]));
    }
    auto const expected = oracle_bbox_ids(layer, boxes);
    std::size_t envelope_only = 0;
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        if (expected[i].count(owner[i])) continue;  // the polygon does reach this corner
        ++envelope_only;
        auto const got = item_id_set("elc", "bbox=" + boxes[i].text());
        EXPECT_FALSE(got.count(owner[i])) << "bbox=" << boxes[i].text() << " meets only the envelope of feature " << owner[i];
        EXPECT_EQ(got, expected[i]) << "bbox=" << boxes[i].text() << ": SpatiaLite " << describe(expected[i]) << ", server "
                                    << describe(got);
    }
    EXPECT_GE(envelope_only, 20u) << "expected many envelope corners outside their polygon";
}

// --- provinces -------------------------------------------------------------------

TEST_F(server_e2e_api, province_filter_matches_spatialite_overlay_for_every_nis_province) {
    time_bound bound;
    for (auto const& [collection, layer] : {std::pair{std::string("elc"), elc_shp()}, std::pair{std::string("mining"), mining_shp()}}) {
        auto const oracle = oracle_province_counts(layer);
        ASSERT_EQ(oracle.size(), 24u) << "NIS 2008 has 24 provinces";
        long nonzero = 0;
        for (auto const& [name, expected] : oracle) {
            EXPECT_EQ(matched("/collections/" + collection + "/items?limit=1&province=" + url_encode(name)), expected.count)
                << collection << " in " << name << " (" << expected.code << ")";
            nonzero += expected.count > 0;
        }
        EXPECT_GE(nonzero, 10) << collection;
    }
}

TEST_F(server_e2e_api, province_spelling_variants_and_codes_give_the_same_matches) {
    time_bound bound;
    auto const oracle = oracle_province_counts(elc_shp());
    ASSERT_TRUE(oracle.count("Ratanak Kiri"));
    long const expected = oracle.at("Ratanak Kiri").count;
    ASSERT_GT(expected, 0);
    for (std::string const variant : {"Ratanakiri", "Ratanak Kiri", "ratanak-kiri", "RATANAKIRI", "16", "KH-16"})
        EXPECT_EQ(matched("/collections/elc/items?limit=1&province=" + url_encode(variant)), expected) << variant;
    for (std::string const variant : {"Mondulkiri", "Mondul Kiri", "Mundul kiri", "11"})
        EXPECT_EQ(matched("/collections/elc/items?limit=1&province=" + url_encode(variant)), oracle.at("Mondul Kiri").count)
            << variant;
}

TEST_F(server_e2e_api, unknown_province_is_400_naming_the_closest_valid_names) {
    time_bound bound;
    for (auto const& [typo, meant] : {std::pair{"Kratiee", "Kratie"}, std::pair{"Mondulkirri", "Mondulkiri"}, std::pair{"Pursatt", "Pursat"}}) {
        auto const reply = get("/collections/elc/items?province=" + url_encode(typo));
        ASSERT_EQ(reply.status, 400) << typo << ": " << reply.body;
        json const doc = json::parse(reply.body, nullptr, false);
        ASSERT_TRUE(doc.is_object() && doc.contains("code") && doc["description"].is_string()) << reply.body;
        std::string const description = doc["description"];
        EXPECT_NE(description.find(typo), std::string::npos) << description;
        auto const at = description.find("closest: ");
        ASSERT_NE(at, std::string::npos) << description;
        std::string const list = description.substr(at + 9);
        EXPECT_NE(list.find(meant), std::string::npos) << description;
        // Every suggestion is itself a valid province.
        std::stringstream names(list);
        std::string name;
        int suggestions = 0;
        while (std::getline(names, name, ',')) {
            name.erase(0, name.find_first_not_of(' '));
            EXPECT_EQ(get("/collections/elc/items?limit=1&province=" + url_encode(name)).status, 200) << name;
            ++suggestions;
        }
        EXPECT_GE(suggestions, 1);
    }
}

// --- paging ---------------------------------------------------------------------

TEST_F(server_e2e_api, following_next_links_visits_every_elc_feature_exactly_once) {
    time_bound bound;
    long const source_count = ogr_feature_count(elc_shp().string());
    ASSERT_EQ(source_count, 225);
    std::string target = "/collections/elc/items?limit=7";
    std::set<long> seen;
    long returned = 0, pages = 0, number_matched = -1;
    while (!target.empty()) {
        ASSERT_LT(++pages, 100) << "next links do not end";
        json const doc = get_json(target);
        ASSERT_TRUE(doc.is_object()) << target;
        if (number_matched < 0) number_matched = doc["numberMatched"];
        EXPECT_EQ(doc["numberMatched"].get<long>(), number_matched) << target;
        EXPECT_EQ(doc["numberReturned"].get<std::size_t>(), doc["features"].size()) << target;
        EXPECT_LE(doc["features"].size(), 7u);
        returned += doc["numberReturned"].get<long>();
        for (auto const& f : doc["features"]) EXPECT_TRUE(seen.insert(f["id"].get<long>()).second) << "feature " << f["id"] << " seen twice";
        std::string next, prev;
        for (auto const& l : doc["links"]) {
            if (l["rel"] == "next") next = target_of(l["href"]);
            if (l["rel"] == "prev") prev = target_of(l["href"]);
        }
        if (pages == 1) {
            EXPECT_TRUE(prev.empty()) << "the first page has a prev link";
        } else {
            EXPECT_FALSE(prev.empty()) << "page " << pages << " has no prev link";
            // prev leads to the page before: its first id precedes this page's.
            if (!prev.empty()) {
                json const before = get_json(prev);
                ASSERT_TRUE(before.is_object() && !before["features"].empty() && !doc["features"].empty());
                EXPECT_EQ(before["features"].size(), 7u);
                EXPECT_LT(before["features"].back()["id"].get<long>(), doc["features"].front()["id"].get<long>());
            }
        }
        target = next;
    }
    EXPECT_EQ(pages, (source_count + 6) / 7);
    EXPECT_EQ(static_cast<long>(seen.size()), source_count);
    EXPECT_EQ(returned, number_matched);
    EXPECT_EQ(number_matched, source_count);
}

// --- sorting, text, dates, properties -----------------------------------------------

TEST_F(server_e2e_api, sortby_area_descending_follows_ellipsoidal_area) {
    time_bound bound;
    // Geodesic area (SpatiaLite, WGS 84 ellipsoid) of the repaired polygons.
    auto const rows = test::sqlite_oracle(elc_shp(), "SELECT rowid AS fid, ST_Area(ST_Transform(ST_MakeValid(geometry), 4326), 1) / 10000 AS ha "
                                                     "FROM elc_complete_utm48n");
    std::map<long, double> area;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() == 2 && !rows[i][1].empty()) area[std::stol(rows[i][0])] = std::stod(rows[i][1]);
    ASSERT_EQ(area.size(), 225u);

    json const doc = get_json("/collections/elc/items?sortby=-area_ha&limit=10000");
    ASSERT_TRUE(doc.is_object());
    ASSERT_EQ(doc["features"].size(), 225u);
    double previous_server = INFINITY;
    long previous_id = -1;
    for (auto const& f : doc["features"]) {
        long const id = f["id"];
        double const server_ha = f["properties"]["area_ha"];
        EXPECT_LE(server_ha, previous_server) << "feature " << id << " after " << previous_id;
        ASSERT_TRUE(area.count(id)) << id;
        // The oracle area agrees within 0.1% (both on the ellipsoid; edges differ
        // by geodesic versus great-circle interpolation).
        EXPECT_NEAR(server_ha, area[id], std::max(0.01, area[id] * 1e-3)) << "feature " << id;
        // And the order is the oracle's, up to that tolerance between neighbours.
        if (previous_id >= 0) {
            EXPECT_GE(area[previous_id], area[id] * (1 - 1e-3)) << previous_id << " before " << id;
        }
        previous_server = server_ha;
        previous_id = id;
    }
}

TEST_F(server_e2e_api, sortby_name_ascending_is_case_insensitive) {
    time_bound bound;
    auto const expected = oracle_id_order(elc_shp(), "SELECT rowid FROM elc_complete_utm48n ORDER BY Name IS NULL, lower(Name), rowid");
    ASSERT_EQ(expected.size(), 225u);
    EXPECT_EQ(item_ids("elc", "sortby=Name"), expected);
    EXPECT_EQ(item_ids("elc", "sortby=%2BName"), expected);  // "+Name"
    // Nulls last either way; equal names by id.
    EXPECT_EQ(item_ids("elc", "sortby=-Name"),
              oracle_id_order(elc_shp(), "SELECT rowid FROM elc_complete_utm48n ORDER BY Name IS NULL, lower(Name) DESC, rowid"));
}

TEST_F(server_e2e_api, q_finds_text_in_name_purpose_or_nation_case_insensitively) {
    time_bound bound;
    auto oracle = [](std::string const& text) {
        std::string const like = "'%" + text + "%'";
        return oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE Name LIKE " + like + " OR Purpose LIKE " + like +
                                         " OR Nation LIKE " + like);
    };
    auto const hoang_anh = oracle("Hoang Anh");
    ASSERT_FALSE(hoang_anh.empty());
    for (std::string const q : {"Hoang Anh", "hoang anh", "HOANG ANH"}) {
        EXPECT_EQ(item_id_set("elc", "q=" + url_encode(q)), hoang_anh) << q;
        EXPECT_EQ(matched("/collections/elc/items?limit=1&q=" + url_encode(q)), static_cast<long>(hoang_anh.size())) << q;
    }
    for (std::string const q : {"rubber", "Sugar"}) {
        auto const expected = oracle(q);
        EXPECT_GT(expected.size(), 5u) << q;
        EXPECT_EQ(item_id_set("elc", "q=" + url_encode(q)), expected) << q;
    }
    // Spelling variants meet (geo::search_key): "vietnam" finds "Viet Nam" too.
    auto vietnam = oracle("vietnam");
    auto const viet_nam = oracle("viet nam");
    EXPECT_FALSE(viet_nam.empty());
    vietnam.insert(viet_nam.begin(), viet_nam.end());
    EXPECT_GT(vietnam.size(), 5u);
    EXPECT_EQ(item_id_set("elc", "q=vietnam"), vietnam);
}

TEST_F(server_e2e_api, datetime_matches_contract_dates_read_from_text) {
    time_bound bound;
    auto oracle = [](std::string const& where) {
        return oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE " + contract_is_date + " AND " + where);
    };
    auto const in_2011 = oracle("substr(Contract, 7, 4) = '2011'");
    ASSERT_GT(in_2011.size(), 10u);
    EXPECT_EQ(matched("/collections/elc/items?limit=1&datetime=2011-01-01/2011-12-31"), static_cast<long>(in_2011.size()));
    EXPECT_EQ(item_id_set("elc", "datetime=2011-01-01/2011-12-31"), in_2011);
    EXPECT_EQ(item_id_set("elc", "datetime=2011-03-01/2011-06-30"), oracle(contract_iso + " BETWEEN '2011-03-01' AND '2011-06-30'"));
    EXPECT_EQ(item_id_set("elc", "datetime=../1999-12-31"), oracle(contract_iso + " <= '1999-12-31'"));
    EXPECT_EQ(item_id_set("elc", "datetime=2012-01-01/.."), oracle(contract_iso + " >= '2012-01-01'"));
    EXPECT_EQ(item_id_set("elc", "datetime=2000-10-26"), oracle(contract_iso + " = '2000-10-26'"));
}

TEST_F(server_e2e_api, property_filter_is_case_insensitive_equality) {
    time_bound bound;
    auto const chinese = oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE lower(trim(Nation)) = 'chinese'");
    ASSERT_GT(chinese.size(), 5u);
    for (std::string const v : {"Chinese", "chinese", "CHINESE"}) {
        EXPECT_EQ(matched("/collections/elc/items?limit=1&Nation=" + v), static_cast<long>(chinese.size())) << v;
        EXPECT_EQ(item_id_set("elc", "Nation=" + v), chinese) << v;
    }
    auto const kratie = oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE lower(trim(Provinces)) = 'kratie'");
    EXPECT_EQ(item_id_set("elc", "Provinces=Kratie"), kratie);
    // Filters combine (AND).
    auto const both = oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE lower(trim(Nation)) = 'chinese' AND "
                                            "(Name LIKE '%rubber%' OR Purpose LIKE '%rubber%' OR Nation LIKE '%rubber%')");
    EXPECT_EQ(item_id_set("elc", "Nation=Chinese&q=rubber"), both);
}

}  // namespace
