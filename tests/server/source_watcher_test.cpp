// source_watcher on real files in a scratch folder: which changes fire, and
// that a burst of them fires once, `settle` after the last.

#include "server/source_watcher.hpp"
#include "tests/support/test_support.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using server::source_watcher;

// Short, so the suite stays fast; long enough that a busy machine does not
// split a burst (the writes of a burst come within a few milliseconds).
constexpr auto settle = 200ms;
// How long to wait for a call that should come, and to be sure that one
// that should not has not (several settles).
constexpr auto patience = 5s;
constexpr auto quiet = 3 * settle;

// Records each on_change, for the test thread to wait on.
class calls {
public:
    std::function<void()> recorder() {
        return [this] {
            std::lock_guard lock(mutex_);
            at_.push_back(clock_type::now());
            changed_.notify_all();
        };
    }
    // Waits until there have been n calls or `limit` passes; the count.
    std::size_t wait_for(std::size_t n, clock_type::duration limit) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, limit, [&] { return at_.size() >= n; });
        return at_.size();
    }
    std::size_t count() {
        std::lock_guard lock(mutex_);
        return at_.size();
    }
    clock_type::time_point first() {
        std::lock_guard lock(mutex_);
        return at_.at(0);
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<clock_type::time_point> at_;
};

void write_file(fs::path const& p, std::string const& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << p;
}

TEST(source_watcher, a_file_rewritten_in_place_fires_once) {
    test::scratch_dir dir;
    write_file(dir / "a.geojson", "old");
    calls c;
    source_watcher w({dir / "a.geojson"}, settle, c.recorder());
    write_file(dir / "a.geojson", "new");  // truncate, write, close: three events
    EXPECT_EQ(c.wait_for(1, patience), 1u);
    EXPECT_EQ(c.wait_for(2, quiet), 1u) << "one change, one call";
}

TEST(source_watcher, a_file_replaced_by_mv_fires_and_the_new_one_is_watched) {
    test::scratch_dir dir;
    write_file(dir / "a.shp", "old");
    calls c;
    source_watcher w({dir / "a.shp"}, settle, c.recorder());
    write_file(dir / "a.shp.tmp", "new");  // not a part of a.shp: no call for it
    fs::rename(dir / "a.shp.tmp", dir / "a.shp");
    EXPECT_EQ(c.wait_for(1, patience), 1u);
    EXPECT_EQ(c.wait_for(2, quiet), 1u);
    write_file(dir / "a.shp", "newer");  // the file that came in by mv
    EXPECT_EQ(c.wait_for(2, patience), 2u);
}

TEST(source_watcher, a_burst_of_writes_to_a_shapefiles_parts_fires_once_settle_after_the_last) {
    test::scratch_dir dir;
    for (char const* part : {"x.shp", "x.shx", "x.dbf"}) write_file(dir / part, "old");
    calls c;
    source_watcher w({dir / "x.shp"}, settle, c.recorder());
    write_file(dir / "x.shp", "new");
    std::this_thread::sleep_for(20ms);
    write_file(dir / "x.shx", "new");
    std::this_thread::sleep_for(20ms);
    write_file(dir / "x.dbf", "new");
    write_file(dir / "x.PRJ", "new");  // a sidecar's extension in any case
    auto const last = clock_type::now();
    write_file(dir / "x.cpg", "UTF-8");
    ASSERT_EQ(c.wait_for(1, patience), 1u);
    EXPECT_EQ(c.wait_for(2, quiet), 1u) << "a burst within the settle time is one change";
    EXPECT_GE(c.first() - last, settle) << "the call came before the last write had settled";
}

TEST(source_watcher, each_sidecar_of_a_shapefile_alone_fires) {
    test::scratch_dir dir;
    write_file(dir / "x.shp", "x");
    calls c;
    source_watcher w({dir / "x.shp"}, settle, c.recorder());
    std::size_t expected = 0;
    for (char const* part : {"x.shx", "x.DBF", "x.prj", "x.Cpg"}) {
        write_file(dir / part, "new");
        EXPECT_EQ(c.wait_for(++expected, patience), expected) << part;
    }
}

TEST(source_watcher, other_files_in_the_same_folder_do_not_fire) {
    test::scratch_dir dir;
    write_file(dir / "x.shp", "x");
    write_file(dir / "catalog.json", "{}");
    calls c;
    source_watcher w({dir / "x.shp", dir / "catalog.json"}, settle, c.recorder());
    for (char const* other : {"y.shp", "xx.dbf", "x.shp.bak", "x.txt", "X.dbf", "catalog.dbf", "catalog.json~"})
        write_file(dir / other, "other");
    fs::rename(dir / "y.shp", dir / "z.shp");
    fs::remove(dir / "xx.dbf");
    fs::create_directory(dir / "sub");
    write_file(dir / "sub" / "x.shp", "elsewhere");
    { std::ifstream read(dir / "x.shp"); }  // reading is no change
    EXPECT_EQ(c.wait_for(1, quiet), 0u);
}

