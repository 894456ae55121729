// `concessions serve` end to end, over loopback, on the real Open Development
// Cambodia layers (data/odc-catalog.json). Every expected number comes from
// GDAL on the source files (ogrinfo / ogr2ogr, SQLite/SpatiaLite dialect),
// from the catalog, or from GDAL's own OGC API - Features client; never from
// this server's output.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using test::slurp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

fs::path elc_shp() { return test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp"; }
fs::path mining_shp() { return test::shared_data_dir() / "odc-mining/kh_mining_concessions_wgs84.shp"; }
using test::provinces_shp;
fs::path catalog() { return test::source_dir() / "data/odc-catalog.json"; }

// Each test stays well inside ctest's budget.
struct time_bound {
    clock_type::time_point start = clock_type::now();
    std::chrono::seconds limit{60};
    ~time_bound() {
        auto const took = std::chrono::duration<double>(clock_type::now() - start).count();
        EXPECT_LT(took, static_cast<double>(limit.count())) << "test took " << took << " s";
    }
};

std::string url_encode(std::string_view s) {
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// "http://127.0.0.1:1234/collections/elc/items?offset=7" -> "/collections/elc/items?offset=7"
std::string target_of(std::string const& href) {
    auto const scheme = href.find("://");
    if (scheme == std::string::npos) return href;
    auto const slash = href.find('/', scheme + 3);
    return slash == std::string::npos ? "/" : href.substr(slash);
}

std::string header(test::http_reply const& r, std::string const& name) {
    auto const it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
}

void write_file(fs::path const& p, std::string const& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string box_text(double min_x, double min_y, double max_x, double max_y) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.6f,%.6f,%.6f,%.6f", min_x, min_y, max_x, max_y);
    return buf;
}

std::set<long> parse_ids(std::string const& comma_separated) {
    std::set<long> ids;
    std::stringstream s(comma_separated);
    std::string item;
    while (std::getline(s, item, ','))
        if (!item.empty()) ids.insert(std::stol(item));
    return ids;
}

std::string describe(std::set<long> const& ids) {
    std::string out = "{";
    for (long id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id);
    return out + "}";
}

// --- oracles -----------------------------------------------------------------

// "Feature Count: N" summed over the layers ogrinfo finds.
long ogr_feature_count(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    long total = -1;
    std::regex const count_line(R"(Feature Count: (\d+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), count_line), end; it != end; ++it)
        total = (total < 0 ? 0 : total) + std::stol((*it)[1]);
    return total;
}

// Field name -> OGR type name, from `ogrinfo -so`.
std::map<std::string, std::string> ogr_fields(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    std::map<std::string, std::string> fields;
    std::regex const field_line(R"((?:^|\n)([A-Za-z_][A-Za-z0-9_]*): (Integer64|Integer|Real|String|Date|DateTime|Time)(List)? \()");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), field_line), end; it != end; ++it) fields[(*it)[1]] = (*it)[2];
    return fields;
}

std::string ogrinfo_text(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    return r.out;
}

// FIDs of the rows `sql` selects; its first column must be the FID.
std::set<long> oracle_ids(fs::path const& datasource, std::string const& sql) {
    std::set<long> ids;
    auto const rows = test::sqlite_oracle(datasource, sql);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (!rows[i].empty() && !rows[i][0].empty()) ids.insert(std::stol(rows[i][0]));
    return ids;
}

// The same rows in order.
std::vector<long> oracle_id_order(fs::path const& datasource, std::string const& sql) {
    std::vector<long> ids;
    auto const rows = test::sqlite_oracle(datasource, sql);
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (!rows[i].empty() && !rows[i][0].empty()) ids.push_back(std::stol(rows[i][0]));
    return ids;
}

struct source_layer {
    std::string collection;
    fs::path path;
    std::string table;     // layer name in the SQLite dialect
    std::string geometry;  // as WGS 84, repaired: the server repairs with MakeValid too
};

source_layer elc_layer() {
    return {"elc", elc_shp(), "elc_complete_utm48n", "ST_Transform(ST_MakeValid(f.geometry), 4326)"};
}
source_layer mining_layer() { return {"mining", mining_shp(), "kh_mining_concessions_wgs84", "ST_MakeValid(f.geometry)"}; }

struct query_box {
    double min_x, min_y, max_x, max_y;
    std::string text() const { return box_text(min_x, min_y, max_x, max_y); }
};

