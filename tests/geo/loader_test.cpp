// The loader's view of sources without loading them: what to watch, whether
// to poll, and the data version of files (PostGIS: postgis_source_test).

#include "geo/loader.hpp"
#include "geo/vector_reader.hpp"

#include "tests/support/test_support.hpp"

#include <algorithm>
#include <fstream>

namespace {

namespace fs = std::filesystem;

fs::path sample_dir() { return test::source_dir() / "data/sample"; }

bool contains(std::vector<fs::path> const& paths, fs::path const& p) {
    return std::find(paths.begin(), paths.end(), p) != paths.end();
}

}  // namespace

TEST(loader, watched_paths_are_catalogs_files_with_their_sidecars_and_provinces_but_no_database) {
    test::scratch_dir dir;
    fs::path const catalog = dir / "c.json";
    std::ofstream(catalog) << R"({"provinces": {"source": "p.shp"}, "collections": [
        {"id": "elc", "source": "elc.shp"}, {"id": "mines", "source": "mines.geojson"},
        {"id": "db", "source": "PG:dbname=odc", "layer": "elc"}]})";
    auto const watched = geo::watched_paths({catalog.string()}, {});
    fs::path const root = fs::absolute(catalog).parent_path();
    for (fs::path const& p : {catalog, root / "elc.shp", root / "elc.shx", root / "elc.dbf", root / "elc.prj",
                              root / "elc.cpg", root / "mines.geojson", root / "p.shp", root / "p.dbf"})
        EXPECT_TRUE(contains(watched, p)) << p << " is not watched";
    EXPECT_FALSE(contains(watched, root / "mines.dbf"));
    for (auto const& p : watched) EXPECT_EQ(p.string().find("PG:"), std::string::npos) << p;
    EXPECT_TRUE(geo::has_database_sources({catalog.string()}, {}));

    // A directory given as a source is watched itself: a new file in it is a new collection.
    auto const from_dir = geo::watched_paths({sample_dir().string()}, {});
    EXPECT_TRUE(contains(from_dir, sample_dir()));
    EXPECT_TRUE(contains(from_dir, sample_dir() / "synthetic_concessions.dbf"));
    EXPECT_FALSE(geo::has_database_sources({sample_dir().string()}, {}));

    geo::load_options with_provinces;
    with_provinces.provinces_path = "/somewhere/Provinces.shp";
    EXPECT_TRUE(contains(geo::watched_paths({"PG:dbname=odc"}, with_provinces), "/somewhere/Provinces.prj"));
    EXPECT_TRUE(geo::has_database_sources({"PG:dbname=odc"}, {}));
}

TEST(loader, current_version_is_the_loaded_version_until_a_file_changes) {
    test::scratch_dir dir;
    for (auto const& entry : fs::directory_iterator(sample_dir()))
        if (entry.path().stem() == "synthetic_concessions") fs::copy(entry.path(), dir / entry.path().filename());
    std::vector<std::string> const sources = {(dir / "synthetic_concessions.shp").string()};
    geo::snapshot const snap = geo::load(sources, {});
    ASSERT_TRUE(snap.failures.empty());
    std::string const v0 = geo::current_version(sources, {});
    EXPECT_EQ(v0, snap.version);
    EXPECT_EQ(geo::current_version(sources, {}), v0);

    // A sidecar alone: a new .cpg changes how the text reads.
    fs::path const cpg = dir / "synthetic_concessions.cpg";
    fs::remove(cpg);
    std::string const without_cpg = geo::current_version(sources, {});
    EXPECT_NE(without_cpg, v0);
    std::ofstream(cpg) << "UTF-8";
    fs::last_write_time(cpg, fs::last_write_time(cpg) + std::chrono::seconds(5));
    EXPECT_NE(geo::current_version(sources, {}), without_cpg);

    // A catalog's edits count too (roles, titles), not only its layers'.
    fs::path const catalog = dir / "c.json";
    std::ofstream(catalog) << R"({"collections": [{"id": "a", "source": "synthetic_concessions.shp"}]})";
    std::string const c0 = geo::current_version({catalog.string()}, {});
    std::ofstream(catalog)
        << R"({"collections": [{"id": "a", "title": "Renamed", "source": "synthetic_concessions.shp"}]})";
    fs::last_write_time(catalog, fs::last_write_time(catalog) + std::chrono::seconds(5));
    EXPECT_NE(geo::current_version({catalog.string()}, {}), c0);
}

TEST(loader, an_unreadable_catalog_still_has_a_version_and_is_watched) {
    test::scratch_dir dir;
    fs::path const catalog = dir / "broken.json";
    std::ofstream(catalog) << R"({"collections": [{"id": "x"}]})";  // no source
    std::string version;
    ASSERT_NO_THROW(version = geo::current_version({catalog.string()}, {}));
    EXPECT_EQ(geo::load({catalog.string()}, {}).version, version);
    EXPECT_TRUE(contains(geo::watched_paths({catalog.string()}, {}), catalog));
}

TEST(vector_reader, database_sources_are_shown_without_their_password) {
    EXPECT_TRUE(geo::is_database_source("PG:dbname=odc"));
    EXPECT_TRUE(geo::is_database_source("pg:dbname=odc"));
    EXPECT_FALSE(geo::is_database_source("PGdata/elc.shp"));
    EXPECT_FALSE(geo::is_database_source("/data/PG:x.shp"));
    EXPECT_EQ(geo::source_label("PG:host=db password=s3cret user=me"), "PG:host=db password=*** user=me");
    // libpq's quoting: \' and \\ inside single quotes.
    EXPECT_EQ(geo::source_label("PG:host=db password = 'it\\'s a \\\\ secret' dbname=odc"),
              "PG:host=db password = *** dbname=odc");
    EXPECT_EQ(geo::source_label("PG:dbname=odc user=me"), "PG:dbname=odc user=me");
    EXPECT_EQ(geo::source_label("PG:postgresql://me:s3cret@db:5432/odc?sslmode=require&password=x"),
              "PG:postgresql://me:***@db:5432/odc?sslmode=require&password=***");
    EXPECT_EQ(geo::source_label("/data/elc.shp"), "/data/elc.shp");
}
