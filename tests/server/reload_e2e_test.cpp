// Live reloads end to end: `concessions serve` over loopback on a copy of
// data/sample whose concession files are replaced by `mv`, rewritten in
// place, corrupted and restored, seen by the source watcher (--watch) or
// reloaded on SIGHUP; a download under way across a swap, and requests
// under load while the data is swapped again and again. Expected counts
// come from GDAL (ogrinfo on the files as they are on disk), never from
// the server's own answers. Every wait is bounded: /healthz is polled
// every 100 ms up to a limit.

#include "tests/support/osm_wiki_tiles.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string const collection = "synthetic-concessions";  // from synthetic_concessions.shp
std::string const rubber = "Purpose = 'Rubber'";

using test::time_bound;

// GDAL's count of the features of a shapefile (matching `where`).
long ogr_count(fs::path const& file, std::string const& where = {}) {
    auto const r = test::run("ogrinfo -ro -so -al " + (where.empty() ? "" : "-where " + test::quote(where) + " ") +
                             test::quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(Feature Count: (\d+))"))) << r.out;
    return m.empty() ? -1 : std::stol(m[1]);
}

// --- the data on disk --------------------------------------------------------

// A copy of data/sample in a scratch folder, which the tests change (the
// sample itself never is), and sets of concession files to put in place
// of the copy's.
struct sample_copy {
    test::scratch_dir dir;
    fs::path const data = dir / "data";
    fs::path const shp = data / "synthetic_concessions.shp";
    fs::path const provinces = data / "synthetic_provinces.shp";

    sample_copy() {
        fs::create_directories(data);
        for (auto const& f : fs::directory_iterator(test::source_dir() / "data/sample"))
            fs::copy_file(f.path(), data / f.path().filename());
    }

    // The sample's concessions matching `where` (all when empty), written by
    // ogr2ogr into a side folder; `extra`: more ogr2ogr options.
    fs::path make_set(std::string const& name, std::string const& where, std::string const& extra = {}) const {
        fs::path const set = dir / name;
        fs::create_directories(set);
        auto const r = test::run("ogr2ogr -f 'ESRI Shapefile' " + extra + " " +
                                 (where.empty() ? "" : "-where " + test::quote(where) + " ") +
                                 test::quote((set / shp.filename()).string()) + " " +
                                 test::quote((test::source_dir() / "data/sample" / shp.filename()).string()));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return set;
    }

    // Puts a set in place as `mv` does, file by file over the old names: each
    // name then holds a new inode. The set itself stays (it is copied aside
    // first, in the same file system), so it can be put in place again.
    void move_in(fs::path const& set) const {
        fs::path const incoming = dir / "incoming";
        fs::remove_all(incoming);
        fs::create_directories(incoming);
        for (auto const& f : fs::directory_iterator(set)) fs::copy_file(f.path(), incoming / f.path().filename());
        for (auto const& f : fs::directory_iterator(incoming)) fs::rename(f.path(), data / f.path().filename());
    }

    // Rewrites the copy's files in place with a set's bytes, as `cp` over
    // them does: the same inodes, truncated and written again.
    void rewrite_in_place(fs::path const& set) const {
        for (auto const& f : fs::directory_iterator(set)) {
            fs::path const target = data / f.path().filename();
            overwrite(target, test::slurp(f.path()));
        }
    }

    // Writes `bytes` into an existing file, keeping its inode (checked: a
    // test that meant to rewrite in place must not replace the file).
    static void overwrite(fs::path const& target, std::string const& bytes) {
        struct stat before {};
        ASSERT_EQ(::stat(target.c_str(), &before), 0) << target;
        std::ofstream(target, std::ios::binary | std::ios::trunc)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        struct stat after {};
        ASSERT_EQ(::stat(target.c_str(), &after), 0) << target;
        ASSERT_EQ(after.st_ino, before.st_ino) << target << " was replaced, not rewritten";
        ASSERT_EQ(static_cast<std::size_t>(after.st_size), bytes.size()) << target;
    }
};

// --- the server --------------------------------------------------------------

std::string serve_args(sample_copy const& copy, std::string const& extra = {}) {
    return test::quote(copy.shp.string()) + " --provinces " + test::quote(copy.provinces.string()) + " --quiet " +
           extra;
}

json get_json(unsigned short port, std::string const& target) {
    auto const r = test::http_get(port, target, {}, "GET", {}, seconds(10));
    EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
    if (r.status != 200) return json();
    return json::parse(r.body, nullptr, false);
}

std::string items(std::string const& query = {}) {
    return "/collections/" + collection + "/items" + query;
}

long matched(unsigned short port, std::string const& query = "?limit=1") {
    auto const page = get_json(port, items(query));
    return page.contains("numberMatched") ? page["numberMatched"].get<long>() : -1;
}

json health(unsigned short port) {
    auto const r = test::http_get(port, "/healthz", {}, "GET", {}, seconds(5));
    return r.status == 200 ? json::parse(r.body, nullptr, false) : json();
}

std::string version(json const& h) {
    return h.contains("version") ? h["version"].get<std::string>() : "?";
}
std::uint64_t reloads(json const& h) {
    return h.contains("reload") ? h["reload"]["reloads"].get<std::uint64_t>() : 0;
}

// Polls /healthz every 100 ms (or `every`) until `done` holds or `limit`
// passes; the last answer either way (null if the server never answered).
json wait_for(unsigned short port, std::function<bool(json const&)> const& done, milliseconds limit,
              milliseconds every = milliseconds(100)) {
    auto const deadline = clock_type::now() + limit;
    json h;
    for (;;) {
        h = health(port);
        if ((h.is_object() && done(h)) || clock_type::now() > deadline) return h;
        std::this_thread::sleep_for(every);
    }
}

// Until `count` reloads have finished and none runs.
json wait_for_reloads(unsigned short port, std::uint64_t count, milliseconds limit = seconds(20)) {
    auto h = wait_for(
        port, [count](json const& h) { return reloads(h) >= count && !h["reload"]["running"].get<bool>(); }, limit);
    EXPECT_GE(reloads(h), count) << "no reload within " << limit.count() << " ms: " << h.dump();
    return h;
}

std::string metrics(unsigned short port) {
    auto const r = test::http_get(port, "/metrics", {}, "GET", {}, seconds(5));
    EXPECT_EQ(r.status, 200);
    return r.body;
}

// The value of a /metrics line "name value" (name with its labels); -1 if none.
long metric(std::string const& text, std::string const& name) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(name + " ")) return std::stol(line.substr(name.size() + 1));
    return -1;
}