TEST(source_watcher, deleting_and_making_a_file_again_fires) {
    test::scratch_dir dir;
    write_file(dir / "a.shp", "old");
    write_file(dir / "a.dbf", "old");
    calls c;
    source_watcher w({dir / "a.shp"}, settle, c.recorder());
    fs::remove(dir / "a.shp");
    fs::remove(dir / "a.dbf");
    write_file(dir / "a.shp", "new");
    write_file(dir / "a.dbf", "new");
    EXPECT_EQ(c.wait_for(1, patience), 1u);
    EXPECT_EQ(c.wait_for(2, quiet), 1u);
    fs::remove(dir / "a.shp");  // gone for longer than the settle time: a call for each
    EXPECT_EQ(c.wait_for(2, patience), 2u);
    write_file(dir / "a.shp", "back");
    EXPECT_EQ(c.wait_for(3, patience), 3u);
}

TEST(source_watcher, a_file_that_did_not_exist_fires_when_it_comes) {
    test::scratch_dir dir;
    calls c;
    source_watcher w({dir / "later.gpkg"}, settle, c.recorder());
    write_file(dir / "later.gpkg", "here");
    EXPECT_EQ(c.wait_for(1, patience), 1u);
}

TEST(source_watcher, a_symbolic_link_is_watched_through_to_its_target) {
    test::scratch_dir dir;
    fs::create_directory(dir / "store");
    fs::create_directory(dir / "live");
    write_file(dir / "store" / "a.geojson", "old");
    fs::create_symlink(dir / "store" / "a.geojson", dir / "live" / "a.geojson");
    calls c;
    source_watcher w({dir / "live" / "a.geojson"}, settle, c.recorder());
    write_file(dir / "store" / "a.geojson", "new");  // nothing happens in live/ itself
    EXPECT_EQ(c.wait_for(1, patience), 1u);
}

TEST(source_watcher, a_folder_swapped_for_another_fires_and_the_new_one_is_watched) {
    test::scratch_dir dir;
    fs::create_directory(dir / "data");
    fs::create_directory(dir / "data.new");
    write_file(dir / "data" / "a.shp", "old");
    write_file(dir / "data.new" / "a.shp", "new");
    calls c;
    source_watcher w({dir / "data" / "a.shp"}, settle, c.recorder());
    fs::rename(dir / "data", dir / "data.old");
    fs::rename(dir / "data.new", dir / "data");
    EXPECT_EQ(c.wait_for(1, patience), 1u);
    EXPECT_EQ(c.wait_for(2, quiet), 1u);
    write_file(dir / "data.old" / "a.shp", "stale");  // what was swapped out is no longer watched
    EXPECT_EQ(c.wait_for(2, quiet), 1u);
    write_file(dir / "data" / "a.shp", "newer");
    EXPECT_EQ(c.wait_for(2, patience), 2u);
}

TEST(source_watcher, the_destructor_returns_at_once_while_a_change_is_settling) {
    test::scratch_dir dir;
    write_file(dir / "a.shp", "old");
    calls c;
    std::optional<source_watcher> w;
    w.emplace(std::vector<fs::path>{dir / "a.shp"}, std::chrono::milliseconds(60'000), c.recorder());
    write_file(dir / "a.shp", "new");
    std::this_thread::sleep_for(100ms);  // the watcher has seen it and waits for it to settle
    auto const started = clock_type::now();
    w.reset();
    EXPECT_LT(clock_type::now() - started, 500ms);
    EXPECT_EQ(c.count(), 0u) << "a change still settling is dropped";
}

TEST(source_watcher, a_folder_that_does_not_exist_is_an_error_naming_it) {
    test::scratch_dir dir;
    fs::path const missing = dir / "no-such-folder";
    try {
        source_watcher w({missing / "a.shp"}, settle, [] {});
        FAIL() << "no exception";
    } catch (std::system_error const& e) {
        EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
        EXPECT_TRUE(e.code() == std::errc::no_such_file_or_directory) << e.what();
    }
}

TEST(source_watcher, a_folder_given_as_a_source_counts_whole) {
    test::scratch_dir dir;
    fs::create_directories(dir / "layers");
    write_file(dir / "layers" / "a.geojson", "old");
    write_file(dir / "other.txt", "beside the folder");
    calls c;
    source_watcher w({dir / "layers"}, settle, c.recorder());
    write_file(dir / "other.txt", "changed");  // beside it, not in it
    EXPECT_EQ(c.wait_for(1, quiet), 0u);
    write_file(dir / "layers" / "b.geojson", "a new layer");
    EXPECT_EQ(c.wait_for(1, patience), 1u);
    write_file(dir / "layers" / "a.geojson", "new");
    EXPECT_EQ(c.wait_for(2, patience), 2u);
    fs::remove(dir / "layers" / "b.geojson");
    EXPECT_EQ(c.wait_for(3, patience), 3u);
}

}  // namespace
