// crs=, bbox-crs=, Content-Crs and storageCrs (OGC API - Features Part 2,
// issue 13 part 2) on the real layers. The oracles: PROJ's cs2cs on the
// same points (with its own axis order for each CRS: EPSG:4326 answers
// latitude first), the ELC shapefile's own UTM 48N coordinates, SpatiaLite
// selecting in the source's CRS, and ogrinfo reading the downloads.

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

struct xy {
    double x = 0, y = 0;
};

// Every vertex of a GeoJSON geometry, in order.
void vertices_of(json const& coordinates, std::vector<xy>& out) {
    if (coordinates.is_array() && coordinates.size() >= 2 && coordinates[0].is_number()) {
        out.push_back({coordinates[0].get<double>(), coordinates[1].get<double>()});
        return;
    }
    for (auto const& c : coordinates) vertices_of(c, out);
}

std::vector<xy> vertices(json const& feature) {
    std::vector<xy> out;
    if (feature["geometry"].is_object()) vertices_of(feature["geometry"]["coordinates"], out);
    return out;
}

// cs2cs from CRS84 (or `from`) to `crs` (its authority's axis order, as Part 2 asks).
std::vector<xy> cs2cs(std::vector<xy> const& points, std::string const& crs, std::string const& from = "OGC:CRS84") {
    test::scratch_dir dir;
    std::ofstream(dir / "in.txt") << [&] {
        std::ostringstream s;
        s.precision(17);
        for (auto const& p : points) s << p.x << ' ' << p.y << '\n';
        return s.str();
    }();
    auto const r = test::run("cs2cs -f %.10f " + from + " " + crs + " < " + test::quote((dir / "in.txt").string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<xy> out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        xy p;
        fields >> p.x >> p.y;
        out.push_back(p);
    }
    return out;
}

// Features of a page in CRS84 and in `crs`, the same ones in the same order.
std::pair<json, json> page_in(std::string const& collection, std::string const& crs, auto const& get_json) {
    std::string const target = "/collections/" + collection + "/items?limit=12&sortby=id";
    return {get_json(target), get_json(target + "&crs=" + url_encode(crs))};
}

TEST_F(server_e2e_api, crs_answers_equal_cs2cs_in_every_offered_crs) {
    time_bound bound;
    struct wanted {
        std::string crs;   // as the client names it
        std::string code;  // as cs2cs does
        double tolerance;  // what the answer's decimals allow
    };
    for (auto const& w : std::vector<wanted>{{"http://www.opengis.net/def/crs/EPSG/0/32648", "EPSG:32648", 0.006},
                                             {"EPSG:3857", "EPSG:3857", 0.006},
                                             {"[EPSG:3148]", "EPSG:3148", 0.006},
                                             {"http://www.opengis.net/def/crs/EPSG/0/4326", "EPSG:4326", 1e-8}}) {
        SCOPED_TRACE(w.crs);
        for (std::string const collection : {"mining", "elc"}) {
            auto const [plain, projected] = page_in(collection, w.crs, [this](auto const& t) { return get_json(t); });
            ASSERT_EQ(plain["features"].size(), projected["features"].size());
            std::vector<xy> lonlat, ours;
            for (std::size_t i = 0; i < plain["features"].size(); ++i) {
                ASSERT_EQ(plain["features"][i]["id"], projected["features"][i]["id"]);
                auto const a = vertices(plain["features"][i]), b = vertices(projected["features"][i]);
                ASSERT_EQ(a.size(), b.size()) << "feature " << plain["features"][i]["id"];
                // A few vertices of each feature are plenty for cs2cs.
                for (std::size_t k = 0; k < a.size(); k += std::max<std::size_t>(1, a.size() / 5)) {
                    lonlat.push_back(a[k]);
                    ours.push_back(b[k]);
                }
            }
            ASSERT_GE(lonlat.size(), 30u);
            auto const expected = cs2cs(lonlat, w.code);
            ASSERT_EQ(expected.size(), ours.size());
            for (std::size_t i = 0; i < ours.size(); ++i) {
                EXPECT_NEAR(ours[i].x, expected[i].x, w.tolerance) << collection << " point " << i;
                EXPECT_NEAR(ours[i].y, expected[i].y, w.tolerance) << collection << " point " << i;
            }
            // Latitude first in EPSG:4326: the first number is Cambodia's latitude (10-15 N).
            if (w.code == "EPSG:4326") {
                EXPECT_LT(ours.front().x, 20.0);
            }
            auto const reply = get("/collections/" + collection + "/items?limit=1&crs=" + url_encode(w.crs));
            EXPECT_EQ(header(reply, "content-crs"), "<http://www.opengis.net/def/crs/EPSG/0/" + w.code.substr(5) + ">");
        }
    }
    // The default is CRS84, and says so.
    EXPECT_EQ(header(get("/collections/elc/items?limit=1"), "content-crs"),
              "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
}

// Metres to the centimetre: the ELC shapefile is UTM 48N, and an answer in
// its own CRS gives back its coordinates (kept on a 1e-9 degree grid, about
// 0.1 mm, in between).
TEST_F(server_e2e_api, crs_in_the_sources_own_utm_gives_back_its_coordinates_to_the_centimetre) {
    time_bound bound;
    test::scratch_dir dir;
    fs::path const source = dir / "elc.geojson";
    auto const w =
        test::run("ogr2ogr -f GeoJSON -lco COORDINATE_PRECISION=4 -preserve_fid -where 'FID IN (1,2,3,10,40,100)' " +
                  test::quote(source.string()) + " " + test::quote(elc_shp().string()));
    ASSERT_EQ(w.exit_code, 0) << w.err;
    std::ifstream in(source);
    json const doc = json::parse(in);
    ASSERT_EQ(doc["features"].size(), 6u);
    for (auto const& f : doc["features"]) {
        long const id = f["id"];
        SCOPED_TRACE("feature " + std::to_string(id));
        json const ours = get_json("/collections/elc/items/" + std::to_string(id) + "?crs=EPSG:32648");
        auto const a = vertices(f), b = vertices(ours);
        ASSERT_EQ(a.size(), b.size());
        // Rings may run the other way (RFC 7946's right-hand rule): match each
        // of ours to the source's vertex nearest it.
        for (auto const& p : b) {
            double best = 1e300;
            for (auto const& q : a) best = std::min(best, std::hypot(p.x - q.x, p.y - q.y));
            EXPECT_LT(best, 0.01) << p.x << " " << p.y;
        }
        // Centimetres: no more than two decimals on any coordinate.
        std::string const text = ours["geometry"].dump();
        std::size_t dot = 0;
        while ((dot = text.find('.', dot + 1)) != std::string::npos) {
            std::size_t digits = 0;
            while (dot + 1 + digits < text.size() && std::isdigit(static_cast<unsigned char>(text[dot + 1 + digits])))
                ++digits;
            ASSERT_LE(digits, 2u) << text.substr(dot > 20 ? dot - 20 : 0, 40);
        }
    }
}

// bbox-crs: a box in UTM 48N selects what SpatiaLite selects with that box
// on the shapefile in its own CRS (a UTM rectangle is not a lon/lat one: its
// envelope in degrees would take in more); in EPSG:4326 the numbers are
// latitude first; in web Mercator the box cs2cs gives for a lon/lat one
// selects as that one does.
TEST_F(server_e2e_api, bbox_crs_selects_what_spatialite_selects_in_that_crs) {
    time_bound bound;
    struct utm_box {
        double x1, y1, x2, y2;
    };
    std::size_t selective = 0, wider = 0;
    for (auto const& b : std::vector<utm_box>{{400000, 1350000, 560000, 1480000},
                                              {650000, 1400000, 760000, 1520000},
                                              {520000, 1200000, 700000, 1300000},
                                              {300000, 1150000, 900000, 1650000}}) {
        std::string const text = box_text(b.x1, b.y1, b.x2, b.y2);
        SCOPED_TRACE(text);
        auto const expected =
            oracle_ids(elc_shp(),
                       "SELECT f.rowid FROM elc_complete_utm48n f WHERE ST_Intersects(ST_MakeValid(f.geometry), "
                       "BuildMbr(" +
                           text + ", 32648))");
        auto const served = item_id_set("elc", "bbox=" + url_encode(text) + "&bbox-crs=" +
                                                   url_encode("http://www.opengis.net/def/crs/EPSG/0/32648"));
        EXPECT_EQ(served, expected) << "served " << describe(served) << ", SpatiaLite " << describe(expected);
        selective += !expected.empty() && expected.size() < 225;
        // Its envelope in degrees (the box's edges taken to lon/lat by
        // cs2cs) takes in at least as much, and for some box more.
        std::vector<xy> edge;
        for (int i = 0; i <= 16; ++i) {
            double const t = i / 16.0;
            edge.push_back({b.x1 + (b.x2 - b.x1) * t, b.y1});
            edge.push_back({b.x1 + (b.x2 - b.x1) * t, b.y2});
            edge.push_back({b.x1, b.y1 + (b.y2 - b.y1) * t});
            edge.push_back({b.x2, b.y1 + (b.y2 - b.y1) * t});
        }
        double west = 1e9, south = 1e9, east = -1e9, north = -1e9;
        for (auto const& p : cs2cs(edge, "OGC:CRS84", "EPSG:32648")) {
            west = std::min(west, p.x), east = std::max(east, p.x);
            south = std::min(south, p.y), north = std::max(north, p.y);
        }
        auto const envelope = item_id_set("elc", "bbox=" + url_encode(box_text(west, south, east, north)));
        EXPECT_TRUE(std::includes(envelope.begin(), envelope.end(), expected.begin(), expected.end()));
        wider += envelope.size() > expected.size();
    }
    EXPECT_GE(selective, 3u);
    EXPECT_GE(wider, 1u) << "no box's envelope took in more: the test cannot tell the box from its envelope";

    std::set<long> const lonlat = item_id_set("mining", "bbox=" + url_encode("103.5,12.5,105.5,14"));
    ASSERT_FALSE(lonlat.empty());
    EXPECT_EQ(item_id_set("mining", "bbox=" + url_encode("12.5,103.5,14,105.5") + "&bbox-crs=EPSG:4326"), lonlat);
    auto const corners = cs2cs({{103.5, 12.5}, {105.5, 14}}, "EPSG:3857");
    std::ostringstream mercator;
    mercator.precision(17);
    mercator << corners[0].x << "," << corners[0].y << "," << corners[1].x << "," << corners[1].y;
    EXPECT_EQ(item_id_set("mining", "bbox=" + url_encode(mercator.str()) + "&bbox-crs=EPSG:3857"), lonlat);
}

// filter-crs: the spatial literals of a CQL2 filter in UTM 48N select what
// SpatiaLite selects with the same geometry on the shapefile in its own
// CRS; a BBOX so given is the box itself; EPSG:4326 literals are latitude
// first; the same in cql2-json.
TEST_F(server_e2e_api, filter_crs_takes_literals_in_utm_and_in_latitude_longitude) {
    time_bound bound;
    std::string const polygon =
        "POLYGON((450000 1400000, 600000 1380000, 640000 1500000, 480000 1520000, 450000 1400000))";
    auto const expected =
        oracle_ids(elc_shp(),
                   "SELECT f.rowid FROM elc_complete_utm48n f WHERE ST_Intersects(ST_MakeValid(f.geometry), "
                   "ST_GeomFromText('" +
                       polygon + "', 32648))");
    ASSERT_FALSE(expected.empty());
    ASSERT_LT(expected.size(), 225u);
    std::string const crs = "&filter-crs=" + url_encode("http://www.opengis.net/def/crs/EPSG/0/32648");
    EXPECT_EQ(item_id_set("elc", "filter=" + url_encode("S_INTERSECTS(geometry, " + polygon + ")") + crs), expected);
    std::string const box = "400000, 1350000, 560000, 1480000";
    auto const in_box =
        oracle_ids(elc_shp(),
                   "SELECT f.rowid FROM elc_complete_utm48n f WHERE ST_Intersects(ST_MakeValid(f.geometry), "
                   "BuildMbr(" +
                       box + ", 32648))");
    EXPECT_EQ(item_id_set("elc", "filter=" + url_encode("S_INTERSECTS(geometry, BBOX(" + box + "))") + crs), in_box);
    EXPECT_EQ(item_id_set("elc", "filter-lang=cql2-json&filter=" +
                                     url_encode(R"({"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[)" +
                                                box + "]}]}") +
                                     crs),
              in_box);
    // Latitude first in EPSG:4326.
    std::set<long> const lonlat =
        item_id_set("mining", "filter=" + url_encode("S_INTERSECTS(geometry, BBOX(103.5, 12.5, 105.5, 14))"));
    ASSERT_FALSE(lonlat.empty());
    EXPECT_EQ(item_id_set("mining", "filter=" + url_encode("S_INTERSECTS(geometry, BBOX(12.5, 103.5, 14, 105.5))") +
                                        "&filter-crs=EPSG:4326"),
              lonlat);
    // Out of the CRS's reach: a 400 that says so.
    auto const far =
        get("/collections/elc/items?filter=" + url_encode("S_INTERSECTS(geometry, POINT(1e12 1e12))") + crs);
    EXPECT_EQ(far.status, 400u);
    EXPECT_NE(far.body.find("filter-crs"), std::string::npos) << far.body;
}

TEST_F(server_e2e_api, collections_name_their_crs_and_the_sources_own) {
    json const elc = get_json("/collections/elc");
    EXPECT_EQ(elc["storageCrs"], "http://www.opengis.net/def/crs/EPSG/0/32648");  // the shapefile's .prj
    json const mining = get_json("/collections/mining");
    EXPECT_EQ(mining["storageCrs"], "http://www.opengis.net/def/crs/EPSG/0/4326");
    for (auto const* doc : {&elc, &mining}) {
        auto const& crs = (*doc)["crs"];
        EXPECT_EQ(crs.front(), "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        for (std::string const code : {"4326", "3857", "32648", "3148"})
            EXPECT_NE(crs.dump().find("EPSG/0/" + code + "\""), std::string::npos) << code;
        EXPECT_NE(std::find(crs.begin(), crs.end(), (*doc)["storageCrs"]), crs.end());
    }
    EXPECT_NE(get_json("/conformance")["conformsTo"].dump().find("ogcapi-features-2/1.0/conf/crs"), std::string::npos);
}

TEST_F(server_e2e_api, a_crs_not_offered_is_a_400_naming_the_offered_ones) {
    for (std::string const target :
         {"/collections/elc/items?crs=EPSG:2000", "/collections/elc/items?crs=utm",
          "/collections/elc/items/1?crs=EPSG:27700", "/collections/elc/items?bbox=1,2,3,4&bbox-crs=EPSG:9999",
          "/download?collections=elc&f=gpkg&crs=EPSG:2000", "/collections/elc/items?f=kml&crs=EPSG:32648",
          "/collections/elc/items?bbox=600000,1400000,500000,1500000&bbox-crs=EPSG:32648"}) {
        SCOPED_TRACE(target);
        auto const reply = get(target);
        EXPECT_EQ(reply.status, 400u) << reply.body;
        json const doc = json::parse(reply.body, nullptr, false);
        ASSERT_TRUE(doc.is_object());
        std::string const description = doc.value("description", "");
        if (target.find("kml") != std::string::npos)
            EXPECT_NE(description.find("KML is always WGS 84"), std::string::npos) << description;
        else if (target.find("600000") != std::string::npos)
            EXPECT_NE(description.find("first corner"), std::string::npos) << description;
        else
            EXPECT_NE(description.find("http://www.opengis.net/def/crs/EPSG/0/32648"), std::string::npos)
                << description;
    }
}

// Downloads carry the CRS asked for: ogrinfo reads it from the GeoPackage,
// the shapefile's .prj and the GeoJSON's "crs" member, and the layer's
// extent is the ELC shapefile's own (UTM 48N) to the centimetre.
TEST_F(server_e2e_api, downloads_in_a_crs_carry_it_and_its_coordinates) {
    time_bound bound;
    bound.limit = std::chrono::seconds(120);
    test::scratch_dir dir;
    auto extent_of = [](std::string const& info) {
        std::smatch m;
        static std::regex const extent(R"(Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\))");
        EXPECT_TRUE(std::regex_search(info, m, extent)) << info.substr(0, 600);
        std::array<double, 4> out{};
        for (std::size_t i = 0; i < 4 && m.size() == 5; ++i) out[i] = std::stod(m[i + 1]);
        return out;
    };
    auto const source = extent_of(test::run("ogrinfo -so -al " + test::quote(elc_shp().string())).out);
    for (std::string const f : {"gpkg", "shp", "geojson"}) {
        SCOPED_TRACE(f);
        auto const reply = get("/collections/elc/items?download=true&f=" + f + "&crs=EPSG:32648");
        ASSERT_EQ(reply.status, 200u) << reply.body.substr(0, 300);
        EXPECT_EQ(header(reply, "content-crs"), "<http://www.opengis.net/def/crs/EPSG/0/32648>");
        fs::path const file = dir / ("elc." + f + (f == "shp" ? ".zip" : ""));
        write_file(file, reply.body);
        std::string const opened = (f == "shp" ? "/vsizip/" : "") + file.string();
        auto const info = test::run("ogrinfo -so -al " + test::quote(opened));
        ASSERT_EQ(info.exit_code, 0) << info.err;
        EXPECT_NE(info.out.find("UTM zone 48N"), std::string::npos) << info.out.substr(0, 1500);
        EXPECT_EQ(ogr_feature_count(opened), 225);
        auto const ours = extent_of(info.out);
        for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(ours[i], source[i], 0.01) << i;
    }
    // A file in EPSG:4326 is longitude first, as GDAL reads GeoJSON: its
    // extent is the CRS84 layer's.
    auto const plain = get("/collections/mining/items?download=true&f=geojson");
    auto const lat_lon = get("/collections/mining/items?download=true&f=geojson&crs=EPSG:4326");
    ASSERT_EQ(lat_lon.status, 200u);
    write_file(dir / "plain.geojson", plain.body);
    write_file(dir / "4326.geojson", lat_lon.body);
    auto const a = extent_of(test::run("ogrinfo -so -al " + test::quote((dir / "plain.geojson").string())).out);
    auto const b = extent_of(test::run("ogrinfo -so -al " + test::quote((dir / "4326.geojson").string())).out);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(a[i], b[i], 1e-8) << i;
    // Several layers in Indian 1960 / UTM 48N.
    auto const reply = get("/download?collections=elc,mining&f=gpkg&crs=EPSG:3148");
    ASSERT_EQ(reply.status, 200u) << reply.body.substr(0, 300);
    fs::path const gpkg = dir / "both.gpkg";
    write_file(gpkg, reply.body);
    auto const info = test::run("ogrinfo -so -al " + test::quote(gpkg.string()));
    EXPECT_NE(info.out.find("Indian 1960 / UTM zone 48N"), std::string::npos) << info.out.substr(0, 1500);
    EXPECT_EQ(ogr_feature_count(gpkg.string()), 225 + ogr_feature_count(mining_shp().string()));
}

}  // namespace