// A client that keeps its connection: requests one after another on it,
// each answer read whole.
using connection = test::http_connection;

// --- the tests ---------------------------------------------------------------

// What it catches: a watcher that misses a shapefile replaced by rename
// (its inotify watch stays on the old inode), that reloads once per file
// (a mixed set read half-way), or a swap that serves the old answers from
// a cache.
TEST(reload_e2e, a_shapefile_replaced_by_mv_is_served_after_the_watcher_settles) {
    time_bound bound{seconds(40)};
    sample_copy copy;
    test::server_process server(serve_args(copy));  // --watch is the default
    ASSERT_NE(server.port(), 0);
    auto const before = health(server.port());
    long const all = ogr_count(copy.shp);
    for (int i = 0; i < 2; ++i) EXPECT_EQ(matched(server.port()), all);  // cached by its second request
    EXPECT_EQ(reloads(before), 0u);

    copy.move_in(copy.make_set("rubber", rubber));
    long const now = ogr_count(copy.shp);
    ASSERT_GT(now, 0);
    ASSERT_LT(now, all) << "the new set must differ from the old one for the test to tell them apart";
    auto const after = wait_for(
        server.port(),
        [&](json const& h) {
            return version(h) != version(before) && reloads(h) >= 1 && !h["reload"]["running"].get<bool>();
        },
        seconds(20));
    ASSERT_NE(version(after), version(before)) << "the replaced files were not reloaded within 20 s: " << after.dump();
    EXPECT_EQ(after["reload"]["outcome"], "ok") << after.dump();
    EXPECT_EQ(after["reload"]["reason"], "file changed") << after.dump();
    EXPECT_EQ(matched(server.port()), now);
    auto const page = get_json(server.port(), items("?limit=1000"));
    ASSERT_TRUE(page.contains("features"));
    EXPECT_EQ(page["features"].size(), static_cast<std::size_t>(now));
    for (auto const& f : page["features"]) EXPECT_EQ(f["properties"]["Purpose"], "Rubber") << f["id"];

    // One reload for the whole set, not one per file (the settle time is
    // 1 s by default): none comes after it, none failed on a half-moved set.
    std::this_thread::sleep_for(milliseconds(1500));
    auto const later = health(server.port());
    EXPECT_EQ(reloads(later), 1u) << later.dump();
    EXPECT_EQ(later["reload"]["failures"], 0) << later.dump();
    EXPECT_EQ(version(later), version(after));
    EXPECT_TRUE(server.running());
}

