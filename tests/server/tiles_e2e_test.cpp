// Tiles over HTTP from `concessions serve`: MVT tiles read back by GDAL's
// MVT driver against the GeoJSON tiles, province filters against the items
// endpoint, the tile cache through /metrics, and refused tile addresses.
// Tile numbers come from the OpenStreetMap wiki's formulas, written here:
// https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames

#include "server/cache_file.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/osm_wiki_tiles.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr double pi = 3.14159265358979323846;

fs::path catalog() { return test::source_dir() / "data/odc-catalog.json"; }

struct tile {
    unsigned z = 0, x = 0, y = 0;
    std::string path(std::string const& collection, std::string const& ext) const {
        return "/collections/" + collection + "/tiles/" + std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y) +
               "." + ext;
    }
    std::string name() const { return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y); }
};

using test::wiki_x;
using test::wiki_y;

// Every tile of zoom z meeting the lon/lat box.
std::vector<tile> tiles_meeting(double min_lon, double min_lat, double max_lon, double max_lat, unsigned z) {
    std::vector<tile> out;
    for (unsigned x = wiki_x(min_lon, z); x <= wiki_x(max_lon, z); ++x)
        for (unsigned y = wiki_y(max_lat, z); y <= wiki_y(min_lat, z); ++y) out.push_back({z, x, y});
    return out;
}

// lon/lat -> position in the tile, in tile units of `extent`.
struct units {
    double x, y;
};
units to_tile_units(double lon, double lat, tile const& t, unsigned extent = 4096) {
    double const n = std::pow(2.0, t.z);
    double const ux = (lon + 180) / 360 * n;
    double const uy = (1 - std::asinh(std::tan(lat * pi / 180)) / pi) / 2 * n;
    return {(ux - t.x) * extent, (uy - t.y) * extent};
}

// Every ring of a GeoJSON (Multi)Polygon in tile units.
std::vector<std::vector<std::vector<units>>> polygons_in_units(json const& geometry, tile const& t) {
    std::vector<std::vector<std::vector<units>>> out;
    auto add_polygon = [&](json const& rings) {
        auto& poly = out.emplace_back();
        for (auto const& r : rings) {
            auto& ring = poly.emplace_back();
            for (auto const& p : r) ring.push_back(to_tile_units(p[0].get<double>(), p[1].get<double>(), t));
        }
    };
    std::string const type = geometry.value("type", "");
    if (type == "Polygon") add_polygon(geometry["coordinates"]);
    if (type == "MultiPolygon")
        for (auto const& p : geometry["coordinates"]) add_polygon(p);
    return out;
}

struct shape_summary {
    double min_x = 1e300, min_y = 1e300, max_x = -1e300, max_y = -1e300;
    double area = 0;       // exteriors minus holes, tile units squared
    double perimeter = 0;  // every ring, tile units
};

shape_summary summarize(json const& geometry, tile const& t) {
    shape_summary s;
    for (auto const& poly : polygons_in_units(geometry, t)) {
        for (std::size_t r = 0; r < poly.size(); ++r) {
            auto const& ring = poly[r];
            double a = 0;
            for (std::size_t i = 0; i < ring.size(); ++i) {
                auto const& p = ring[i];
                auto const& q = ring[(i + 1) % ring.size()];
                a += p.x * q.y - q.x * p.y;
                s.perimeter += std::hypot(q.x - p.x, q.y - p.y);
                s.min_x = std::min(s.min_x, p.x);
                s.min_y = std::min(s.min_y, p.y);
                s.max_x = std::max(s.max_x, p.x);
                s.max_y = std::max(s.max_y, p.y);
            }
            s.area += (r == 0 ? 1 : -1) * std::abs(a) / 2;
        }
    }
    return s;
}

// The most decimals any coordinate of the GeoJSON text has.
int max_decimals(std::string const& text) {
    int most = 0;
    for (std::size_t i = text.find("\"coordinates\""); i < text.size(); ++i) {
        if (text[i] != '.') continue;
        int n = 0;
        while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) ++n, ++i;
        most = std::max(most, n);
    }
    return most;
}

