// PostGIS as a source, end to end over loopback: `concessions serve` reading
// the real ELC layer from a private PostGIS cluster answers as it does from
// the shapefile (items, province filters, stats, tiles, downloads); rows
// changed in the database show within seconds with no restart; a table that
// goes away or a database that stops leaves the old data serving, and
// /healthz says why. psql and ogrinfo are the oracles for counts.

#include "tests/support/osm_wiki_tiles.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

fs::path elc_shp() { return test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp"; }

// The real catalog's "elc" entry and its province layer (data/odc-catalog.json),
// the entry's source replaced by `source` (plus "layer" for a table), the
// province layer's made absolute.
json catalog_reading_elc_from(std::string const& source, std::string const& layer) {
    json const real = json::parse(test::slurp(test::source_dir() / "data/odc-catalog.json"));
    json elc;
    for (auto const& c : real["collections"])
        if (c["id"] == "elc") elc = c;
    elc["source"] = source;
    if (!layer.empty()) elc["layer"] = layer;
    json provinces = real["provinces"];
    provinces["source"] = (test::shared_data_dir() / provinces["source"].get<std::string>()).string();
    return {{"title", "PostGIS end to end"}, {"provinces", provinces}, {"collections", json::array({elc})}};
}

fs::path write(fs::path const& path, json const& doc) {
    std::ofstream(path) << doc.dump(2);
    return path;
}

test::http_reply get(test::server_process const& server, std::string const& target) {
    return test::http_get(server.port(), target);
}

json get_json(test::server_process const& server, std::string const& target) {
    auto const r = get(server, target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
    return r.status == 200 ? json::parse(r.body) : json();
}

// An answer without what names the server it came from (links carry its port).
json without_links(json doc) {
    doc.erase("links");
    doc.erase("timeStamp");
    return doc;
}

long number_matched(test::server_process const& server, std::string const& filter) {
    return get_json(server, "/collections/elc/items?limit=1" + filter)["numberMatched"].get<long>();
}

long psql_count(test::pg_cluster const& cluster, std::string const& table = "elc") {
    return std::stol(cluster.psql("SELECT count(*) FROM " + table));
}

// Coordinates, nested arrays of numbers, equal to 1e-9 degrees; "" or where they differ.
std::string coordinates_differ(json const& a, json const& b, std::string const& at = "") {
    if (a.is_number() && b.is_number())
        return std::abs(a.get<double>() - b.get<double>()) <= 1e-9 ? "" : at + ": " + a.dump() + " vs " + b.dump();
    if (!a.is_array() || !b.is_array()) return at + ": not both arrays";
    if (a.size() != b.size()) return at + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " items";
    for (std::size_t i = 0; i < a.size(); ++i)
        if (auto d = coordinates_differ(a[i], b[i], at + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    return "";
}

// The province codes an ELC feature was assigned ("provinces_1", beside its own Provinces).
std::vector<std::string> province_codes(json const& feature) {
    std::vector<std::string> out;
    for (auto const& p : feature["properties"]["provinces_1"]) out.push_back(p["code"].get<std::string>());
    return out;
}

// Times a server logged that it is serving: 1 when it never restarted.
std::size_t starts(test::server_process const& server) {
    std::string const log = test::slurp(server.log_path());
    std::size_t n = 0;
    for (auto at = log.find("serving on"); at != std::string::npos; at = log.find("serving on", at + 1)) ++n;
    return n;
}

struct reload_seen {
    json health;           // /healthz once the reload finished
    double seconds = 0;    // from the change to then
    bool finished = false;
};

// Polls /healthz every 100 ms, up to 10 s from `changed_at`, until `done`
// holds of its "reload" and no reload runs.
template <typename Done>
reload_seen wait_for_health(test::server_process const& server, clock_type::time_point changed_at, Done done) {
    reload_seen seen;
    auto const deadline = changed_at + std::chrono::seconds(10);
    while (clock_type::now() < deadline) {
        auto const r = get(server, "/healthz");
        if (r.status == 200) {
            seen.health = json::parse(r.body);
            auto const& reload = seen.health["reload"];
            if (!reload["running"].get<bool>() && done(reload)) {
                seen.finished = true;
                break;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    seen.seconds = std::chrono::duration<double>(clock_type::now() - changed_at).count();
    return seen;
}

// Until more than `reloads_before` reloads have finished.
reload_seen wait_for_reload(test::server_process const& server, std::uint64_t reloads_before,
                            clock_type::time_point changed_at) {
    return wait_for_health(server, changed_at,
                           [&](json const& reload) { return reload["reloads"].get<std::uint64_t>() > reloads_before; });
}

std::uint64_t reloads_of(test::server_process const& server) {
    return get_json(server, "/healthz")["reload"]["reloads"].get<std::uint64_t>();
}

// A private cluster per test holding the real ELC layer as table elc (ids:
// the shapefile's FIDs, kept as its primary key), and a catalog reading it.
class postgis_e2e : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_SHARED_DATA();
        REQUIRE_PG_CLUSTER();
        ASSERT_NO_THROW(cluster_ = std::make_unique<test::pg_cluster>());
        ASSERT_NO_THROW(cluster_->load(elc_shp(), "elc"));
        pg_catalog_ = write(dir_ / "postgis.json", catalog_reading_elc_from(cluster_->connection(), "elc"));
        shp_catalog_ = write(dir_ / "shapefile.json", catalog_reading_elc_from(elc_shp().string(), ""));
    }

    // Polled every second: a change shows within a second or two.
    std::unique_ptr<test::server_process> serve_postgis() const {
        return std::make_unique<test::server_process>("--quiet --poll-seconds 1 " + test::quote(pg_catalog_.string()));
    }

    test::pg_cluster& cluster() const { return *cluster_; }

    test::scratch_dir dir_;
    std::unique_ptr<test::pg_cluster> cluster_;
    fs::path pg_catalog_, shp_catalog_;
};

}  // namespace

TEST_F(postgis_e2e, AnswersAsTheShapefileDoes) {
    test::server_process const shp("--quiet " + test::quote(shp_catalog_.string()));
    auto const pg = serve_postgis();
    ASSERT_GT(shp.port(), 0);
    ASSERT_GT(pg->port(), 0);

    // Every feature: ids, properties, geometry.
    json const shp_items = get_json(shp, "/collections/elc/items?limit=10000");
    json const pg_items = get_json(*pg, "/collections/elc/items?limit=10000");
    auto const ogrinfo = test::run("ogrinfo -ro -so -al " + test::quote(elc_shp().string()) + " | grep 'Feature Count'");
    ASSERT_EQ(ogrinfo.exit_code, 0) << ogrinfo.err;
    long const shp_count = std::stol(ogrinfo.out.substr(ogrinfo.out.find(':') + 1));
    EXPECT_EQ(shp_items["numberMatched"], shp_count);
    EXPECT_EQ(pg_items["numberMatched"], psql_count(cluster()));
    EXPECT_EQ(pg_items["numberMatched"], shp_items["numberMatched"]);
    std::map<std::int64_t, json> pg_by_id;
    for (auto const& f : pg_items["features"]) pg_by_id[f["id"].get<std::int64_t>()] = f;
    ASSERT_EQ(pg_by_id.size(), shp_items["features"].size());
    for (auto const& s : shp_items["features"]) {
        auto const id = s["id"].get<std::int64_t>();
        auto const it = pg_by_id.find(id);
        ASSERT_NE(it, pg_by_id.end()) << "feature " << id << " is not served from PostGIS";
        json const& p = it->second;
        EXPECT_EQ(p["properties"], s["properties"]) << "feature " << id;
        EXPECT_EQ(p["geometry"]["type"], s["geometry"]["type"]) << "feature " << id;
        EXPECT_EQ(coordinates_differ(p["geometry"]["coordinates"], s["geometry"]["coordinates"]), "")
            << "feature " << id;
    }

    // Each NIS province as a filter, and the statistics by province.
    json const provinces = get_json(shp, "/provinces");
    ASSERT_EQ(provinces["features"].size(), 24u);
    long assigned = 0;
    for (auto const& p : provinces["features"]) {
        std::string const filter = "&province=" + p["id"].get<std::string>();
        long const n = number_matched(shp, filter);
        EXPECT_EQ(number_matched(*pg, filter), n) << p["properties"]["name"];
        assigned += n;
    }
    EXPECT_GE(assigned, shp_count) << "the province filters found fewer features than there are";
    json const shp_stats = get_json(shp, "/collections/elc/stats?group=province");
    EXPECT_EQ(without_links(get_json(*pg, "/collections/elc/stats?group=province")), without_links(shp_stats));
    EXPECT_GT(shp_stats["groups"].size(), 10u);

    // Tiles at zooms 3 to 14 around two vertices of six features, byte for byte.
    std::set<std::string> tiles;
    std::size_t const step = shp_items["features"].size() / 6;
    for (unsigned z : {3u, 5u, 7u, 9u, 11u, 14u}) {
        for (std::size_t k = 0; k < 2; ++k) {
            json const& f = shp_items["features"][(z * 7 + k * 3) % 6 * step];
            json const& ring = f["geometry"]["type"] == "Polygon" ? f["geometry"]["coordinates"][0]
                                                                  : f["geometry"]["coordinates"][0][0];
            json const& vertex = ring[ring.size() / 2];
            tiles.insert(std::to_string(z) + "/" + std::to_string(test::wiki_x(vertex[0].get<double>(), z)) + "/" +
                         std::to_string(test::wiki_y(vertex[1].get<double>(), z)));
        }
    }
    EXPECT_GE(tiles.size(), 10u);
    for (auto const& tile : tiles) {
        for (char const* ext : {"mvt", "geojson"}) {
            std::string const target = "/collections/elc/tiles/" + tile + "." + ext;
            auto const from_shp = get(shp, target);
            auto const from_pg = get(*pg, target);
            ASSERT_EQ(from_shp.status, 200) << target;
            ASSERT_EQ(from_pg.status, 200) << target;
            EXPECT_GT(std::stol(from_shp.headers.at("x-tile-features")), 0) << target << " holds no feature";
            EXPECT_EQ(from_pg.headers.at("x-tile-features"), from_shp.headers.at("x-tile-features")) << target;
            EXPECT_TRUE(from_pg.body == from_shp.body) << target << " differs (" << from_pg.body.size() << " vs "
                                                       << from_shp.body.size() << " bytes)";
        }
    }

    // The download: as many rows, the same cells but for the columns naming
    // the source and its data version.
    auto const shp_csv = get(shp, "/collections/elc/items?f=csv&download=1");
    auto const pg_csv = get(*pg, "/collections/elc/items?f=csv&download=1");
    ASSERT_EQ(shp_csv.status, 200);
    ASSERT_EQ(pg_csv.status, 200);
    EXPECT_EQ(pg_csv.headers.at("x-features"), std::to_string(shp_count));
    test::csv_rows shp_rows = test::parse_csv(shp_csv.body), pg_rows = test::parse_csv(pg_csv.body);
    EXPECT_EQ(static_cast<long>(pg_rows.size()) - 1, psql_count(cluster()));
    ASSERT_EQ(pg_rows.size(), shp_rows.size());
    ASSERT_EQ(pg_rows.front(), shp_rows.front());
    auto const source_column = std::find(pg_rows.front().begin(), pg_rows.front().end(), "source_layer");
    ASSERT_NE(source_column, pg_rows.front().end());
    std::size_t const at = static_cast<std::size_t>(source_column - pg_rows.front().begin());
    EXPECT_EQ(pg_rows[1].at(at), cluster().connection());
    EXPECT_EQ(shp_rows[1].at(at), elc_shp().string());
    auto const version_column = std::find(pg_rows.front().begin(), pg_rows.front().end(), "data_version");
    ASSERT_NE(version_column, pg_rows.front().end());
    std::size_t const version_at = static_cast<std::size_t>(version_column - pg_rows.front().begin());
    EXPECT_NE(pg_rows[1].at(version_at), shp_rows[1].at(version_at));  // two sources, two versions
    for (std::size_t i = 1; i < pg_rows.size(); ++i) {
        pg_rows[i].at(at).clear();
        shp_rows[i].at(at).clear();
        pg_rows[i].at(version_at).clear();
        shp_rows[i].at(version_at).clear();
        EXPECT_EQ(pg_rows[i], shp_rows[i]) << "row " << i << " of the CSV download";
    }
}

TEST_F(postgis_e2e, ShowsEachChangeToTheTableWithinSecondsWithoutARestart) {
    auto const pg = serve_postgis();
    ASSERT_GT(pg->port(), 0);
    json const items = get_json(*pg, "/collections/elc/items?limit=10000");
    long const total = psql_count(cluster());
    ASSERT_EQ(items["numberMatched"], total);
    // Three features with provinces, spread over the layer: one renamed, one deleted, one copied.
    json const& features = items["features"];
    std::vector<json> picked;
    for (std::size_t k = 0; k < 3; ++k) {
        for (std::size_t i = k * features.size() / 3; i < features.size(); ++i) {
            if (province_codes(features[i]).empty()) continue;
            picked.push_back(features[i]);
            break;
        }
    }
    ASSERT_EQ(picked.size(), 3u);
    long const renamed = picked[0]["id"], deleted = picked[1]["id"], copied = picked[2]["id"];
    long const inserted = 100000;
    std::map<std::string, long> per_province;
    for (auto const& f : picked)
        for (auto const& code : province_codes(f)) per_province[code] = number_matched(*pg, "&province=" + code);
    std::string version = get_json(*pg, "/healthz")["version"];
    std::uint64_t reloads = reloads_of(*pg);

    // Runs `sql`, waits for the reload it causes, and checks what every reload must show.
    auto change = [&](std::string const& what, std::string const& sql) {
        cluster().psql(sql);
        auto const seen = wait_for_reload(*pg, reloads, clock_type::now());
        std::cout << "[          ] " << what << ": shown after " << seen.seconds << " s\n";
        EXPECT_TRUE(seen.finished) << what << ": no reload within 10 s: " << seen.health.dump();
        auto const& reload = seen.health["reload"];
        EXPECT_EQ(reload["outcome"], "ok") << what << ": " << reload.dump();
        EXPECT_EQ(reload["reason"], "database changed") << what;
        EXPECT_NE(seen.health["version"], version) << what;
        version = seen.health["version"];
        reloads = reload["reloads"];
        EXPECT_EQ(number_matched(*pg, ""), psql_count(cluster())) << what;
        EXPECT_EQ(seen.health["features"], psql_count(cluster())) << what;
    };

    change("UPDATE", "UPDATE elc SET \"Name\" = 'Renamed in PostGIS' WHERE fid = " + std::to_string(renamed));
    EXPECT_EQ(get_json(*pg, "/collections/elc/items/" + std::to_string(renamed))["properties"]["Name"],
              "Renamed in PostGIS");
    EXPECT_EQ(number_matched(*pg, "&q=Renamed%20in%20PostGIS"), 1);
    EXPECT_EQ(number_matched(*pg, ""), total);

    change("DELETE", "DELETE FROM elc WHERE fid = " + std::to_string(deleted));
    EXPECT_EQ(get(*pg, "/collections/elc/items/" + std::to_string(deleted)).status, 404);
    EXPECT_EQ(number_matched(*pg, ""), total - 1);
    for (auto const& code : province_codes(picked[1]))
        EXPECT_EQ(number_matched(*pg, "&province=" + code), per_province[code] - 1) << "province " << code;

    change("INSERT", "CREATE TEMPORARY TABLE copy AS SELECT * FROM elc WHERE fid = " + std::to_string(copied) +
                         "; UPDATE copy SET fid = " + std::to_string(inserted) + "; INSERT INTO elc SELECT * FROM copy");
    json const copy = get_json(*pg, "/collections/elc/items/" + std::to_string(inserted));
    EXPECT_EQ(copy["id"], inserted);
    EXPECT_EQ(copy["properties"], picked[2]["properties"]);
    EXPECT_EQ(coordinates_differ(copy["geometry"]["coordinates"], picked[2]["geometry"]["coordinates"]), "");
    EXPECT_EQ(number_matched(*pg, ""), total);
    auto const deleted_from = province_codes(picked[1]);
    for (auto const& code : province_codes(picked[2])) {
        bool const lost_one = std::find(deleted_from.begin(), deleted_from.end(), code) != deleted_from.end();
        EXPECT_EQ(number_matched(*pg, "&province=" + code), per_province[code] - (lost_one ? 1 : 0) + 1)
            << "province " << code;
    }

    EXPECT_TRUE(pg->running());
    EXPECT_EQ(starts(*pg), 1u) << "the server restarted";
}

// What is right when the database goes: the data loaded last keeps serving
// (a reload that fails changes nothing), /healthz says the reload failed,
// why and for which source, and the failing version is not reloaded at
// every poll. A table back as it was is reloaded once ("unchanged").
TEST_F(postgis_e2e, KeepsServingTheOldDataWhenTheTableGoesOrTheDatabaseStops) {
    auto const pg = serve_postgis();
    ASSERT_GT(pg->port(), 0);
    long const total = psql_count(cluster());
    json const before = get_json(*pg, "/healthz");
    std::string const version = before["version"];
    std::string const tile = "/collections/elc/tiles/7/101/59.mvt";
    std::string const tile_bytes = get(*pg, tile).body;
    std::uint64_t reloads = before["reload"]["reloads"];

    // Still serving the data loaded last, as it was.
    auto still_serving = [&](std::string const& when) {
        auto const health = get_json(*pg, "/healthz");
        EXPECT_EQ(health["status"], "ok") << when;
        EXPECT_EQ(health["version"], version) << when;
        EXPECT_EQ(number_matched(*pg, ""), total) << when;
        EXPECT_EQ(get(*pg, "/collections/elc/items/3").status, 200) << when;
        EXPECT_EQ(get(*pg, tile).body, tile_bytes) << when;
        auto const csv = get(*pg, "/collections/elc/items?f=csv&download=1");
        EXPECT_EQ(static_cast<long>(test::parse_csv(csv.body).size()) - 1, total) << when;
    };
    auto failed = [&](std::string const& when, std::string const& cause) {
        auto const seen = wait_for_reload(*pg, reloads, clock_type::now());
        std::cout << "[          ] " << when << ": failed reload shown after " << seen.seconds << " s\n";
        ASSERT_TRUE(seen.finished) << when << ": no reload within 10 s: " << seen.health.dump();
        auto const& reload = seen.health["reload"];
        EXPECT_EQ(reload["outcome"], "failed") << when << ": " << reload.dump();
        EXPECT_EQ(reload["reason"], "database changed") << when;
        std::string const message = reload["message"];
        EXPECT_NE(message.find(cluster().connection() + ": " + cause), std::string::npos) << when << ": " << message;
        EXPECT_EQ(message.find(cluster().connection() + ": " + cluster().connection()), std::string::npos)
            << "the source is named twice: " << message;
        reloads = reload["reloads"];
        still_serving(when);
    };

    ASSERT_NO_THROW(cluster().psql("ALTER TABLE elc RENAME TO elc_away"));
    failed("table renamed away", "has no table or view named 'elc'");
    // The next polls see the same failing version: one retry after 2 s at most, not one a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    auto const failures = get_json(*pg, "/healthz")["reload"]["failures"].get<std::uint64_t>();
    EXPECT_LE(failures, 2u) << "the failing version is reloaded at every poll";
    still_serving("3.5 s later");

    ASSERT_NO_THROW(cluster().psql("ALTER TABLE elc_away RENAME TO elc"));
    auto const back = wait_for_health(*pg, clock_type::now(), [](json const& reload) { return reload["outcome"] != "failed"; });
    std::cout << "[          ] table back: shown after " << back.seconds << " s\n";
    ASSERT_TRUE(back.finished) << back.health.dump();
    EXPECT_EQ(back.health["reload"]["outcome"], "unchanged") << back.health.dump();
    // The poll's reload, or (rarely) a retry that started after the rename.
    EXPECT_TRUE(back.health["reload"]["reason"] == "database changed" ||
                back.health["reload"]["reason"] == "retry after a failed reload")
        << back.health.dump();
    reloads = back.health["reload"]["reloads"];
    still_serving("table back");

    cluster().stop();
    failed("database stopped", "cannot open it");

    EXPECT_TRUE(pg->running());
    EXPECT_EQ(starts(*pg), 1u) << "the server restarted";
}