// What it catches: a watcher that only looks for new names in the folder
// (IN_MOVED_TO, IN_CREATE) and misses files written again under the same
// inode, or one that reads the set while `cp` is still writing it.
TEST(reload_e2e, a_shapefile_rewritten_in_place_is_served_after_the_watcher_settles) {
    time_bound bound{seconds(40)};
    sample_copy copy;
    fs::path const set = copy.make_set("rubber", rubber);
    test::server_process server(serve_args(copy));
    ASSERT_NE(server.port(), 0);
    auto const before = health(server.port());
    long const all = ogr_count(copy.shp);
    EXPECT_EQ(matched(server.port()), all);

    copy.rewrite_in_place(set);
    long const now = ogr_count(copy.shp);
    ASSERT_GT(now, 0);
    ASSERT_LT(now, all);
    auto const after = wait_for(
        server.port(),
        [&](json const& h) { return version(h) != version(before) && !h["reload"]["running"].get<bool>(); },
        seconds(20));
    ASSERT_NE(version(after), version(before)) << "the rewritten files were not reloaded within 20 s: " << after.dump();
    EXPECT_EQ(after["reload"]["outcome"], "ok") << after.dump();
    EXPECT_EQ(after["reload"]["failures"], 0) << after.dump();
    EXPECT_EQ(matched(server.port()), now);
    EXPECT_EQ(matched(server.port(), "?limit=1&Purpose=Rubber"), now);

    // One reload for the three files written one after the other.
    std::this_thread::sleep_for(milliseconds(1500));
    auto const later = health(server.port());
    EXPECT_EQ(reloads(later), 1u) << later.dump();
    EXPECT_EQ(version(later), version(after));
}

// What it catches: SIGHUP not wired to a reload (by default it would end
// the process, or be logged and ignored), --no-watch still watching, a
// second SIGHUP handled differently from the first.
TEST(reload_e2e, with_no_watch_changes_wait_for_sighup_which_reloads_and_the_process_lives_on) {
    time_bound bound{seconds(40)};
    sample_copy copy;
    test::server_process server(serve_args(copy, "--no-watch"));
    ASSERT_NE(server.port(), 0);
    auto const before = health(server.port());
    long const all = ogr_count(copy.shp);
    EXPECT_EQ(matched(server.port()), all);

    copy.move_in(copy.make_set("rubber", rubber));
    long const now = ogr_count(copy.shp);
    ASSERT_LT(now, all);
    // Twice the watcher's default settle time: nothing is reloaded.
    auto const quiet = wait_for(
        server.port(), [&](json const& h) { return version(h) != version(before) || reloads(h) > 0; }, seconds(2));
    EXPECT_EQ(version(quiet), version(before)) << "reloaded with --no-watch: " << quiet.dump();
    EXPECT_EQ(reloads(quiet), 0u) << quiet.dump();
    EXPECT_EQ(matched(server.port()), all);

    ASSERT_TRUE(server.signal(SIGHUP));
    auto const after = wait_for_reloads(server.port(), 1);
    EXPECT_EQ(after["reload"]["outcome"], "ok") << after.dump();
    EXPECT_EQ(after["reload"]["reason"], "SIGHUP") << after.dump();
    EXPECT_NE(version(after), version(before));
    EXPECT_EQ(matched(server.port()), now);
    EXPECT_TRUE(server.running());
    EXPECT_NE(test::slurp(server.log_path()).find("concessions: reload (SIGHUP): "), std::string::npos)
        << test::slurp(server.log_path());

    // Again, with nothing changed: a reload that finds the same version.
    ASSERT_TRUE(server.signal(SIGHUP));
    auto const again = wait_for_reloads(server.port(), 2);
    EXPECT_EQ(again["reload"]["outcome"], "unchanged") << again.dump();
    EXPECT_EQ(version(again), version(after));
    EXPECT_EQ(matched(server.port()), now);
    EXPECT_TRUE(server.running());
    EXPECT_EQ(server.stop(), 0) << test::slurp(server.log_path());
}