std::int64_t metric(unsigned short port, std::string const& name) {
    auto const reply = test::http_get(port, "/metrics");
    EXPECT_EQ(reply.status, 200);
    std::istringstream in(reply.body);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(name + " ", 0) == 0) return std::stoll(line.substr(name.size() + 1));
    ADD_FAILURE() << "no metric " << name << " in /metrics";
    return -1;
}

std::string url_encode(std::string const& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

json parse_json(test::http_reply const& reply, std::string const& target) {
    json doc = json::parse(reply.body, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << target << ": " << reply.body.substr(0, 300);
    return doc;
}

std::set<std::int64_t> ids_of(json const& collection) {
    std::set<std::int64_t> ids;
    if (collection.contains("features"))
        for (auto const& f : collection["features"]) ids.insert(f.at("id").get<std::int64_t>());
    return ids;
}

// --- on the real catalog ----------------------------------------------------------------

class tiles_e2e_real : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!test::have_shared_data()) return;
        server_ = std::make_unique<test::server_process>("--quiet " + test::quote(catalog().string()));
    }
    static void TearDownTestSuite() {
        if (server_) {
            EXPECT_EQ(server_->stop(), 0);
        }
        server_.reset();
    }
    void SetUp() override {
        REQUIRE_SHARED_DATA();
        ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start";
    }
    static unsigned short port() { return server_->port(); }

    static std::unique_ptr<test::server_process> server_;
};
std::unique_ptr<test::server_process> tiles_e2e_real::server_;

}  // namespace