// For each box, the FIDs whose geometry meets it (ST_Intersects with a
// BuildMbr box), in one ogr2ogr run; each geometry is repaired and
// reprojected once, in a CTE, rather than once per box.
std::vector<std::set<long>> oracle_bbox_ids(source_layer const& layer, std::vector<query_box> const& boxes) {
    std::string values;
    for (std::size_t i = 0; i < boxes.size(); ++i)
        values += (i ? "," : "") + ("(" + std::to_string(i) + "," + boxes[i].text() + ")");
    std::string const sql = "WITH boxes(id, a, b, c, d) AS (VALUES " + values +
                            "), g AS (SELECT f.rowid AS fid, " + layer.geometry + " AS geom FROM " + layer.table +
                            " f) SELECT boxes.id AS id, group_concat(g.fid) AS fids FROM boxes LEFT JOIN g ON "
                            "ST_Intersects(g.geom, BuildMbr(boxes.a, boxes.b, boxes.c, boxes.d, 4326)) GROUP BY boxes.id";
    auto const rows = test::sqlite_oracle(layer.path, sql);
    std::vector<std::set<long>> out(boxes.size());
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].size() < 2) continue;
        out.at(std::stoul(rows[i][0])) = parse_ids(rows[i][1]);
    }
    return out;
}

// Province name (PROV_NAME) -> {code, features overlapping it by at least
// 0.1% of their own area}, from SpatiaLite on a GeoPackage holding the layer
// (UTM 48N, repaired by ogr2ogr -makevalid) and the NIS provinces, as
// tests/geo/provinces_test.cpp does.
struct province_count {
    std::string code;
    long count = 0;
};
std::map<std::string, province_count> oracle_province_counts(fs::path const& layer) {
    test::scratch_dir dir;
    fs::path const gpkg = dir / "overlay.gpkg";
    test::overlay_geopackage(gpkg, layer);
    auto const rows = test::sqlite_oracle(
        gpkg,
        "SELECT p.PROV_NAME AS name, p.PROV_CODE AS code, count(f.src_fid) AS n FROM provinces p LEFT JOIN features f "
        "ON ST_Intersects(f.geom, p.geom) AND ST_Area(ST_Intersection(f.geom, p.geom)) >= 0.001 * ST_Area(f.geom) "
        "GROUP BY p.PROV_CODE, p.PROV_NAME");
    std::map<std::string, province_count> out;
    for (std::size_t i = 1; i < rows.size(); ++i)
        if (rows[i].size() == 3) out[rows[i][0]] = {rows[i][1], std::stol(rows[i][2])};
    return out;
}

// Contract dates are "dd/mm/yyyy" text (one has a time after it): as ISO.
std::string const contract_iso =
    "substr(Contract, 7, 4) || '-' || substr(Contract, 4, 2) || '-' || substr(Contract, 1, 2)";
std::string const contract_is_date = "Contract GLOB '[0-3][0-9]/[01][0-9]/[12][0-9][0-9][0-9]*'";

// --- the suite's server -----------------------------------------------------------

class server_e2e_api : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!test::have_shared_data()) return;
        server_ = std::make_unique<test::server_process>("--quiet " + test::quote(catalog().string()));
    }

    static void TearDownTestSuite() {
        if (!server_) return;
        std::string const log = slurp(server_->log_path());
        // SIGTERM drains and exits 0 (not killed, not an error status).
        EXPECT_EQ(server_->stop(), 0) << "concessions serve did not stop gracefully on SIGTERM; log:\n" << log;
        server_.reset();
    }

    void SetUp() override {
        REQUIRE_SHARED_DATA();
        ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start";
    }

    static unsigned short port() { return server_->port(); }

    static test::http_reply get(std::string const& target, std::string const& extra = {}, std::string const& method = "GET") {
        return test::http_get(port(), target, extra, method);
    }

    // A 200 JSON document, or null (with the failure recorded).
    static json get_json(std::string const& target) {
        auto const reply = get(target);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body.substr(0, 500);
        if (reply.status != 200) return json();
        json doc = json::parse(reply.body, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << target << " is not JSON: " << reply.body.substr(0, 300);
        return doc.is_discarded() ? json() : doc;
    }

    static long matched(std::string const& target) {
        json const doc = get_json(target);
        if (!doc.is_object() || !doc.contains("numberMatched")) {
            ADD_FAILURE() << target << " has no numberMatched";
            return -1;
        }
        return doc["numberMatched"].get<long>();
    }

    // Every feature id of a (filtered) items query, in the server's order.
    static std::vector<long> item_ids(std::string const& collection, std::string const& query) {
        std::string const target = "/collections/" + collection + "/items?limit=10000" + (query.empty() ? "" : "&" + query);
        json const doc = get_json(target);
        std::vector<long> ids;
        if (!doc.is_object()) return ids;
        for (auto const& f : doc["features"]) ids.push_back(f["id"].get<long>());
        EXPECT_EQ(static_cast<long>(ids.size()), doc["numberMatched"].get<long>()) << target;
        return ids;
    }

    static std::set<long> item_id_set(std::string const& collection, std::string const& query) {
        auto const ids = item_ids(collection, query);
        return {ids.begin(), ids.end()};
    }

    static inline std::unique_ptr<test::server_process> server_;
};

