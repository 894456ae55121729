// `concessions serve` end to end on the real ODC layers: downloads in every
// format, opened with GDAL, and how they are streamed and cached.

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

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
    // The catalog's provenance (data/odc-catalog.json), as a citation needs it.
    auto const catalog_doc = json::parse(slurp(catalog()));
    for (auto const& c : catalog_doc["collections"]) {
        if (c["id"] != "elc") continue;
        for (char const* key : {"attribution", "license", "source_url", "as_of"}) EXPECT_EQ(doc["source"][key], c[key]) << key;
    }
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

}  // namespace