// What it catches: a failed load that swaps in an empty or partial dataset,
// that changes the version, or that the health and metrics do not report;
// a failure that sticks (the next good files not loaded).
TEST(reload_e2e, corrupt_files_keep_the_old_data_served_and_the_next_good_files_are_loaded) {
    time_bound bound{seconds(60)};
    sample_copy copy;
    fs::path const rubber_set = copy.make_set("rubber", rubber);
    fs::path const full_set = copy.make_set("full", "");
    test::server_process server(serve_args(copy));
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    long const all = ogr_count(copy.shp);
    long const rubber_count = ogr_count(rubber_set / copy.shp.filename());
    ASSERT_LT(rubber_count, all);
    auto const first = health(port);

    {  // a .shp cut short, as an interrupted copy leaves it
        SCOPED_TRACE("truncated .shp");
        sample_copy::overwrite(copy.shp, test::slurp(copy.shp).substr(0, 100));
        auto const h = wait_for_reloads(port, 1);
        EXPECT_EQ(h["reload"]["outcome"], "failed") << h.dump();
        EXPECT_NE(h["reload"]["message"].get<std::string>().find("synthetic_concessions.shp"), std::string::npos)
            << h.dump();
        EXPECT_EQ(h["reload"]["failures"], 1);
        EXPECT_EQ(version(h), version(first));
        EXPECT_EQ(matched(port), all);
        auto const m = metrics(port);
        EXPECT_EQ(metric(m, "concessions_reload_last_ok"), 0) << m;
        EXPECT_EQ(metric(m, "concessions_reload_failures_total"), 1) << m;
    }
    std::string served;
    {
        SCOPED_TRACE("good files again");
        copy.move_in(rubber_set);
        auto const h = wait_for_reloads(port, 2);
        EXPECT_EQ(h["reload"]["outcome"], "ok") << h.dump();
        EXPECT_NE(version(h), version(first));
        EXPECT_EQ(matched(port), ogr_count(copy.shp));
        EXPECT_EQ(matched(port), rubber_count);
        EXPECT_EQ(metric(metrics(port), "concessions_reload_last_ok"), 1);
        served = version(h);
    }
    {  // an attribute table that is not one: GDAL alone would open the .shp without it
        SCOPED_TRACE("garbage .dbf");
        std::string garbage;
        while (garbage.size() < 4000) garbage += "not a dBASE table; ";
        sample_copy::overwrite(copy.data / "synthetic_concessions.dbf", garbage);
        auto const h = wait_for_reloads(port, 3);
        EXPECT_EQ(h["reload"]["outcome"], "failed") << h.dump();
        EXPECT_NE(h["reload"]["message"].get<std::string>().find("synthetic_concessions.dbf"), std::string::npos)
            << h.dump();
        EXPECT_EQ(h["reload"]["failures"], 2);
        EXPECT_EQ(version(h), served);
        EXPECT_EQ(matched(port), rubber_count);
        EXPECT_EQ(matched(port, "?limit=1&Purpose=Rubber"), rubber_count);  // the attributes are still the old ones
        EXPECT_EQ(metric(metrics(port), "concessions_reload_last_ok"), 0);
    }
    {
        SCOPED_TRACE("the full set again");
        copy.move_in(full_set);
        auto const h = wait_for_reloads(port, 4);
        EXPECT_EQ(h["reload"]["outcome"], "ok") << h.dump();
        EXPECT_EQ(matched(port), ogr_count(copy.shp));
        EXPECT_EQ(matched(port), all);
        // What was repaired is said on stderr at start and again for the data
        // each good reload brings, never for a failed one: the sample's
        // invalid geometries (SpatiaLite counts them) at start and now, none
        // in the rubber set.
        auto const invalid = [](fs::path const& shp) {
            return std::stol(test::sqlite_oracle(shp, "SELECT count(*) FROM synthetic_concessions WHERE geometry IS NOT NULL "
                                                      "AND ST_IsValid(geometry) = 0")[1][0]);
        };
        ASSERT_GT(invalid(copy.shp), 0);
        std::size_t const expected = 2 + (invalid(rubber_set / copy.shp.filename()) > 0 ? 1 : 0);
        std::string const log = test::slurp(server.log_path());
        std::size_t times = 0;
        for (auto at = log.find("invalid geometries repaired"); at != std::string::npos; at = log.find("invalid geometries repaired", at + 1))
            ++times;
        EXPECT_EQ(times, expected) << log;
        auto const m = metrics(port);
        EXPECT_EQ(metric(m, "concessions_reload_last_ok"), 1) << m;
        EXPECT_EQ(metric(m, "concessions_reload_failures_total"), 2) << m;
        EXPECT_EQ(metric(m, "concessions_reloads_total"), 4) << m;
    }
    EXPECT_TRUE(server.running());
}

