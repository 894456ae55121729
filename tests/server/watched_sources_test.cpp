// Reloads on file changes, following the sources as the catalog names them
// now, in process (no sockets): a live dataset of a catalog in a scratch
// folder, watched through server::watched_sources. Counts come from GDAL.

#include "geo/loader.hpp"
#include "server/watched_sources.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path sample(std::string const& name) { return test::source_dir() / "data/sample" / name; }

long ogr_count(fs::path const& file) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(file.string()));
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(Feature Count: (\d+))"))) << r.out << r.err;
    return m.empty() ? -1 : std::stol(m[1]);
}

// A shapefile set at `to` (folder made), from the sample, filtered by `where`.
void write_set(fs::path const& to, std::string const& where = {}) {
    fs::path const aside = to.parent_path() / (".aside-" + to.stem().string());
    fs::remove_all(aside);
    fs::create_directories(aside);
    auto const r = test::run("ogr2ogr -f 'ESRI Shapefile' " + (where.empty() ? "" : "-where " + test::quote(where) + " ") +
                             test::quote((aside / to.filename()).string()) + " " + test::quote(sample("synthetic_concessions.shp").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    fs::create_directories(to.parent_path());
    for (auto const& f : fs::directory_iterator(aside)) fs::rename(f.path(), to.parent_path() / f.path().filename());
    fs::remove_all(aside);
}

struct catalog_folder {
    test::scratch_dir dir;
    fs::path catalog = dir / "catalog.json";
    nlohmann::json doc = {{"title", "test"}, {"collections", nlohmann::json::array()}};

    void add(std::string const& id, std::string const& source) {
        doc["collections"].push_back({{"id", id}, {"source", source}});
        std::ofstream(catalog) << doc.dump();
    }
    std::vector<std::string> sources() const { return {catalog.string()}; }
};

struct watched {
    explicit watched(catalog_folder const& c)
        : sources(c.sources()),
          data(geo::dataset::load(sources, {}, {}), [this] { return geo::dataset::load(sources, {}, {}); }) {}
    void watch() {
        files = std::make_unique<server::watched_sources>(
            data, [this] { return geo::watched_paths(sources, {}); }, [this] { return geo::current_version(sources, {}); }, 150ms);
    }
    // Waits (at most 10 s) until `reloads` reloads have finished.
    server::reload_status wait_for_reloads(std::uint64_t reloads) {
        auto const deadline = std::chrono::steady_clock::now() + 10s;
        while (data.status().reloads < reloads && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
        data.wait_idle();
        return data.status();
    }
    std::size_t count(std::string const& id) const {
        auto const* c = data.current()->find(id);
        return c ? c->features.size() : 0;
    }

    std::vector<std::string> sources;
    server::live_dataset data;
    std::unique_ptr<server::watched_sources> files;
};

TEST(watched_sources, a_layer_the_catalog_gains_is_watched_after_the_reload_that_adds_it) {
    catalog_folder c;
    write_set(c.dir / "a" / "one.shp");
    c.add("one", "a/one.shp");
    watched w(c);
    w.watch();
    ASSERT_TRUE(w.files->watching());

    write_set(c.dir / "b" / "two.shp");
    c.add("two", "b/two.shp");  // the catalog changes: a reload, which loads "two"
    auto status = w.wait_for_reloads(1);
    ASSERT_EQ(status.outcome, "ok") << status.message;
    EXPECT_EQ(w.count("two"), static_cast<std::size_t>(ogr_count(c.dir / "b" / "two.shp")));

    write_set(c.dir / "b" / "two.shp", "Purpose = 'Rubber'");  // only watched if the watcher followed the catalog
    status = w.wait_for_reloads(2);
    ASSERT_EQ(status.reloads, 2u) << "the new layer's files were not watched";
    EXPECT_EQ(status.outcome, "ok") << status.message;
    EXPECT_EQ(w.count("two"), static_cast<std::size_t>(ogr_count(c.dir / "b" / "two.shp")));
}

TEST(watched_sources, a_source_whose_folder_is_missing_leaves_the_others_watched) {
    catalog_folder c;
    write_set(c.dir / "a" / "one.shp");
    c.add("one", "a/one.shp");
    c.add("later", "not-yet/later.shp");  // fails to load, and cannot be watched
    watched w(c);
    w.watch();
    ASSERT_TRUE(w.files->watching());
    write_set(c.dir / "a" / "one.shp", "Purpose = 'Rubber'");
    auto const status = w.wait_for_reloads(1);
    EXPECT_EQ(status.outcome, "ok") << status.message;
    EXPECT_EQ(w.count("one"), static_cast<std::size_t>(ogr_count(c.dir / "a" / "one.shp")));
}

TEST(watched_sources, a_change_made_before_watching_began_is_loaded) {
    catalog_folder c;
    write_set(c.dir / "a" / "one.shp");
    c.add("one", "a/one.shp");
    watched w(c);  // loaded...
    write_set(c.dir / "a" / "one.shp", "Purpose = 'Rubber'");  // ...changed while no watcher ran...
    w.watch();  // ...and seen when watching begins
    auto const status = w.wait_for_reloads(1);
    EXPECT_EQ(status.outcome, "ok") << status.message;
    EXPECT_EQ(w.count("one"), static_cast<std::size_t>(ogr_count(c.dir / "a" / "one.shp")));
}

}  // namespace