// Every z8 tile over Cambodia, as MVT read by GDAL, against the GeoJSON tile.
TEST_F(tiles_e2e_real, mvt_tiles_open_in_gdal_with_the_features_and_fields_of_the_geojson_tiles) {
    auto const started = std::chrono::steady_clock::now();
    test::scratch_dir dir;
    std::vector<std::string> const fields = {"name", "company", "purpose", "area_ha", "provinces", "contract_date"};
    std::size_t compared = 0, empty = 0;
    // Cambodia: 102.3 to 107.7 E, 10.4 to 14.7 N.
    for (tile const& t : tiles_meeting(102.3, 10.4, 107.7, 14.7, 8)) {
        auto const g = test::http_get(port(), t.path("elc", "geojson"));
        ASSERT_EQ(g.status, 200) << t.name() << ": " << g.body.substr(0, 300);
        json const doc = parse_json(g, t.name());
        auto const m = test::http_get(port(), t.path("elc", "mvt"));
        if (doc["features"].empty()) {
            EXPECT_EQ(m.status, 204) << t.name() << ": an empty MVT tile answers 204";
            EXPECT_TRUE(m.body.empty());
            ++empty;
            continue;
        }
        ASSERT_EQ(m.status, 200) << t.name();
        EXPECT_EQ(m.headers.at("content-type"), "application/vnd.mapbox-vector-tile");
        EXPECT_EQ(m.headers.at("x-tile-features"), std::to_string(doc["features"].size())) << t.name();

        fs::path const mvt = dir / (std::to_string(t.x) + "-" + std::to_string(t.y) + ".mvt");
        fs::path const out = dir / (std::to_string(t.x) + "-" + std::to_string(t.y) + ".geojson");
        std::ofstream(mvt, std::ios::binary) << m.body;
        auto const r = test::run("ogr2ogr -f GeoJSON -t_srs EPSG:4326 " + test::quote(out.string()) + " " + test::quote(mvt.string()) +
                                 " -oo X=" + std::to_string(t.x) + " -oo Y=" + std::to_string(t.y) + " -oo Z=" + std::to_string(t.z) +
                                 " -oo CLIP=NO");
        ASSERT_EQ(r.exit_code, 0) << t.name() << ": GDAL cannot read the MVT tile: " << r.err;
        EXPECT_EQ(r.err.find("ERROR"), std::string::npos) << t.name() << ": " << r.err;
        std::ifstream in(out);
        json const gdal = json::parse(in, nullptr, false);
        ASSERT_FALSE(gdal.is_discarded()) << t.name();

        std::map<std::int64_t, json> from_mvt;
        for (auto const& f : gdal["features"]) {
            ASSERT_TRUE(f["properties"].contains("mvt_id")) << t.name() << ": MVT feature without an id";
            std::int64_t const id = f["properties"]["mvt_id"].get<std::int64_t>();
            EXPECT_FALSE(from_mvt.count(id)) << t.name() << ": feature " << id << " twice in the MVT tile";
            from_mvt[id] = f;
        }
        EXPECT_EQ(from_mvt.size(), doc["features"].size()) << t.name();
        double const n = std::pow(2.0, t.z);
        // The GeoJSON rounding, in tile units (latitude stretched by at most 1/cos 15 deg in Cambodia).
        double const rounding = 0.5 * std::pow(10.0, -max_decimals(g.body)) * n * 4096 / 360 / std::cos(15 * pi / 180);
        for (auto const& f : doc["features"]) {
            std::int64_t const id = f["id"].get<std::int64_t>();
            auto const it = from_mvt.find(id);
            if (it == from_mvt.end()) {
                ADD_FAILURE() << t.name() << ": feature " << id << " is in the GeoJSON tile, not in the MVT tile";
                continue;
            }
            json const& mp = it->second["properties"];
            json const& gp = f["properties"];
            EXPECT_FALSE(mp.contains("id")) << t.name() << ": the id is the MVT feature's, not a tag";
            for (auto const& name : fields) {
                json const& v = gp.at(name);
                if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) {
                    EXPECT_TRUE(!mp.contains(name) || mp[name].is_null()) << t.name() << " feature " << id << " field " << name;
                } else if (v.is_number()) {
                    ASSERT_TRUE(mp.contains(name) && mp[name].is_number()) << t.name() << " feature " << id << " field " << name;
                    EXPECT_NEAR(mp[name].get<double>(), v.get<double>(), 1e-9 * std::max(1.0, std::abs(v.get<double>())))
                        << t.name() << " feature " << id << " field " << name;
                } else {
                    EXPECT_EQ(mp.value(name, json()), v) << t.name() << " feature " << id << " field " << name;
                }
            }
            auto const a = summarize(f["geometry"], t);
            auto const b = summarize(it->second["geometry"], t);
            double const allowed = 1 + rounding;
            EXPECT_NEAR(a.min_x, b.min_x, allowed) << t.name() << " feature " << id;
            EXPECT_NEAR(a.min_y, b.min_y, allowed) << t.name() << " feature " << id;
            EXPECT_NEAR(a.max_x, b.max_x, allowed) << t.name() << " feature " << id;
            EXPECT_NEAR(a.max_y, b.max_y, allowed) << t.name() << " feature " << id;
            // Rings read the right way round (holes as holes): the areas
            // agree within the outline moved by a tile unit.
            EXPECT_NEAR(a.area, b.area, a.perimeter * allowed + 1) << t.name() << " feature " << id;
            ++compared;
        }
    }
    EXPECT_GT(compared, 100u);
    // Far from Cambodia: nothing, so 204 for MVT and an empty collection for GeoJSON.
    auto const far = test::http_get(port(), tile{8, 0, 0}.path("elc", "mvt"));
    EXPECT_EQ(far.status, 204);
    EXPECT_TRUE(far.body.empty());
    auto const far_json = test::http_get(port(), tile{8, 0, 0}.path("elc", "geojson"));
    EXPECT_EQ(far_json.status, 200);
    EXPECT_TRUE(parse_json(far_json, "8/0/0")["features"].empty());
    std::cout << "[   info   ] " << compared << " features compared, " << empty << " empty tiles, "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
}