// What it catches: a reload that reads the files as they were when it
// began but takes its version from them as they are when it ends (the
// version is the files' sizes and modification times): a set moved in
// while a load runs is then never served, because the reload that follows
// finds "the same" version and keeps the data it has ("unchanged"). The
// move comes at three points of a ~0.5 s load: early, it may make that
// load fail (the set is read half old, half new), which the next reload
// mends; later, the old data would be kept under the new files' version
// (as it was before geo::load took the version before reading: rounds 2
// and 3 failed then).
TEST(reload_e2e, a_set_moved_in_during_a_reload_is_served_after_the_next_one) {
    time_bound bound{seconds(90)};
    sample_copy copy;
    fs::path const dense_set =
        copy.make_set("dense", "", "-segmentize 5");  // a load long enough to move files in during it
    fs::path const rubber_set = copy.make_set("rubber", rubber);
    long const dense_count = ogr_count(dense_set / copy.shp.filename());
    long const rubber_count = ogr_count(rubber_set / copy.shp.filename());
    ASSERT_LT(rubber_count, dense_count);
    copy.move_in(dense_set);
    test::server_process server(serve_args(copy));  // --watch: the move is seen
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    std::uint64_t done = 0;
    for (int delay_ms : {0, 150, 300}) {
        SCOPED_TRACE("moved in " + std::to_string(delay_ms) + " ms into the load");
        ASSERT_EQ(matched(port), dense_count);
        ASSERT_TRUE(server.signal(SIGHUP));
        auto const loading = wait_for(
            port, [done](json const& h) { return h["reload"]["running"].get<bool>() || reloads(h) > done; },
            seconds(10), milliseconds(10));
        ASSERT_TRUE(loading["reload"]["running"].get<bool>()) << "the load ended before the files could be moved in";
        std::this_thread::sleep_for(milliseconds(delay_ms));
        copy.move_in(rubber_set);
        bool const still_loading = health(port)["reload"]["running"].get<bool>();
        // The watcher asks for a reload once the move settles (1 s):
        // whatever the first reload read, the last one reads the files as
        // they are.
        auto const h = wait_for(
            port, [done](json const& h) { return reloads(h) >= done + 2 && !h["reload"]["running"].get<bool>(); },
            seconds(20));
        done = reloads(h);
        EXPECT_EQ(matched(port), rubber_count)
            << (still_loading ? "" : "(the move may have come after the load) ") << h.dump() << "\n"
            << test::slurp(server.log_path());
        // Back to the dense set, for the next round.
        copy.move_in(dense_set);
        auto const back = wait_for(
            port, [done](json const& h) { return reloads(h) > done && !h["reload"]["running"].get<bool>(); },
            seconds(20));
        done = reloads(back);
    }
}