// --- 1. bbox --------------------------------------------------------------------

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

// --- 2. provinces -------------------------------------------------------------------

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

// --- 3. paging ---------------------------------------------------------------------

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

// --- 4. sorting, text, dates, properties -----------------------------------------------

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
    for (std::string const q : {"rubber", "Sugar", "vietnam"}) {
        auto const expected = oracle(q);
        EXPECT_GT(expected.size(), 5u) << q;
        EXPECT_EQ(item_id_set("elc", "q=" + url_encode(q)), expected) << q;
    }
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

// --- 5. GDAL's OGC API - Features client -----------------------------------------------

TEST_F(server_e2e_api, gdal_oapif_client_lists_every_collection) {
    time_bound bound;
    auto const r = test::run("ogrinfo -ro OAPIF:http://127.0.0.1:" + std::to_string(port()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> listed;
    std::regex const layer_line(R"((?:^|\n)\d+: ([^ \n]+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), layer_line), end; it != end; ++it) listed.insert((*it)[1]);
    std::ifstream in(catalog());
    json const cat = json::parse(in);
    std::set<std::string> expected;
    for (auto const& c : cat["collections"]) expected.insert(c["id"].get<std::string>());
    EXPECT_EQ(listed, expected) << r.out;
}

// GDAL types each field from the collection's describedBy JSON Schema when
// there is one, else from the first page of features: a Real field whose
// first values are written as 5643 rather than 5643.0 becomes Integer, and
// later values such as 114.41 arrive truncated. So every feature is checked,
// not a few.
TEST_F(server_e2e_api, gdal_oapif_client_fetches_every_elc_with_its_attributes) {
    time_bound bound;
    test::scratch_dir dir;
    fs::path const out = dir / "elc.geojson";
    auto const r = test::run("ogr2ogr -preserve_fid -f GeoJSON " + test::quote(out.string()) + " OAPIF:http://127.0.0.1:" +
                             std::to_string(port()) + " elc");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ogr_feature_count(out.string()), ogr_feature_count(elc_shp().string()));

    std::ifstream in(out);
    json const doc = json::parse(in);
    ASSERT_EQ(doc["features"].size(), 225u);
    auto const source = test::sqlite_oracle(elc_shp(), "SELECT rowid AS fid, Name, Hectares FROM elc_complete_utm48n");
    std::map<long, std::pair<std::string, std::string>> expected;
    for (std::size_t i = 1; i < source.size(); ++i) expected[std::stol(source[i][0])] = {source[i][1], source[i][2]};
    std::set<long> ids;
    for (auto const& f : doc["features"]) {
        ASSERT_TRUE(f.contains("id")) << "GDAL kept no feature id";
        long const id = f["id"];
        ids.insert(id);
        ASSERT_TRUE(expected.count(id)) << id;
        auto const& p = f["properties"];
        ASSERT_TRUE(p.contains("Name") && p.contains("Hectares")) << p.dump();
        auto const& [name, hectares] = expected[id];
        if (name.empty())
            EXPECT_TRUE(p["Name"].is_null() || p["Name"] == "") << id;
        else
            EXPECT_EQ(p["Name"], name) << "feature " << id;
        if (!hectares.empty()) {
            ASSERT_TRUE(p["Hectares"].is_number()) << id << ": " << p["Hectares"];
            EXPECT_NEAR(p["Hectares"].get<double>(), std::stod(hectares), 1e-6) << "feature " << id;
        }
    }
    EXPECT_EQ(ids.size(), 225u);
}

// --- 6. downloads -------------------------------------------------------------------------

struct download {
    test::http_reply reply;
    fs::path file;  // saved under the name Content-Disposition gives
};

download fetch_download(unsigned short port, std::string const& target, fs::path const& dir) {
    download d;
    d.reply = test::http_get(port, target, {}, "GET", {}, std::chrono::seconds(60));
    EXPECT_EQ(d.reply.status, 200) << target << ": " << d.reply.body.substr(0, 300);
    std::string const disposition = header(d.reply, "content-disposition");
    std::smatch m;
    if (!std::regex_search(disposition, m, std::regex(R"(^attachment;\s*filename="([^"/\\]+)\")"))) {
        ADD_FAILURE() << target << ": not an attachment with a file name: '" << disposition << "'";
        return d;
    }
    d.file = dir / m[1].str();
    write_file(d.file, d.reply.body);
    return d;
}

TEST_F(server_e2e_api, downloads_of_a_province_open_in_gdal_with_every_match) {
    time_bound bound;
    test::scratch_dir dir;
    long const expected = matched("/collections/elc/items?province=Koh%20Kong");
    // The overlay oracle agrees on that number (see the province tests).
    EXPECT_EQ(expected, oracle_province_counts(elc_shp()).at("Koh Kong").count);
    ASSERT_GT(expected, 0);
    std::vector<std::pair<std::string, std::string>> const formats = {
        {"geojson", "elc-koh-kong.geojson"}, {"csv", "elc-koh-kong.csv"}, {"kml", "elc-koh-kong.kml"},
        {"gpkg", "elc-koh-kong.gpkg"},       {"shp", "elc-koh-kong.shp.zip"}};
    for (auto const& [format, file_name] : formats) {
        SCOPED_TRACE(format);
        auto const d = fetch_download(port(), "/collections/elc/items?province=Koh%20Kong&f=" + format + "&download=1", dir.path());
        if (d.file.empty()) continue;
        EXPECT_EQ(d.file.filename().string(), file_name);
        std::string const datasource = format == "shp" ? "/vsizip/" + d.file.string() : d.file.string();
        EXPECT_EQ(ogr_feature_count(datasource), expected);
        auto const fields = ogr_fields(datasource);
        EXPECT_TRUE(fields.count("Name")) << ogrinfo_text(datasource);
        std::string const info = ogrinfo_text(datasource);
        EXPECT_EQ(info.find("Geometry: None"), std::string::npos) << info;
        // Everything lies in Koh Kong, south-west Cambodia.
        std::smatch m;
        ASSERT_TRUE(std::regex_search(info, m, std::regex(R"(Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\))"))) << info;
        EXPECT_GT(std::stod(m[1]), 102.0);
        EXPECT_GT(std::stod(m[2]), 10.5);
        EXPECT_LT(std::stod(m[3]), 104.5);
        EXPECT_LT(std::stod(m[4]), 12.5);
    }
}

TEST_F(server_e2e_api, full_layer_download_has_every_feature_and_geojson_says_where_it_came_from) {
    time_bound bound;
    test::scratch_dir dir;
    long const source_count = ogr_feature_count(elc_shp().string());
    auto const geojson = fetch_download(port(), "/collections/elc/items?f=geojson&download=1", dir.path());
    ASSERT_FALSE(geojson.file.empty());
    EXPECT_EQ(geojson.file.filename().string(), "elc.geojson");
    EXPECT_EQ(ogr_feature_count(geojson.file.string()), source_count);
    json const doc = json::parse(geojson.reply.body, nullptr, false);
    ASSERT_TRUE(doc.is_object());
    ASSERT_TRUE(doc.contains("source")) << "no provenance";
    EXPECT_NE(doc["source"].dump().find("elc_complete_utm48n.shp"), std::string::npos) << doc["source"].dump();
    EXPECT_EQ(doc["features"].size(), static_cast<std::size_t>(source_count));

    auto const gpkg = fetch_download(port(), "/collections/elc/items?f=gpkg&download=1", dir.path());
    ASSERT_FALSE(gpkg.file.empty());
    EXPECT_EQ(ogr_feature_count(gpkg.file.string()), source_count);
    auto const shp = fetch_download(port(), "/collections/elc/items?f=shp&download=1", dir.path());
    ASSERT_FALSE(shp.file.empty());
    EXPECT_EQ(ogr_feature_count("/vsizip/" + shp.file.string()), source_count);
}

// The first download streams (chunked); the server keeps the bytes it sent,
// so the same download again comes whole from memory, with a length.
TEST_F(server_e2e_api, a_repeated_download_is_the_same_bytes_from_the_cache) {
    time_bound bound;
    for (std::string const format : {"geojson", "csv", "gpkg"}) {
        SCOPED_TRACE(format);
        std::string const target = "/collections/elc/items?province=Kampot&f=" + format + "&download=1";
        auto const first = get(target);
        ASSERT_EQ(first.status, 200) << first.body.substr(0, 300);
        EXPECT_EQ(header(first, "transfer-encoding"), "chunked");
        auto const second = get(target);
        ASSERT_EQ(second.status, 200);
        EXPECT_EQ(header(second, "transfer-encoding"), "");
        EXPECT_EQ(header(second, "content-length"), std::to_string(first.body.size()));
        EXPECT_TRUE(second.body == first.body) << "the cached download differs from the streamed one";
        EXPECT_EQ(header(second, "etag"), header(first, "etag"));
        EXPECT_EQ(header(second, "content-disposition"), header(first, "content-disposition"));
        EXPECT_EQ(header(second, "x-features"), header(first, "x-features"));
        EXPECT_EQ(get(target, "If-None-Match: " + header(first, "etag") + "\r\n").status, 304);
    }
}

// A download larger than the cache's largest entry is streamed every time,
// and a client that leaves mid-way does not leave a truncated body behind.
TEST(server_e2e_api_small_cache, downloads_too_big_to_keep_stream_every_time) {
    REQUIRE_SHARED_DATA();
    time_bound bound;
    test::server_process server("--quiet --cache-mb 1 " + test::quote(catalog().string()));
    ASSERT_NE(server.port(), 0);
    std::string const target = "/collections/elc/items?f=geojson&download=1";  // ~1.2 MB, over 1 MiB / 4
    auto const first = test::http_get(server.port(), target);
    ASSERT_EQ(first.status, 200);
    ASSERT_GT(first.body.size(), 300'000u);
    for (int i = 0; i < 2; ++i) {
        auto const again = test::http_get(server.port(), target);
        ASSERT_EQ(again.status, 200);
        EXPECT_EQ(header(again, "transfer-encoding"), "chunked") << "request " << i + 2;
        EXPECT_EQ(again.body.size(), first.body.size());
    }
    // A small one, cut short by its client: the next request streams it whole.
    std::string const small = "/collections/elc/items?province=Kampot&f=csv&download=1";
    int const fd = test::connect_loopback(server.port());
    ASSERT_GE(fd, 0);
    std::string const request = "GET " + small + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    char buf[64];
    ASSERT_GT(::read(fd, buf, sizeof buf), 0);
    ::close(fd);
    auto const whole = test::http_get(server.port(), small);
    ASSERT_EQ(whole.status, 200);
    long const rows = std::count(whole.body.begin(), whole.body.end(), '\n');
    EXPECT_EQ(rows - 1, std::stol(header(whole, "x-features"))) << "a truncated body was cached";
    EXPECT_EQ(server.stop(), 0);
}

// Features kept as text at start-up (the default on the real catalog) and
// written per request (--feature-text-mb 0) are the same bytes.
TEST_F(server_e2e_api, kept_and_written_features_are_the_same_bytes) {
    time_bound bound;
    test::server_process written("--quiet --feature-text-mb 0 " + test::quote(catalog().string()));
    ASSERT_NE(written.port(), 0);
    for (std::string const target : {"/collections/elc/items?limit=10000", "/collections/elc/items/5",
                                     "/collections/mining/items?limit=10000&sortby=-area_ha",
                                     "/collections/elc/items?f=geojson&download=1"}) {
        auto const kept = get(target);
        auto const fresh = test::http_get(written.port(), target);
        ASSERT_EQ(kept.status, 200) << target;
        ASSERT_EQ(fresh.status, 200) << target;
        // Only the time stamps and the port in links may differ.
        std::regex const stamp(R"re("(timeStamp|extracted_at)":"[^"]*"|127\.0\.0\.1:\d+)re");
        EXPECT_TRUE(std::regex_replace(kept.body, stamp, "") == std::regex_replace(fresh.body, stamp, ""))
            << target << ": " << kept.body.size() << " bytes kept, " << fresh.body.size() << " written";
        EXPECT_GT(kept.body.size(), 200u);
    }
    EXPECT_EQ(written.stop(), 0);
}

TEST_F(server_e2e_api, csv_download_carries_wkt_geometry_gdal_can_read) {
    time_bound bound;
    test::scratch_dir dir;
    auto const csv = fetch_download(port(), "/collections/elc/items?q=rubber&f=csv&download=1", dir.path());
    ASSERT_FALSE(csv.file.empty());
    EXPECT_EQ(csv.file.filename().string(), "elc-q-rubber.csv");
    long const expected = matched("/collections/elc/items?limit=1&q=rubber");
    EXPECT_EQ(ogr_feature_count(csv.file.string()), expected);
    // GDAL's CSV driver reads the WKT column as the geometry: ask SpatiaLite
    // for the area of every row's polygon.
    auto const rows = test::sqlite_oracle(csv.file, "SELECT count(*) AS n, sum(ST_Area(GEOMETRY) > 0) AS polygons FROM \"" +
                                                        csv.file.stem().string() + "\"");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(std::stol(rows[1][0]), expected);
    EXPECT_EQ(std::stol(rows[1][1]), expected) << "rows without a polygon geometry";
}

// --- 7. HTTP behaviour ---------------------------------------------------------------------

TEST_F(server_e2e_api, etag_and_if_none_match_give_304) {
    time_bound bound;
    for (std::string const target : {"/collections/elc/items?limit=3", "/collections", "/collections/elc/items/5", "/provinces", "/api"}) {
        auto const first = get(target);
        ASSERT_EQ(first.status, 200) << target;
        std::string const etag = header(first, "etag");
        ASSERT_FALSE(etag.empty()) << target << " has no ETag";
        EXPECT_EQ(etag.front(), '"');
        auto const again = get(target, "If-None-Match: " + etag + "\r\n");
        EXPECT_EQ(again.status, 304) << target;
        EXPECT_TRUE(again.body.empty()) << target;
        EXPECT_EQ(header(again, "etag"), etag);
        EXPECT_EQ(get(target, "If-None-Match: \"something-else\"\r\n").status, 200) << target;
    }
}

TEST_F(server_e2e_api, gzip_when_the_client_accepts_it) {
    time_bound bound;
    test::scratch_dir dir;
    std::string const target = "/collections/elc/items?limit=20";
    auto const plain = get(target);
    ASSERT_EQ(plain.status, 200);
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    auto const zipped = get(target, "Accept-Encoding: gzip, deflate\r\n");
    ASSERT_EQ(zipped.status, 200);
    ASSERT_EQ(header(zipped, "content-encoding"), "gzip");
    EXPECT_LT(zipped.body.size(), plain.body.size() / 2);
    write_file(dir / "body.gz", zipped.body);
    auto const gunzip = test::run("gzip -dc " + test::quote((dir / "body.gz").string()));
    ASSERT_EQ(gunzip.exit_code, 0) << gunzip.err;
    json a = json::parse(gunzip.out, nullptr, false), b = json::parse(plain.body, nullptr, false);
    ASSERT_FALSE(a.is_discarded());
    a.erase("timeStamp");
    b.erase("timeStamp");
    EXPECT_EQ(a, b);
}

TEST_F(server_e2e_api, cors_head_and_method_handling) {
    time_bound bound;
    auto const data = get("/collections/elc/items?limit=1");
    EXPECT_EQ(header(data, "access-control-allow-origin"), "*");
    auto const error = get("/collections/nope");
    EXPECT_EQ(header(error, "access-control-allow-origin"), "*");
    auto const preflight = get("/collections/elc/items", "Origin: https://example.org\r\nAccess-Control-Request-Method: GET\r\n", "OPTIONS");
    EXPECT_EQ(preflight.status, 204);
    EXPECT_NE(header(preflight, "access-control-allow-methods").find("GET"), std::string::npos);

    for (std::string const target : {"/collections", "/collections/elc/items?limit=5", "/healthz"}) {
        auto const full = get(target);
        auto const head = get(target, {}, "HEAD");
        EXPECT_EQ(head.status, 200) << target;
        EXPECT_TRUE(head.body.empty()) << target << " HEAD sent " << head.body.size() << " bytes of body";
        EXPECT_EQ(header(head, "content-type"), header(full, "content-type")) << target;
        EXPECT_EQ(header(head, "content-length"), std::to_string(full.body.size())) << target;
    }

    for (std::string const method : {"POST", "PUT", "DELETE", "PATCH"}) {
        auto const r = get("/collections/elc/items", {}, method);
        EXPECT_EQ(r.status, 405) << method;
        EXPECT_NE(header(r, "allow").find("GET"), std::string::npos) << method;
        json const doc = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(doc.is_object() && doc.contains("code") && doc.contains("description")) << r.body;
    }
}

TEST_F(server_e2e_api, healthz_and_metrics_count_requests) {
    time_bound bound;
    json const health = get_json("/healthz");
    ASSERT_TRUE(health.is_object());
    EXPECT_EQ(health["status"], "ok");

    auto count_of = [&](std::string const& series) -> long {
        auto const r = get("/metrics");
        EXPECT_EQ(r.status, 200);
        EXPECT_NE(header(r, "content-type").find("text/plain"), std::string::npos);
        EXPECT_NE(r.body.find("# TYPE concessions_http_requests_total counter"), std::string::npos) << r.body;
        auto const at = r.body.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::stol(r.body.substr(at + series.size() + 2));
    };
    std::string const ok = R"(concessions_http_requests_total{route="collections",status="2xx"})";
    std::string const missing = R"(concessions_http_requests_total{route="collections",status="4xx"})";
    long const ok_before = count_of(ok), missing_before = count_of(missing);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/collections").status, 200);
    ASSERT_EQ(get("/collections/nope").status, 404);
    EXPECT_EQ(count_of(ok), ok_before + 3);
    EXPECT_EQ(count_of(missing), missing_before + 1);
}

TEST_F(server_e2e_api, openapi_lists_every_path_and_each_answers) {
    time_bound bound;
    auto const reply = get("/api");
    ASSERT_EQ(reply.status, 200);
    EXPECT_NE(header(reply, "content-type").find("openapi"), std::string::npos) << header(reply, "content-type");
    json const doc = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(doc.is_object());
    ASSERT_TRUE(doc["openapi"].is_string());
    EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 4), "3.0.");
    std::set<std::string> paths;
    for (auto const& [path, _] : doc["paths"].items()) paths.insert(path);
    for (std::string const p : {"/", "/api", "/conformance", "/collections", "/collections/{collectionId}",
                                "/collections/{collectionId}/queryables", "/collections/{collectionId}/items",
                                "/collections/{collectionId}/items/{featureId}", "/collections/{collectionId}/stats",
                                "/provinces", "/provinces/{province}", "/healthz", "/metrics"})
        EXPECT_TRUE(paths.count(p)) << p << " missing from /api";
    // Every documented path exists.
    for (std::string path : paths) {
        path = std::regex_replace(path, std::regex(R"(\{collectionId\})"), "elc");
        path = std::regex_replace(path, std::regex(R"(\{featureId\})"), "0");
        path = std::regex_replace(path, std::regex(R"(\{province\})"), "Kratie");
        EXPECT_EQ(get(path).status, 200) << path;
    }
}

TEST_F(server_e2e_api, conformance_queryables_and_collections) {
    time_bound bound;
    json const conformance = get_json("/conformance");
    ASSERT_TRUE(conformance.is_object());
    std::set<std::string> classes;
    for (auto const& c : conformance["conformsTo"]) classes.insert(c.get<std::string>());
    for (std::string const c : {"core", "geojson", "oas30"})
        EXPECT_TRUE(classes.count("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + c)) << c;

    // Every field of the ELC shapefile is queryable, with its JSON type.
    auto const fields = ogr_fields(elc_shp().string());
    ASSERT_GT(fields.size(), 10u);
    json const queryables = get_json("/collections/elc/queryables");
    ASSERT_TRUE(queryables.is_object());
    EXPECT_EQ(queryables["type"], "object");
    std::map<std::string, std::string> const json_type = {
        {"Integer", "integer"}, {"Integer64", "integer"}, {"Real", "number"}, {"String", "string"}, {"Date", "string"}};
    for (auto const& [name, type] : fields) {
        ASSERT_TRUE(queryables["properties"].contains(name)) << name;
        EXPECT_EQ(queryables["properties"][name]["type"], json_type.at(type)) << name;
    }
    // Every catalogued collection has its page and queryables.
    std::ifstream in(catalog());
    json const cat = json::parse(in);
    for (auto const& c : cat["collections"]) {
        std::string const id = c["id"];
        json const one = get_json("/collections/" + id);
        EXPECT_EQ(one["id"], id);
        EXPECT_EQ(one["title"], c["title"]);
        EXPECT_EQ(get("/collections/" + id + "/queryables").status, 200) << id;
    }
}

TEST_F(server_e2e_api, provinces_are_24_features_with_counts_per_collection) {
    time_bound bound;
    long const source = ogr_feature_count(provinces_shp().string());
    ASSERT_EQ(source, 24);
    json const doc = get_json("/provinces");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["type"], "FeatureCollection");
    ASSERT_EQ(static_cast<long>(doc["features"].size()), source);
    auto const elc = oracle_province_counts(elc_shp());
    auto const mining = oracle_province_counts(mining_shp());
    std::map<std::string, long> elc_by_code, mining_by_code;
    for (auto const& [name, c] : elc) elc_by_code[c.code] = c.count;
    for (auto const& [name, c] : mining) mining_by_code[c.code] = c.count;
    for (auto const& f : doc["features"]) {
        std::string const code = f["properties"]["code"];
        ASSERT_TRUE(f["geometry"].is_object()) << code;
        EXPECT_EQ(f["properties"]["collections"]["elc"]["count"].get<long>(), elc_by_code.at(code)) << code;
        EXPECT_EQ(f["properties"]["collections"]["mining"]["count"].get<long>(), mining_by_code.at(code)) << code;
    }
}

TEST_F(server_e2e_api, unknown_collection_or_feature_is_404_json) {
    time_bound bound;
    for (std::string const target : {"/collections/nope", "/collections/nope/items", "/collections/nope/queryables",
                                     "/collections/elc/items/999999", "/collections/elc/items/abc", "/collections/elc/items/-1",
                                     "/no/such/thing", "/provinces/Atlantis"}) {
        auto const r = get(target);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(header(r, "content-type"), "application/json") << target;
        json const doc = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(doc.is_object()) << target << ": " << r.body;
        EXPECT_TRUE(doc["code"].is_string()) << r.body;
        EXPECT_TRUE(doc["description"].is_string() && !doc["description"].get<std::string>().empty()) << r.body;
    }
}

// A response's own headers come with it from the cache too: a versioned
// asset stays immutable however many times it is asked for (it is cached
// from the second request on; the server's own default is max-age=60).
TEST(server_e2e_api_sample, cached_answers_keep_their_own_cache_control) {
    test::server_process server("--quiet");
    ASSERT_NE(server.port(), 0);
    auto const page = test::http_get(server.port(), "/", "Accept: text/html\r\n");
    ASSERT_EQ(page.status, 200);
    auto const at = page.body.find("assets/style.css?v=");
    ASSERT_NE(at, std::string::npos) << "the page names no versioned stylesheet";
    std::string const asset = "/" + page.body.substr(at, page.body.find('"', at) - at);
    for (int i = 0; i < 4; ++i) {
        auto const a = test::http_get(server.port(), asset);
        ASSERT_EQ(a.status, 200) << asset;
        EXPECT_EQ(a.headers.count("cache-control") ? a.headers.at("cache-control") : "", "public, max-age=31536000, immutable")
            << asset << ", request " << i + 1;
    }
    EXPECT_EQ(server.stop(), 0);
}

// A server of its own, so that stopping it leaves the suite's alone: SIGTERM
// with a keep-alive connection open still exits promptly with status 0.
TEST(server_e2e_api_stop, sigterm_with_an_idle_keep_alive_connection_exits_0_promptly) {
    REQUIRE_SHARED_DATA();
    time_bound bound;
    test::server_process server("--quiet " + test::quote(catalog().string()));
    ASSERT_NE(server.port(), 0);
    ASSERT_EQ(test::http_get(server.port(), "/collections/elc/items?limit=1").status, 200);
    int const idle = test::connect_loopback(server.port());
    ASSERT_GE(idle, 0);
    auto const started = clock_type::now();
    int const status = server.stop();
    double const took = std::chrono::duration<double>(clock_type::now() - started).count();
    ::close(idle);
    EXPECT_EQ(status, 0) << slurp(server.log_path());
    EXPECT_LT(took, 5.0) << "an idle connection held up the stop";
    EXPECT_NE(slurp(server.log_path()).find("stopped"), std::string::npos);
}

}  // namespace