// A province-filtered tile holds the unfiltered tile's features in that
// province (as the items endpoint lists them), and nothing else.
TEST_F(tiles_e2e_real, province_filtered_tiles_hold_only_that_provinces_features) {
    for (std::string const province : {"Koh Kong", "Mondulkiri"}) {
        std::string const filter = "province=" + url_encode(province);
        auto const items_target = "/collections/elc/items?limit=10000&" + filter;
        auto const items = test::http_get(port(), items_target);
        ASSERT_EQ(items.status, 200) << items.body.substr(0, 300);
        json const listed = parse_json(items, items_target);
        std::set<std::int64_t> const in_province = ids_of(listed);
        ASSERT_GT(in_province.size(), 2u) << province;
        // The tiles over those features at z8 and z10.
        double min_lon = 1e9, min_lat = 1e9, max_lon = -1e9, max_lat = -1e9;
        for (auto const& f : listed["features"]) {
            std::function<void(json const&)> walk = [&](json const& c) {
                if (c.is_array() && c.size() >= 2 && c[0].is_number()) {
                    min_lon = std::min(min_lon, c[0].get<double>());
                    max_lon = std::max(max_lon, c[0].get<double>());
                    min_lat = std::min(min_lat, c[1].get<double>());
                    max_lat = std::max(max_lat, c[1].get<double>());
                } else if (c.is_array()) {
                    for (auto const& e : c) walk(e);
                }
            };
            walk(f["geometry"]["coordinates"]);
        }
        std::vector<tile> tiles = tiles_meeting(min_lon, min_lat, max_lon, max_lat, 8);
        auto const z10 = tiles_meeting(min_lon, min_lat, max_lon, max_lat, 10);
        std::vector<tile> sample = z10;
        std::shuffle(sample.begin(), sample.end(), std::mt19937(10));
        if (sample.size() > 60) sample.resize(60);
        tiles.insert(tiles.end(), sample.begin(), sample.end());

        std::size_t kept = 0, filtered_out = 0;
        for (tile const& t : tiles) {
            auto const filtered = test::http_get(port(), t.path("elc", "geojson") + "?" + filter);
            ASSERT_EQ(filtered.status, 200) << t.name() << " " << province << ": " << filtered.body.substr(0, 300);
            auto const all = test::http_get(port(), t.path("elc", "geojson"));
            ASSERT_EQ(all.status, 200);
            json const f = parse_json(filtered, t.name());
            json const a = parse_json(all, t.name());
            // Nothing left out: no "omitted" member, and the header says 0.
            ASSERT_FALSE(f.contains("omitted")) << t.name();
            ASSERT_FALSE(a.contains("omitted")) << t.name();
            ASSERT_EQ(filtered.headers.at("x-tile-omitted"), "0") << t.name();
            ASSERT_EQ(all.headers.at("x-tile-omitted"), "0") << t.name();
            std::set<std::int64_t> const got = ids_of(f);
            std::set<std::int64_t> expected;
            for (auto id : ids_of(a))
                if (in_province.count(id))
                    expected.insert(id);
                else
                    ++filtered_out;
            EXPECT_EQ(got, expected) << t.name() << " filtered by " << province;
            for (auto const& feature : f["features"]) {
                EXPECT_NE(feature["properties"]["provinces"].get<std::string>().find(province), std::string::npos)
                    << t.name() << " feature " << feature["id"] << " is not in " << province;
            }
            kept += got.size();
            // The MVT tile under the same filter holds as many (204 when none).
            auto const mvt = test::http_get(port(), t.path("elc", "mvt") + "?" + filter);
            if (got.empty()) {
                EXPECT_EQ(mvt.status, 204) << t.name() << " filtered by " << province;
            } else {
                EXPECT_EQ(mvt.status, 200) << t.name() << " filtered by " << province;
                auto const n = mvt.headers.find("x-tile-features");
                EXPECT_TRUE(n != mvt.headers.end() && n->second == std::to_string(got.size())) << t.name() << " filtered by " << province;
            }
        }
        EXPECT_GT(kept, 0u) << province << ": the filtered tiles held nothing, the test shows nothing";
        EXPECT_GT(filtered_out, 0u) << province << ": no other province's feature was in these tiles, the test shows nothing";
        std::cout << "[   info   ] " << province << ": " << tiles.size() << " tiles, " << kept << " features kept, " << filtered_out
                  << " filtered out\n";
    }
}