// What it catches: a streamed download that reads the dataset through the
// live pointer (rather than the one it started with) and so mixes, cuts or
// crashes when the data is swapped under it; and an old answer that enters
// the cache as it ends and is then served for the new data.
TEST(reload_e2e, a_download_under_way_across_a_swap_completes_with_the_old_data) {
    time_bound bound{seconds(60)};
    sample_copy copy;
    // Far more than the kernel buffers of a loopback connection hold (its
    // send buffer grows to tcp_wmem's maximum, 4 MiB by default): the
    // sample's polygons with a vertex every 5 m, ~25 MB of GeoJSON.
    copy.move_in(copy.make_set("dense", "", "-segmentize 5"));
    fs::path const rubber_set = copy.make_set("rubber", rubber);
    long const all = ogr_count(copy.shp);
    long const rubber_count = ogr_count(rubber_set / copy.shp.filename());
    ASSERT_LT(rubber_count, all);
    test::server_process server(serve_args(copy, "--no-watch"));
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    auto const before = health(port);
    std::set<long> old_ids;
    auto const old_page = get_json(port, items("?limit=10000"));
    for (auto const& f : old_page["features"]) old_ids.insert(f["id"].get<long>());
    EXPECT_EQ(old_ids.size(), static_cast<std::size_t>(all));
    std::string const completed = "concessions_http_requests_total{route=\"items\",status=\"2xx\"}";
    long const completed_before = metric(metrics(port), completed);

    // A client that takes the download slowly: a small receive buffer, and
    // nothing read past the first bytes until the swap is done.
    std::string const download = items("?f=geojson&download=1");
    connection slow(port, 4096);
    ASSERT_TRUE(slow.is_open());
    ASSERT_TRUE(slow.send_get(download));
    while (slow.received().find("\r\n\r\n") == std::string::npos) ASSERT_TRUE(slow.receive_some(seconds(10)));
    EXPECT_NE(slow.received().find("Transfer-Encoding: chunked"), std::string::npos)
        << "the download should be streamed, not a cached answer: " << slow.received().substr(0, 400);

    copy.move_in(rubber_set);
    ASSERT_TRUE(server.signal(SIGHUP));
    auto const after = wait_for_reloads(port, 1);
    ASSERT_EQ(after["reload"]["outcome"], "ok") << after.dump();
    ASSERT_NE(version(after), version(before));
    // The download is still being written (the server records a request
    // when its last byte is out), so the swap did happen under it.
    EXPECT_EQ(metric(metrics(port), completed), completed_before)
        << "the download had ended before the swap: it must be larger than the socket buffers for this test to tell";
    EXPECT_EQ(matched(port), rubber_count) << "other requests see the new data meanwhile";

    auto const reply = slow.read_response(seconds(60));
    ASSERT_EQ(reply.status, 200) << "the download was cut after " << reply.body.size() << " bytes";
    auto const doc = json::parse(reply.body, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << "not one JSON document: " << reply.body.size() << " bytes, ending "
                                     << reply.body.substr(reply.body.size() -
                                                          std::min<std::size_t>(200, reply.body.size()));
    EXPECT_EQ(doc["source"]["data_version"], version(before));
    EXPECT_EQ(doc["numberMatched"], all);
    ASSERT_EQ(doc["features"].size(), static_cast<std::size_t>(all));
    std::set<long> ids;
    for (auto const& f : doc["features"]) ids.insert(f["id"].get<long>());
    EXPECT_EQ(ids, old_ids);

    // The same download asked now is of the new data.
    auto const fresh = test::http_get(port, download, {}, "GET", {}, seconds(60));
    ASSERT_EQ(fresh.status, 200);
    auto const fresh_doc = json::parse(fresh.body, nullptr, false);
    ASSERT_FALSE(fresh_doc.is_discarded());
    EXPECT_EQ(fresh_doc["numberMatched"], rubber_count);
    EXPECT_EQ(fresh_doc["features"].size(), static_cast<std::size_t>(rubber_count));
    EXPECT_TRUE(server.running());
}

// What it catches: an answer of the old data that enters the answer cache
// after the swap dropped that version's answers. A streamed download is
// recorded as it goes and cached when its last piece is out (up to
// 16 MiB): one that ends after a swap is cached under its old version's
// key, never asked for again, and holds its memory (or cache file) until
// the cache evicts it.
// answer_cache refuses answers of a version keep_only dropped, so this holds.
TEST(reload_e2e, a_download_that_ends_after_a_swap_leaves_nothing_in_the_cache) {
    time_bound bound{seconds(60)};
    sample_copy copy;
    // ~12.5 MB of GeoJSON: more than the socket buffers hold, less than the
    // 16 MiB a streamed answer is recorded up to.
    fs::path const dense_set = copy.make_set("dense", "", "-segmentize 10");
    fs::path const rubber_set = copy.make_set("rubber", rubber);
    copy.move_in(dense_set);
    test::server_process server(serve_args(copy, "--no-watch"));
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();
    std::string const cached = "concessions_response_cache_bytes";
    std::string const download = items("?f=geojson&download=1");

    connection slow(port, 4096);
    ASSERT_TRUE(slow.is_open());
    ASSERT_TRUE(slow.send_get(download));
    ASSERT_TRUE(slow.receive_some(seconds(10)));
    copy.move_in(rubber_set);
    ASSERT_TRUE(server.signal(SIGHUP));
    ASSERT_EQ(wait_for_reloads(port, 1)["reload"]["outcome"], "ok");
    auto const old = slow.read_response(seconds(60));
    ASSERT_EQ(old.status, 200);
    std::this_thread::sleep_for(milliseconds(200));  // the cache is filled as the last piece goes out
    long const after_swap = metric(metrics(port), cached);
    EXPECT_LT(after_swap, static_cast<long>(old.body.size()))
        << "the old version's download is in the cache after the swap";

    // The premise: without a swap in between, the same download is cached.
    copy.move_in(dense_set);
    ASSERT_TRUE(server.signal(SIGHUP));
    ASSERT_EQ(wait_for_reloads(port, 2)["reload"]["outcome"], "ok");
    auto const again = test::http_get(port, download, {}, "GET", {}, seconds(60));
    ASSERT_EQ(again.status, 200);
    ASSERT_EQ(again.body.size(), old.body.size());
    std::this_thread::sleep_for(milliseconds(200));
    EXPECT_GE(metric(metrics(port), cached), static_cast<long>(again.body.size()))
        << "a download this large is not cached at all: the test cannot tell";
}

// What it catches: a request that fails, hangs or is cut while the dataset
// is swapped (a handler holding a dataset that is freed under it, a cache
// dropped while read, a connection closed by the reload), and an answer
// that mixes two versions (numberMatched neither of the two sets').
TEST(reload_e2e, no_request_fails_while_the_data_is_swapped_under_load) {
    time_bound bound{seconds(90)};
    sample_copy copy;
    fs::path const rubber_set = copy.make_set("rubber", rubber);
    fs::path const full_set = copy.make_set("full", "");
    long const all = ogr_count(copy.shp);
    long const rubber_count = ogr_count(rubber_set / copy.shp.filename());
    ASSERT_LT(rubber_count, all);
    test::server_process server(serve_args(copy, "--no-watch"));
    ASSERT_NE(server.port(), 0);
    unsigned short const port = server.port();

    // z9 tiles over the collection's extent: some hold features, some not.
    auto const doc = get_json(port, "/collections/" + collection);
    ASSERT_TRUE(doc.contains("extent"));
    auto const box = doc["extent"]["spatial"]["bbox"][0];
    unsigned const z = 9;
    std::vector<std::string> tiles;
    for (unsigned x = test::wiki_x(box[0].get<double>(), z); x <= test::wiki_x(box[2].get<double>(), z); x += 2)
        for (unsigned y = test::wiki_y(box[3].get<double>(), z); y <= test::wiki_y(box[1].get<double>(), z); y += 2)
            tiles.push_back("/collections/" + collection + "/tiles/9/" + std::to_string(x) + "/" + std::to_string(y));
    ASSERT_FALSE(tiles.empty());

    // A target, and what makes its answer whole ("" when it is).
    struct probe {
        std::string target;
        std::function<std::string(test::http_reply const&)> check;
    };
    auto json_body = [](test::http_reply const& r, json& out) -> std::string {
        if (r.status != 200) return "status " + std::to_string(r.status);
        out = json::parse(r.body, nullptr, false);
        return out.is_discarded() ? "not JSON (" + std::to_string(r.body.size()) + " bytes)" : "";
    };
    auto page_of = [&](std::set<long> allowed) {
        return [&json_body, allowed](test::http_reply const& r) -> std::string {
            json page;
            if (auto e = json_body(r, page); !e.empty()) return e;
            long const n = page["numberMatched"].get<long>();
            if (!allowed.count(n)) return "numberMatched " + std::to_string(n) + " is neither set's";
            if (page["features"].size() != static_cast<std::size_t>(std::min(20L, n)))
                return std::to_string(page["features"].size()) + " features for numberMatched " + std::to_string(n);
            return "";
        };
    };
    std::vector<probe> probes = {
        {items("?limit=20"), page_of({all, rubber_count})},
        {items("?limit=20&Purpose=Rubber"), page_of({rubber_count})},  // the same in both sets
        {"/collections/" + collection,
         [&](test::http_reply const& r) {
             json d;
             return json_body(r, d);
         }},
        {items("?f=csv&download=1&Purpose=Rubber"),
         [&](test::http_reply const& r) -> std::string {
             if (r.status != 200) return "status " + std::to_string(r.status);
             auto const lines = std::count(r.body.begin(), r.body.end(), '\n');
             if (lines != rubber_count + 1)
                 return std::to_string(lines) + " CSV lines, not a header and " + std::to_string(rubber_count) +
                        " rows";
             return "";
         }},
    };
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        bool const mvt = i % 2 == 0;
        probes.push_back(
            {tiles[i] + (mvt ? ".mvt" : ".geojson"), [mvt, &json_body](test::http_reply const& r) -> std::string {
                 if (r.status == 204) return r.body.empty() ? "" : "a 204 with a body";
                 if (mvt)
                     return r.status == 200 && !r.body.empty() ? ""
                                                               : "status " + std::to_string(r.status) + ", " +
                                                                     std::to_string(r.body.size()) + " bytes";
                 json d;
                 return json_body(r, d);
             }});
    }

    struct tally {
        std::mutex mutex;
        long requests = 0, failures = 0, reconnects = 0;
        std::set<long> versions_seen;     // numberMatched of the unfiltered page
        std::vector<std::string> errors;  // the first 20
        std::vector<double> ms;           // every request's time
        double slowest_ms = 0;
        std::string slowest;
        clock_type::time_point slowest_start, slowest_end;
    } t;
    std::atomic<bool> stop{false};
    auto client = [&](std::size_t first) {
        auto conn = std::make_unique<connection>(port);
        for (std::size_t i = first; !stop; ++i) {
            probe const& p = probes[i % probes.size()];
            auto const started = clock_type::now();
            std::string error;
            test::http_reply reply;
            if (!conn->is_open())
                error = "cannot connect";
            else if (!conn->send_get(p.target))
                error = "send failed";
            else if ((reply = conn->read_response(seconds(10))).status == 0)
                error = "no whole answer (connection broken or 10 s passed)";
            else if (reply.status >= 500)
                error = "status " + std::to_string(reply.status);
            else
                error = p.check(reply);
            auto const ended = clock_type::now();
            double const ms = std::chrono::duration<double, std::milli>(ended - started).count();
            std::lock_guard lock(t.mutex);
            ++t.requests;
            t.ms.push_back(ms);
            if (ms > t.slowest_ms)
                t.slowest_ms = ms, t.slowest = p.target, t.slowest_start = started, t.slowest_end = ended;
            if (!error.empty()) ++t.failures;
            if (!error.empty() && t.errors.size() < 20) t.errors.push_back(p.target + ": " + error);
            if (error.empty() && p.target == probes[0].target)
                t.versions_seen.insert(json::parse(reply.body)["numberMatched"].get<long>());
            if (!error.empty() || reply.headers["connection"] == "close") {
                conn = std::make_unique<connection>(port);
                ++t.reconnects;
            }
        }
    };
    auto const started = clock_type::now();
    struct joined {  // the clients stop and are joined however the test ends
        std::atomic<bool>& stop;
        std::vector<std::thread> threads;
        ~joined() {
            stop = true;
            for (auto& c : threads) c.join();
        }
    } clients{stop, {}};
    for (std::size_t i = 0; i < 4; ++i) clients.threads.emplace_back(client, i * 3);

    // Five swaps, each to the other set, under the clients' requests.
    std::vector<std::pair<clock_type::time_point, clock_type::time_point>> reloading;  // SIGHUP to seen done
    for (std::uint64_t n = 1; n <= 5; ++n) {
        std::this_thread::sleep_for(milliseconds(500));
        copy.move_in(n % 2 == 1 ? rubber_set : full_set);
        auto const asked = clock_type::now();
        ASSERT_TRUE(server.signal(SIGHUP));
        auto const h = wait_for_reloads(port, n);
        reloading.emplace_back(asked, clock_type::now());
        ASSERT_GE(reloads(h), n);
        EXPECT_EQ(h["reload"]["outcome"], "ok") << h.dump();
    }
    while (clock_type::now() - started < seconds(8)) std::this_thread::sleep_for(milliseconds(100));
    stop = true;
    for (auto& c : clients.threads) c.join();
    clients.threads.clear();

    std::ostringstream errors;
    for (auto const& e : t.errors) errors << "\n  " << e;
    EXPECT_EQ(t.failures, 0) << "failed requests (the first 20):" << errors.str();
    EXPECT_EQ(t.reconnects, 0) << "connections were closed or broken";
    EXPECT_GT(t.requests, 200) << "too few requests to say anything about the swaps";
    EXPECT_EQ(t.versions_seen, (std::set<long>{all, rubber_count})) << "both sets should have been served";
    EXPECT_EQ(matched(port), rubber_count);  // five swaps: the Rubber set is the last one
    EXPECT_TRUE(server.running());

    std::sort(t.ms.begin(), t.ms.end());
    auto percentile = [&t](double q) {
        return t.ms.empty() ? 0.0 : t.ms[static_cast<std::size_t>(q * (t.ms.size() - 1))];
    };
    bool const slowest_in_reload = std::any_of(reloading.begin(), reloading.end(), [&t](auto const& w) {
        return t.slowest_start < w.second && t.slowest_end > w.first;
    });
    ::testing::Test::RecordProperty("requests", static_cast<int>(t.requests));
    ::testing::Test::RecordProperty("p99_ms", std::to_string(percentile(0.99)));
    ::testing::Test::RecordProperty("slowest_ms", std::to_string(t.slowest_ms));
    ::testing::Test::RecordProperty("slowest_target", t.slowest);
    std::cout << "[ reload_e2e ] " << t.requests << " requests on 4 keep-alive connections across 5 swaps; p50 "
              << percentile(0.5) << " ms, p99 " << percentile(0.99) << " ms, slowest " << t.slowest_ms << " ms ("
              << t.slowest << ", " << (slowest_in_reload ? "during a reload" : "between reloads") << ")" << std::endl;
}

}  // namespace
