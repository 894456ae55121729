// `concessions export` against `concessions serve` on the same data: every
// tile a PMTiles archive holds, read back by the `pmtiles` npm package (the
// reader MapLibre uses, tests/support/pmtiles_dump.mjs), equals the tiles
// serve answers for that z/x/y, each collection's layer in turn; every tile
// the archive lacks is one serve answers 204 for. MBTiles opens in GDAL's
// MBTiles driver with the features serve cuts; a folder export holds serve's
// bytes. Bad command lines, an interrupt and the progress line are checked
// as a user meets them.

#include "tests/support/osm_wiki_tiles.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <map>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct tile {
    unsigned z = 0, x = 0, y = 0;
    std::string name() const { return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y); }
};

std::string sample_sources() {
    auto const dir = test::source_dir() / "data/sample";
    return test::quote((dir / "synthetic_concessions.shp").string()) + " --provinces " +
           test::quote((dir / "synthetic_provinces.shp").string());
}
std::string catalog() { return test::quote((test::source_dir() / "data/odc-catalog.json").string()); }

test::command_result export_run(std::string const& args) {
    return test::run(test::quote(test::concessions_binary()) + " export --store-dir none " + args);
}

// The archive as the npm reader sees it: header, metadata, the tiles it
// holds (written decompressed under `into`).
json read_pmtiles(fs::path const& archive, fs::path const& into) {
    auto const r = test::run("CONCESSIONS_SOURCE_DIR=" + test::quote(test::source_dir().string()) + " node " +
                             test::quote((test::source_dir() / "tests/support/pmtiles_dump.mjs").string()) + " " +
                             test::quote(archive.string()) + " " + test::quote(into.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
}

// Every tile of zooms z0..z1 meeting the lon/lat box, and one tile around it.
std::vector<tile> tiles_around(double west, double south, double east, double north, unsigned z0, unsigned z1) {
    std::vector<tile> out;
    for (unsigned z = z0; z <= z1; ++z) {
        unsigned const last = (1u << z) - 1;
        unsigned const x0 = test::wiki_x(west, z), x1 = test::wiki_x(east, z);
        unsigned const y0 = test::wiki_y(north, z), y1 = test::wiki_y(south, z);
        for (unsigned x = x0 > 0 ? x0 - 1 : 0; x <= std::min(last, x1 + 1); ++x)
            for (unsigned y = y0 > 0 ? y0 - 1 : 0; y <= std::min(last, y1 + 1); ++y) out.push_back({z, x, y});
    }
    return out;
}

// The tile serve answers for the layers, in order: each 200's MVT body
// concatenated (one layer each); "" when every one is 204.
struct served_tile {
    std::string mvt;
    std::size_t features = 0;
};
served_tile serve_tile(test::http_connection& conn, std::vector<std::string> const& collections, tile const& t,
                       std::string const& query) {
    served_tile out;
    for (auto const& c : collections) {
        auto const r = conn.get("/collections/" + c + "/tiles/" + t.name() + ".mvt" + query);
        EXPECT_TRUE(r.status == 200 || r.status == 204) << c << " " << t.name() << ": " << r.status;
        if (r.status == 200) out.mvt += r.body;
        out.features += std::stoul(r.headers.count("x-tile-features") ? r.headers.at("x-tile-features") : "0");
    }
    return out;
}

std::vector<std::string> collection_ids(test::server_process const& server) {
    auto const doc = json::parse(test::http_get(server.port(), "/collections?f=json").body);
    std::vector<std::string> ids;
    for (auto const& c : doc["collections"]) ids.push_back(c["id"]);
    return ids;
}

// The whole check of an archive against serve: what it holds is serve's,
// what it lacks serve has nothing for.
void expect_archive_is_served_pyramid(fs::path const& archive, test::server_process const& server,
                                      std::vector<std::string> const& collections, std::string const& query, unsigned max_zoom) {
    test::scratch_dir dump;
    json const read = read_pmtiles(archive, dump.path());
    auto const& h = read["header"];
    EXPECT_EQ(h["specVersion"], 3);
    EXPECT_EQ(h["tileType"], 1);          // MVT
    EXPECT_EQ(h["tileCompression"], 2);   // gzip
    EXPECT_EQ(h["internalCompression"], 2);
    EXPECT_EQ(h["clustered"], true);
    EXPECT_EQ(h["minZoom"], 0);
    EXPECT_EQ(h["maxZoom"], max_zoom);
    EXPECT_LE(h["rootDirectoryOffset"].get<double>() + h["rootDirectoryLength"].get<double>(), 16384);
    EXPECT_EQ(h["numAddressedTiles"], read["tiles"].size());
    // vector_layers: one per collection, in order, with the tile fields.
    auto const& layers = read["metadata"]["vector_layers"];
    ASSERT_EQ(layers.size(), collections.size());
    for (std::size_t i = 0; i < collections.size(); ++i) {
        EXPECT_EQ(layers[i]["id"], collections[i]);
        EXPECT_EQ(layers[i]["fields"]["area_ha"], "Number");
        EXPECT_EQ(layers[i]["maxzoom"], max_zoom);
    }
    // The bounds are the collections' extents (to the 1e-7 degree the header keeps).
    double west = 180, south = 90, east = -180, north = -90;
    for (auto const& c : collections) {
        auto const bbox = json::parse(test::http_get(server.port(), "/collections/" + c + "?f=json").body)["extent"]["spatial"]["bbox"][0];
        west = std::min(west, bbox[0].get<double>()), south = std::min(south, bbox[1].get<double>());
        east = std::max(east, bbox[2].get<double>()), north = std::max(north, bbox[3].get<double>());
    }
    // Filtered, the bounds are those of the features let through: within them.
    if (query.empty()) {
        EXPECT_NEAR(h["minLon"].get<double>(), west, 1e-7);
        EXPECT_NEAR(h["minLat"].get<double>(), south, 1e-7);
        EXPECT_NEAR(h["maxLon"].get<double>(), east, 1e-7);
        EXPECT_NEAR(h["maxLat"].get<double>(), north, 1e-7);
    } else {
        EXPECT_GE(h["minLon"].get<double>(), west - 1e-7);
        EXPECT_GE(h["minLat"].get<double>(), south - 1e-7);
        EXPECT_LE(h["maxLon"].get<double>(), east + 1e-7);
        EXPECT_LE(h["maxLat"].get<double>(), north + 1e-7);
        EXPECT_LT(h["maxLon"].get<double>() - h["minLon"].get<double>(), east - west);
    }

    std::map<std::string, bool> held;
    for (auto const& t : read["tiles"]) held[std::to_string(t[0].get<int>()) + "/" + std::to_string(t[1].get<int>()) + "/" +
                                            std::to_string(t[2].get<int>())] = true;
    test::http_connection conn(server.port());
    std::size_t compared = 0, absent = 0, raw_bytes = 0, mismatched = 0;
    for (auto const& t : tiles_around(west, south, east, north, 0, max_zoom)) {
        auto const served = serve_tile(conn, collections, t, query);
        if (held.count(t.name())) {
            std::string const stored = test::slurp(dump.path() / (t.name() + ".mvt"));
            if (stored != served.mvt && ++mismatched <= 5) ADD_FAILURE() << "tile " << t.name() << " differs from serve's";
            raw_bytes += stored.size();
            ++compared;
        } else {
            if (!served.mvt.empty() && ++mismatched <= 5) ADD_FAILURE() << "tile " << t.name() << " is served but not in the archive";
            ++absent;
        }
    }
    EXPECT_EQ(mismatched, 0u);
    EXPECT_EQ(compared, held.size()) << "the archive holds tiles beyond its collections' extent";
    EXPECT_GT(compared, 50u);
    EXPECT_GT(absent, 0u);
    // Duplicates stored once, gzip: smaller than its tiles laid out one by one.
    EXPECT_LT(fs::file_size(archive), raw_bytes);
    std::cout << archive.filename().string() << ": " << compared << " tiles equal serve's, " << absent
              << " absent where serve answers 204; " << fs::file_size(archive) << " bytes for " << raw_bytes << " of tiles\n";
}

TEST(export_e2e, PmtilesHoldsServesPyramidOnTheSample) {
    test::scratch_dir dir;
    auto const archive = dir / "sample.pmtiles";
    auto const r = export_run("--maxzoom 12 " + sample_sources() + " " + test::quote(archive.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("tiles"), std::string::npos) << r.out;
    test::server_process server("--quiet --no-watch --store-dir none " + sample_sources());
    expect_archive_is_served_pyramid(archive, server, collection_ids(server), "", 12);
}

TEST(export_e2e, PmtilesOfTwoFilteredLayersOnTheRealCatalog) {
    REQUIRE_SHARED_DATA();
    test::scratch_dir dir;
    auto const archive = dir / "kratie.pmtiles";
    auto const r = export_run("--quiet --maxzoom 11 --collections elc,mining --province Kratie --filter 'area_ha > 500' " +
                              catalog() + " " + test::quote(archive.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::server_process server("--quiet --no-watch --store-dir none " + catalog());
    expect_archive_is_served_pyramid(archive, server, {"elc", "mining"}, "?province=Kratie&filter=area_ha%20%3E%20500", 11);
}

TEST(export_e2e, MbtilesOpensInGdalWithTheFeaturesServeCuts) {
    test::scratch_dir dir;
    auto const archive = dir / "sample.mbtiles";
    auto const r = export_run("--quiet --maxzoom 10 " + sample_sources() + " " + test::quote(archive.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::server_process server("--quiet --no-watch --store-dir none " + sample_sources());
    auto const ids = collection_ids(server);
    ASSERT_EQ(ids.size(), 1u);
    auto const bbox = json::parse(test::http_get(server.port(), "/collections/" + ids[0] + "?f=json").body)["extent"]["spatial"]["bbox"][0];
    test::http_connection conn(server.port());
    std::map<unsigned, std::size_t> features, tiles;
    for (auto const& t : tiles_around(bbox[0], bbox[1], bbox[2], bbox[3], 0, 10)) {
        auto const s = serve_tile(conn, ids, t, "");
        features[t.z] += s.features;
        tiles[t.z] += s.mvt.empty() ? 0 : 1;
    }
    auto const info = test::run("ogrinfo -ro -so " + test::quote(archive.string()));
    EXPECT_NE(info.out.find("using driver `MBTiles'"), std::string::npos) << info.out << info.err;
    EXPECT_NE(info.out.find("format=pbf"), std::string::npos) << info.out;
    for (unsigned z : {0u, 4u, 7u, 10u}) {
        // GDAL reads the tiles of one zoom (ZOOM_LEVEL), a feature once per tile it is cut into.
        auto const layer = test::run("ogrinfo -ro -so -oo ZOOM_LEVEL=" + std::to_string(z) + " " + test::quote(archive.string()) + " " +
                                     test::quote(ids[0]));
        EXPECT_NE(layer.out.find("Feature Count: " + std::to_string(features[z]) + "\n"), std::string::npos)
            << "zoom " << z << ": serve cuts " << features[z] << " features\n" << layer.out << layer.err;
        // tile_row counts from the south (TMS).
        auto const rows = test::run("sqlite3 " + test::quote(archive.string()) + " 'SELECT count(*) FROM tiles WHERE zoom_level = " +
                                    std::to_string(z) + "'");
        EXPECT_EQ(rows.out, std::to_string(tiles[z]) + "\n") << "zoom " << z;
    }
    // Every tile, read by Python's sqlite3 and gzip (another reader than
    // ours), is serve's tile of that z/x/y (tile_row flipped: TMS).
    test::scratch_dir dump;
    auto const py = test::run(
        "python3 -c 'import gzip, os, sqlite3, sys\n"
        "for z, x, row, data in sqlite3.connect(sys.argv[1]).execute(\"SELECT * FROM tiles\"):\n"
        "    d = os.path.join(sys.argv[2], str(z), str(x)); os.makedirs(d, exist_ok=True)\n"
        "    open(os.path.join(d, str((1 << z) - 1 - row) + \".mvt\"), \"wb\").write(gzip.decompress(data))' " +
        test::quote(archive.string()) + " " + test::quote(dump.path().string()));
    ASSERT_EQ(py.exit_code, 0) << py.err;
    std::size_t compared = 0;
    for (auto const& t : tiles_around(bbox[0], bbox[1], bbox[2], bbox[3], 0, 10)) {
        auto const s = serve_tile(conn, ids, t, "");
        fs::path const f = dump.path() / (t.name() + ".mvt");
        EXPECT_EQ(fs::exists(f), !s.mvt.empty()) << t.name();
        if (fs::exists(f)) {
            EXPECT_EQ(test::slurp(f), s.mvt) << t.name();
            ++compared;
        }
    }
    EXPECT_GT(compared, 50u);
    auto const t0 = test::run("sqlite3 " + test::quote(archive.string()) + " 'SELECT tile_row FROM tiles WHERE zoom_level = 10 LIMIT 1'");
    unsigned const row = static_cast<unsigned>(std::stoul(t0.out));
    unsigned const y = 1023 - row;
    EXPECT_GE(y, test::wiki_y(bbox[3], 10) > 0 ? test::wiki_y(bbox[3], 10) - 1 : 0);
    EXPECT_LE(y, test::wiki_y(bbox[1], 10) + 1);
}

TEST(export_e2e, FolderHoldsServesTilesByteForByte) {
    test::scratch_dir dir;
    auto const out = dir / "tiles";
    auto const r = export_run("--quiet --maxzoom 9 --filter 'area_ha > 2000' " + sample_sources() + " " + test::quote(out.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::server_process server("--quiet --no-watch --store-dir none " + sample_sources());
    auto const ids = collection_ids(server);
    json const tj = json::parse(test::slurp(out / "tiles.json"));
    EXPECT_EQ(tj["tilejson"], "3.0.0");
    EXPECT_EQ(tj["tiles"][0], "{z}/{x}/{y}.mvt");
    auto const& b = tj["bounds"];
    test::http_connection conn(server.port());
    std::size_t files = 0;
    for (auto const& t : tiles_around(b[0], b[1], b[2], b[3], 0, 9)) {
        auto const s = serve_tile(conn, ids, t, "?filter=area_ha%20%3E%202000");
        fs::path const f = out / (t.name() + ".mvt");
        EXPECT_EQ(fs::exists(f), !s.mvt.empty()) << t.name();
        if (fs::exists(f)) {
            EXPECT_EQ(test::slurp(f), s.mvt) << t.name();
            ++files;
        }
    }
    EXPECT_GT(files, 20u);
    // Nothing else was left in the folder it was written beside.
    std::size_t entries = 0;
    for ([[maybe_unused]] auto const& e : fs::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1u);
}

TEST(export_e2e, RefusesBadCommandLinesClearly) {
    test::scratch_dir dir;
    auto const out = dir / "x.pmtiles";
    struct refusal {
        std::string args, says;
    };
    std::string const sample = sample_sources();
    for (auto const& [args, says] : std::vector<refusal>{
             {"--filter 'area_ha >' " + sample + " " + test::quote(out.string()), "filter"},
             {"--filter 'no_such_field = 1' " + sample + " " + test::quote(out.string()), "no_such_field"},
             {"--collections nope " + sample + " " + test::quote(out.string()), "no collection 'nope'"},
             {"--province Atlantis " + sample + " " + test::quote(out.string()), "Atlantis"},
             {"--minzoom 9 --maxzoom 3 " + sample + " " + test::quote(out.string()), "--minzoom 9 is above --maxzoom 3"},
             {sample + " " + test::quote((dir / "missing/x.pmtiles").string()), "does not exist"},
             {"--format mbtiles --site " + sample + " " + test::quote((dir / "site").string()), "--site writes a PMTiles archive"},
         }) {
        auto const r = export_run(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
        EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
        EXPECT_FALSE(fs::exists(out)) << args;
    }
    // Filters that match nothing: said, exit status 1, nothing written.
    auto const none = export_run("--quiet --filter 'area_ha < 0' " + sample + " " + test::quote(out.string()));
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_NE(none.err.find("no feature is in any tile"), std::string::npos) << none.err;
    EXPECT_FALSE(fs::exists(out));
    // An existing output is kept unless --force.
    test::run("echo keep > " + test::quote(out.string()));
    auto const kept = export_run("--quiet --maxzoom 3 " + sample + " " + test::quote(out.string()));
    EXPECT_EQ(kept.exit_code, 2);
    EXPECT_NE(kept.err.find("exists (--force replaces it)"), std::string::npos) << kept.err;
    EXPECT_EQ(test::slurp(out), "keep\n");
    auto const forced = export_run("--quiet --force --maxzoom 3 " + sample + " " + test::quote(out.string()));
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(test::slurp(out).substr(0, 7), "PMTiles");
}

TEST(export_e2e, InterruptLeavesNothingBehind) {
    test::scratch_dir dir;
    auto const out = dir / "deep.pmtiles";
    auto const log = dir / "err.txt";
    // Deep zooms on one thread: long enough to be interrupted.
    pid_t const pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::string const cmd = "exec " + test::quote(test::concessions_binary()) + " export --store-dir none --threads 1 --maxzoom 18 " +
                                sample_sources() + " " + test::quote(out.string()) + " 2>" + test::quote(log.string()) + " >/dev/null";
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait until it is cutting (the sample loads in well under a second).
    std::this_thread::sleep_for(std::chrono::seconds(2));
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the export finished before it could be interrupted";
    ::kill(pid, SIGINT);
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_NE(test::slurp(log).find("interrupted; nothing was written"), std::string::npos) << test::slurp(log);
    EXPECT_FALSE(fs::exists(out));
    std::vector<std::string> left;
    for (auto const& e : fs::directory_iterator(dir.path()))
        if (e.path() != log) left.push_back(e.path().filename().string());
    EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
}

TEST(export_e2e, ShowsProgressOnATerminalOnly) {
    test::scratch_dir dir;
    std::string const args = "--maxzoom 8 " + sample_sources() + " ";
    // script(1) gives the export a terminal.
    auto const on_tty = test::run("script -qec " +
                                  test::quote(test::concessions_binary() + " export --store-dir none " + args +
                                              test::quote((dir / "a.pmtiles").string())) +
                                  " /dev/null");
    ASSERT_EQ(on_tty.exit_code, 0) << on_tty.out << on_tty.err;
    EXPECT_NE(on_tty.out.find("tiles/s"), std::string::npos) << on_tty.out;
    EXPECT_NE(on_tty.out.find("zoom 8:"), std::string::npos) << on_tty.out;
    auto const piped = export_run(args + test::quote((dir / "b.pmtiles").string()));
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_EQ(piped.err.find("tiles/s"), std::string::npos) << piped.err;
    // Same data, same options: the same archive, byte for byte.
    EXPECT_EQ(test::slurp(dir / "a.pmtiles"), test::slurp(dir / "b.pmtiles"));
}

TEST(export_e2e, SiteHoldsTheDownloadsServeAnswers) {
    test::scratch_dir dir;
    auto const site = dir / "site";
    auto const r = export_run("--quiet --site --maxzoom 6 --filter 'area_ha > 2000' " + sample_sources() + " " + test::quote(site.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::server_process server("--quiet --no-watch --store-dir none " + sample_sources());
    json const about = json::parse(test::slurp(site / "site.json"));
    EXPECT_EQ(about["archive"], "concessions.pmtiles");
    EXPECT_EQ(about["filters"], "filter=area_ha%20%3E%202000");
    auto const ids = collection_ids(server);
    ASSERT_EQ(about["layers"].size(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(about["layers"][i]["id"], ids[i]);
        auto const served = test::http_get(server.port(), "/collections/" + ids[i] + "/items?f=geojson&download=1&filter=area_ha%20%3E%202000");
        EXPECT_EQ(test::slurp(site / about["layers"][i]["download"].get<std::string>()), served.body);
    }
    for (char const* f : {"index.html", "site.js", "site.css", "vendor/maplibre-gl.js", "vendor/maplibre-gl.css", "vendor/pmtiles.js"})
        EXPECT_GT(fs::file_size(site / f), 0u) << f;
    EXPECT_EQ(test::slurp(site / "concessions.pmtiles").substr(0, 7), "PMTiles");
    // A site folder that already holds other files is not written into without --force.
    auto const again = export_run("--quiet --site --maxzoom 2 " + sample_sources() + " " + test::quote(site.string()));
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.err.find("is not empty"), std::string::npos) << again.err;
}

}  // namespace