// --- on the bundled sample ------------------------------------------------------------------

// A cached tile of 64 KiB or more is kept in a cache file and sent with
// sendfile(2): every later answer, whole or HEAD or gzip, and one to a
// client whose small receive buffer makes the server wait for room, carries
// exactly the bytes of the first.
namespace {
void large_cached_tile_is_sent_whole(unsigned short port) {
    tile const t{5, 25, 14};  // every ELC concession at zoom 5: ~90 KB of GeoJSON
    auto const first = test::http_get(port, t.path("elc", "geojson"));
    ASSERT_EQ(first.status, 200);
    ASSERT_GE(first.body.size(), 64u * 1024) << "this tile is too small to test cache files";
    EXPECT_GE(metric(port, "concessions_cache_files"), 1) << "the cached tile is not in a cache file";
    for (int i = 0; i < 3; ++i) {
        auto const again = test::http_get(port, t.path("elc", "geojson"));
        ASSERT_EQ(again.status, 200);
        EXPECT_EQ(again.headers.at("content-length"), std::to_string(first.body.size()));
        EXPECT_EQ(again.body, first.body) << "answer " << i + 2;
    }
    auto const head = test::http_get(port, t.path("elc", "geojson"), {}, "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers.at("content-length"), std::to_string(first.body.size()));
    EXPECT_TRUE(head.body.empty());

    auto const zipped = test::http_get(port, t.path("elc", "geojson"), "Accept-Encoding: gzip\r\n");
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(zipped.headers.at("content-encoding"), "gzip");
    test::scratch_dir dir;
    { std::ofstream(dir.path() / "tile.gz", std::ios::binary) << zipped.body; }
    auto const gunzip = test::run("gzip -dc " + test::quote((dir.path() / "tile.gz").string()));
    ASSERT_EQ(gunzip.exit_code, 0) << gunzip.err;
    EXPECT_EQ(gunzip.out, first.body);

    // A slow reader with a 4 KiB receive buffer asks for the tile 40 times
    // at once (pipelined, 3.6 MB) and reads only after a pause: the server's
    // socket fills and it must wait for room, mid-file, many times.
    int const fd = test::connect_loopback(port, 4096);
    ASSERT_GE(fd, 0);
    int const count = 40;
    std::string requests;
    for (int i = 0; i < count; ++i)
        requests += "GET " + t.path("elc", "geojson") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (i + 1 == count ? "Connection: close\r\n" : "") + "\r\n";
    ASSERT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL), static_cast<ssize_t>(requests.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string const received = test::read_until_closed(fd, std::chrono::seconds(60));  // closed after the last, as asked
    int whole = 0;
    for (std::size_t at = 0; at < received.size();) {
        auto const head_end = received.find("\r\n\r\n", at);
        ASSERT_NE(head_end, std::string::npos) << "answer " << whole + 1 << " is cut short";
        ASSERT_EQ(received.compare(at, 12, "HTTP/1.1 200"), 0) << received.substr(at, 100);
        EXPECT_EQ(received.substr(head_end + 4, first.body.size()), first.body) << "answer " << whole + 1;
        at = head_end + 4 + first.body.size();
        ++whole;
    }
    EXPECT_EQ(whole, count);
}

}  // namespace

TEST_F(tiles_e2e_real, a_large_cached_tile_is_sent_whole_from_its_cache_file) {
    // By default in unnamed files in the temporary folder.
    EXPECT_NE(test::slurp(server_->log_path()).find("kept in unnamed files in " + server::cache_file::default_folder()), std::string::npos)
        << test::slurp(server_->log_path());
    large_cached_tile_is_sent_whole(port());
}

// The same from an in-memory file (--cache-dir memory: a sealed memfd).
TEST(tiles_e2e_real_memory, a_large_cached_tile_is_sent_whole_from_its_in_memory_file) {
    REQUIRE_SHARED_DATA();
    test::server_process server("--quiet --cache-dir memory " + test::quote(catalog().string()));
    ASSERT_NE(server.port(), 0);
    EXPECT_NE(test::slurp(server.log_path()).find("kept in memory files"), std::string::npos) << test::slurp(server.log_path());
    large_cached_tile_is_sent_whole(server.port());
    EXPECT_EQ(server.stop(), 0);
}

// A --cache-dir that cannot hold files is refused at once, by name.
TEST(tiles_e2e_sample, a_cache_dir_that_cannot_hold_files_is_refused) {
    test::scratch_dir dir;
    std::string const missing = (dir.path() / "absent").string();
    // (timeout: were the folder only warned about, the server would go on serving)
    auto const r = test::run("timeout 60 " + test::quote(test::concessions_binary()) + " serve --port 0 --cache-dir " + test::quote(missing));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("cannot keep cached answers in " + missing), std::string::npos) << r.err;
}

