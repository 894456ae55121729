#pragma once
// Shared by the tests: where the data is, running commands (the project's
// binary and GDAL/PROJ oracles), and scratch directories.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace test {

// The repository checkout.
std::filesystem::path source_dir();

// ../shared/data, or $CONCESSIONS_SHARED_DATA when set.
std::filesystem::path shared_data_dir();
bool have_shared_data();

// The built `concessions` executable.
std::string concessions_binary();

struct command_result {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};
// Runs `command` through /bin/sh; stdin is /dev/null.
command_result run(std::string const& command);

// Single-quotes for /bin/sh.
std::string quote(std::string const& s);

// A file's bytes ("" when it cannot be read).
std::string slurp(std::filesystem::path const& p);

// GDAL as the oracle: the rows of `sql` (SQLite/SpatiaLite dialect) run by
// ogr2ogr on `datasource`, header row first. Fails the test on error.
using csv_rows = std::vector<std::vector<std::string>>;
csv_rows sqlite_oracle(std::filesystem::path const& datasource, std::string const& sql);

// A GeoPackage at `gpkg` holding `layer` as table "features" (its FID kept
// as src_fid, invalid rings repaired by ogr2ogr -makevalid) and the NIS
// 2008 provinces as table "provinces", both in UTM 48N: the SpatiaLite
// province overlay the tests ask with sqlite_oracle. Fails the test on error.
void overlay_geopackage(std::filesystem::path const& gpkg, std::filesystem::path const& layer);

// The NIS 2008 census province boundaries under shared_data_dir().
std::filesystem::path provinces_shp();

// RFC 4180 CSV as written by GDAL's CSV driver.
csv_rows parse_csv(std::string const& text);

// Fails the test (at scope exit) when it took longer than `limit`: each
// test stays well inside ctest's budget. time_bound bound{seconds(120)}.
struct time_bound {
    std::chrono::seconds limit{60};
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    ~time_bound() {
        double const took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_LT(took, static_cast<double>(limit.count())) << "test took " << took << " s";
    }
};

// A fresh directory removed with its contents at scope exit.
class scratch_dir {
public:
    scratch_dir();
    ~scratch_dir();
    scratch_dir(scratch_dir const&) = delete;
    scratch_dir& operator=(scratch_dir const&) = delete;
    std::filesystem::path const& path() const { return path_; }
    std::filesystem::path operator/(std::string const& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace test

// Skips (loudly) a test that needs the real Open Development Cambodia layers.
#define REQUIRE_SHARED_DATA()                                                                                  \
    do {                                                                                                       \
        if (!::test::have_shared_data())                                                                       \
            GTEST_SKIP() << "SKIPPED: real ODC data not found at " << ::test::shared_data_dir()                \
                         << " (set CONCESSIONS_SHARED_DATA to the folder holding odc-elc/, odc-mining/, ...)"; \
    } while (0)