// Clients that hang up in the middle of a cached file's sendfile(2): the
// server must fail those writes (EPIPE, ECONNRESET), not die of SIGPIPE.
TEST_F(tiles_e2e_real, clients_leaving_mid_file_do_not_stop_the_server) {
    tile const t{5, 25, 14};  // ~90 KB: kept in a cache file once cached
    auto const first = test::http_get(port(), t.path("elc", "geojson"));
    ASSERT_EQ(first.status, 200);
    ASSERT_GE(first.body.size(), 64u * 1024) << "this tile is too small to test cache files";
    std::string requests;
    for (int i = 0; i < 20; ++i) requests += "GET " + t.path("elc", "geojson") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (int client = 0; client < 20; ++client) {
        int const fd = test::connect_loopback(port(), 4096);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL), static_cast<ssize_t>(requests.size()));
        char buf[1000];
        EXPECT_GT(::recv(fd, buf, sizeof buf, 0), 0);  // a little, then gone with most of it unsent
        linger const abort_now{1, 0};  // close with a reset, as a killed client does
        if (client % 2) ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
        ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(test::http_get(port(), "/healthz").status, 200) << "the server died";
    auto const again = test::http_get(port(), t.path("elc", "geojson"));
    EXPECT_EQ(again.body, first.body);
}

// A repeated tile comes from the cache (same bytes, same ETag, 304 on
// If-None-Match), and the cache stays within --tile-cache-mb under a run of
// thousands of distinct tiles.
TEST(tiles_e2e_sample, tile_cache_hits_and_stays_within_its_bound) {
    auto const started = std::chrono::steady_clock::now();
    test::server_process server("--quiet --tile-cache-mb 1");
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    auto const collections = parse_json(test::http_get(port, "/collections"), "/collections");
    ASSERT_FALSE(collections["collections"].empty());
    std::string const c = collections["collections"][0]["id"].get<std::string>();

    // The sample lies in 104.0-106.8 E, 11.7-13.6 N; Kampong Thom's tile at z10.
    tile const t{10, wiki_x(105.0, 10), wiki_y(12.7, 10)};
    for (std::string const ext : {"geojson", "mvt"}) {
        std::int64_t const hits0 = metric(port, "concessions_tile_cache_hits_total");
        auto const first = test::http_get(port, t.path(c, ext));
        ASSERT_EQ(first.status, 200) << t.name() << "." << ext;
        ASSERT_TRUE(first.headers.count("etag"));
        EXPECT_EQ(metric(port, "concessions_tile_cache_hits_total"), hits0) << "a first request is no hit";
        auto const second = test::http_get(port, t.path(c, ext));
        EXPECT_EQ(second.status, 200);
        EXPECT_EQ(second.body, first.body);
        EXPECT_EQ(second.headers.at("etag"), first.headers.at("etag"));
        EXPECT_EQ(metric(port, "concessions_tile_cache_hits_total"), hits0 + 1) << "the second request is a hit";
        auto const revalidated = test::http_get(port, t.path(c, ext), "If-None-Match: " + first.headers.at("etag") + "\r\n");
        EXPECT_EQ(revalidated.status, 304);
        EXPECT_TRUE(revalidated.body.empty());
    }

    // Thousands of distinct tiles: every tile over the sample at z5-12 in
    // both formats, and a seeded draw at z13 and z14.
    std::vector<std::string> targets;
    for (unsigned z = 5; z <= 12; ++z)
        for (tile const& s : tiles_meeting(104.0, 11.7, 106.8, 13.6, z))
            for (std::string const ext : {"geojson", "mvt"}) targets.push_back(s.path(c, ext));
    std::mt19937 rng(1314);
    for (unsigned z : {13u, 14u}) {
        auto all = tiles_meeting(104.0, 11.7, 106.8, 13.6, z);
        std::shuffle(all.begin(), all.end(), rng);
        for (std::size_t i = 0; i < 700 && i < all.size(); ++i) targets.push_back(all[i].path(c, i % 2 ? "mvt" : "geojson"));
    }
    ASSERT_GE(targets.size(), 3000u);
    std::size_t const bound = 1048576;
    std::size_t served = 0, most = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        auto const reply = test::http_get(port, targets[i]);
        ASSERT_TRUE(reply.status == 200 || reply.status == 204) << targets[i] << ": " << reply.status;
        served += reply.body.size();
        if (i % 50 == 49 || i + 1 == targets.size()) {
            std::int64_t const bytes = metric(port, "concessions_tile_cache_bytes");
            most = std::max<std::size_t>(most, static_cast<std::size_t>(bytes));
            ASSERT_LE(bytes, static_cast<std::int64_t>(bound)) << "after " << i + 1 << " tiles";
        }
    }
    EXPECT_GT(served, 2 * bound) << "the tiles would all have fitted: the bound was not tested";
    EXPECT_GT(most, bound / 2) << "the cache never filled";
    // Still caching after the churn.
    std::int64_t const hits = metric(port, "concessions_tile_cache_hits_total");
    auto const again = test::http_get(port, targets.back());
    auto const once_more = test::http_get(port, targets.back());
    EXPECT_EQ(again.body, once_more.body);
    EXPECT_GE(metric(port, "concessions_tile_cache_hits_total"), hits + 1);
    std::cout << "[   info   ] " << targets.size() << " distinct tiles, " << served / 1024 << " KiB served, cache peaked at " << most
              << " B; " << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
}

// A cached tile is found by its request target before the target is parsed
// (the fast path of a map's repeated tiles). The same tile spelled another
// way (%-escapes, a query that does not change it, a fragment) is parsed and
// found in the same entry: the same bytes and ETag, no new render. A query
// that is invalid is still refused although the tile is cached; and every
// answer counts under the tiles route.
TEST(tiles_e2e_sample, a_cached_tile_is_the_same_however_its_target_is_spelled) {
    test::server_process server("--quiet");
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    auto const collections = parse_json(test::http_get(port, "/collections"), "/collections");
    std::string const c = collections["collections"][0]["id"].get<std::string>();
    tile const t{10, wiki_x(105.0, 10), wiki_y(12.7, 10)};
    std::string const plain = t.path(c, "geojson");
    auto const first = test::http_get(port, plain);
    ASSERT_EQ(first.status, 200);
    std::int64_t const hits = metric(port, "concessions_tile_cache_hits_total");
    auto const again = test::http_get(port, plain);
    EXPECT_EQ(metric(port, "concessions_tile_cache_hits_total"), hits + 1) << "the repeat was not a hit";
    std::string const y = std::to_string(t.y);
    std::string escaped = plain;
    escaped.replace(escaped.rfind("/" + y + ".") + 1, y.size(), "%" + std::to_string(30 + (y[0] - '0')) + y.substr(1));
    std::int64_t const misses = metric(port, "concessions_tile_cache_misses_total");
    for (std::string const& target : {plain, escaped, plain + "?f=json", plain + "?limit=5", plain + "#here"}) {
        auto const r = test::http_get(port, target);
        EXPECT_EQ(r.status, 200) << target;
        EXPECT_EQ(r.body, first.body) << target;
        EXPECT_EQ(r.headers.count("etag") ? r.headers.at("etag") : "", first.headers.at("etag")) << target;
    }
    EXPECT_EQ(metric(port, "concessions_tile_cache_misses_total"), misses) << "a spelling was rendered again instead of found";
    auto const refused = test::http_get(port, plain + "?limit=abc");
    EXPECT_EQ(refused.status, 400) << "an invalid query was answered from the cache";
    auto const wrong_zoom = test::http_get(port, "/collections/" + c + "/tiles/99/0/0.geojson");
    EXPECT_EQ(wrong_zoom.status, 404);
    auto const m = test::http_get(port, "/metrics");
    EXPECT_NE(m.body.find("concessions_http_requests_total{route=\"tiles\",status=\"2xx\"} 7"), std::string::npos) << m.body;
    EXPECT_EQ(server.stop(), 0);
}

// Tile addresses outside the grid or the configured zooms, or not numbers, or
// in an unknown format: 400 or 404 with a JSON error, and the server lives on.
TEST(tiles_e2e_sample, bad_tile_addresses_are_refused_with_a_json_error) {
    test::server_process server("--quiet --tile-max-zoom 12");
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    auto const collections = parse_json(test::http_get(port, "/collections"), "/collections");
    ASSERT_FALSE(collections["collections"].empty());
    std::string const base = "/collections/" + collections["collections"][0]["id"].get<std::string>() + "/tiles/";

    std::vector<std::pair<std::string, int>> const cases = {
        {"13/6500/3800.geojson", 404},  // beyond --tile-max-zoom
        {"25/0/0.geojson", 404},
        {"99/0/0.mvt", 404},
        {"0/1/0.geojson", 400},  // x, y outside 0..2^z-1
        {"0/0/1.mvt", 400},
        {"12/4096/0.geojson", 400},
        {"12/0/4096.geojson", 400},
        {"12/4294967296/0.geojson", 400},
        {"abc/0/0.geojson", 400},  // not numbers
        {"1/x/0.geojson", 400},
        {"1/0/y.mvt", 400},
        {"1/-1/0.geojson", 400},
        {"1/+1/0.geojson", 400},
        {"1e1/0/0.geojson", 400},
        {"1/0.5/0.geojson", 400},
        {"%201/0/0.geojson", 400},
        {"999999999999/0/0.geojson", 400},
        {"1/0/0.png", 404},  // unknown formats
        {"1/0/0.json", 404},
        {"1/0/0.", 404},
        {"1/0/0", 404},
        {"1/0/0/0.geojson", 404},  // not a tile path
        {"1/0.geojson", 404},
    };
    for (auto const& [path, expected] : cases) {
        auto const reply = test::http_get(port, base + path);
        EXPECT_TRUE(reply.status == 400 || reply.status == 404) << path << ": " << reply.status;
        EXPECT_EQ(reply.status, expected) << path;
        auto const type = reply.headers.find("content-type");
        EXPECT_TRUE(type != reply.headers.end() && type->second.find("application/json") != std::string::npos) << path;
        json const doc = json::parse(reply.body, nullptr, false);
        ASSERT_TRUE(doc.is_object()) << path << ": " << reply.body.substr(0, 200);
        EXPECT_TRUE(doc.contains("code") && doc["code"].is_string()) << path << ": " << reply.body;
        EXPECT_TRUE(doc.contains("description") && doc["description"].is_string() && !doc["description"].get<std::string>().empty())
            << path << ": " << reply.body;
    }
    auto const unknown = test::http_get(port, "/collections/no-such-layer/tiles/1/0/0.geojson");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(test::http_get(port, "/healthz").status, 200);
    EXPECT_EQ(test::http_get(port, base + "12/3250/1900.geojson").status, 200) << "a good tile at the top zoom";
    EXPECT_TRUE(server.running());
}
