// End to end: `concessions info` on inputs that are damaged, incomplete or
// odd. Each test builds its fixture in a scratch directory from the bundled
// sample (or with ogr2ogr), runs the real binary and checks the exit status
// and the message documented in docs/errors.md. GDAL's own tools are the
// oracle for feature counts.

#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
using test::slurp;
using json = nlohmann::json;

// The exit statuses documented in README.md and server/commands.hpp.
constexpr int exit_ok = 0;
constexpr int exit_load_failed = 1;
constexpr int exit_usage = 2;

fs::path sample_dir() { return test::source_dir() / "data" / "sample"; }
fs::path sample_shp() { return sample_dir() / "synthetic_concessions.shp"; }

// Copies the sample concession shapefile set into `dir` as `stem`.*, without
// the members whose extensions are in `leave_out`; returns the new .shp.
fs::path copy_sample(fs::path const& dir, std::string const& stem, std::set<std::string> const& leave_out = {}) {
    for (std::string ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
        if (!leave_out.count(ext)) fs::copy_file(sample_dir() / ("synthetic_concessions" + ext), dir / (stem + ext));
    return dir / (stem + ".shp");
}

test::command_result concessions(std::string const& args) {
    return test::run(test::quote(test::concessions_binary()) + " " + args);
}

test::command_result info(std::string const& args) { return concessions("info " + args); }

// stdout of `info --json` as JSON; an empty object (and a failure) when it is not.
json parse_json(test::command_result const& r) {
    json j = json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        ADD_FAILURE() << "not a JSON object on stdout:\n" << r.out << "\nstderr:\n" << r.err;
        return json::object();
    }
    return j;
}

// The oracle: the feature count `ogrinfo -so` reports for the file's one layer.
long ogrinfo_count(fs::path const& path) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(path.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto const at = r.out.find("Feature Count: ");
    EXPECT_NE(at, std::string::npos) << r.out;
    return at == std::string::npos ? -1 : std::stol(r.out.substr(at + 15));
}

// The oracle for other counts: an integer column of a one-row SQLite-dialect query.
long ogr_sql_integer(fs::path const& path, std::string const& sql, std::string const& column) {
    auto const r = test::run("ogrinfo -ro -q -dialect SQLite -sql " + test::quote(sql) + " " + test::quote(path.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string const label = column + " (Integer) = ";
    auto const at = r.out.find(label);
    EXPECT_NE(at, std::string::npos) << r.out;
    return at == std::string::npos ? -1 : std::stol(r.out.substr(at + label.size()));
}

void write_file(fs::path const& p, std::string const& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// Pseudo-random (but repeatable) bytes, so a failure can be reproduced.
std::string noise(std::size_t size, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> byte(0, 255);
    std::string s(size, '\0');
    for (auto& c : s) c = static_cast<char>(byte(gen));
    return s;
}

std::string const no_crs_message = "declares no coordinate reference system";

// --- 1. no .prj ---------------------------------------------------------------

TEST(info_command, shapefile_without_prj_names_the_file_and_asks_for_crs) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_prj", {".prj"});

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + shp.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(no_crs_message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--crs EPSG:"), std::string::npos) << r.err;
}

TEST(info_command, shapefile_without_prj_loads_with_crs_option) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_prj", {".prj"});

    auto const r = info("--json --crs EPSG:32648 " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    EXPECT_EQ(r.err.find(no_crs_message), std::string::npos) << r.err;
    json const j = parse_json(r);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
    auto const& c = j["collections"][0];
    EXPECT_EQ(c["feature_count"].get<long>(), ogrinfo_count(shp));
    EXPECT_EQ(c["source_crs"], "EPSG:32648");
    EXPECT_TRUE(j["failures"].empty()) << j["failures"];
}

TEST(info_command, wrong_crs_that_leaves_coordinates_off_the_earth_is_refused) {
    // The sample is in UTM metres; read as degrees it would "load" with a
    // longitude of 400,000.
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_prj", {".prj"});

    auto const r = info("--crs EPSG:4326 " + test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + shp.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not longitude/latitude once read as EPSG:4326"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--crs EPSG:"), std::string::npos) << r.err;
}

TEST(info_command, crs_proj_does_not_know_is_refused) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_prj", {".prj"});

    auto const r = info("--crs EPSG:999999 " + test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + shp.string() + " (layer 'no_prj'): PROJ does not understand the CRS "
                         "'EPSG:999999'"),
              std::string::npos)
        << r.err;
}

// --- 2. truncated .shp ----------------------------------------------------------

TEST(info_command, truncated_shp_fails_cleanly_with_the_file_named) {
    // Cut at several points: inside the 100-byte header, just after it, and
    // part way through the shapes. Exit status 1 exactly: a crash is not 1.
    for (double const share : {0.0, 0.0004, 0.2, 0.6, 0.99}) {
        SCOPED_TRACE("kept " + std::to_string(share) + " of the .shp");
        test::scratch_dir dir;
        fs::path const shp = copy_sample(dir.path(), "truncated");
        fs::resize_file(shp, static_cast<std::uintmax_t>(static_cast<double>(fs::file_size(shp)) * share));

        auto const r = info(test::quote(shp.string()));
        EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
        EXPECT_NE(r.err.find("concessions: error: " + shp.string()), std::string::npos) << r.err;
        bool const says_why = r.err.find("truncated or corrupt") != std::string::npos ||
                              r.err.find("unreadable, or corrupt") != std::string::npos ||
                              r.err.find("cannot open it") != std::string::npos;
        EXPECT_TRUE(says_why) << r.err;
    }
}

TEST(info_command, shp_cut_part_way_through_says_truncated) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "truncated");
    fs::resize_file(shp, fs::file_size(shp) * 6 / 10);

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find(shp.string() + " (layer 'truncated'): the .shp file is truncated or corrupt"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("restore the file from the original set"), std::string::npos) << r.err;
}

// --- 3. missing .shx --------------------------------------------------------------

TEST(info_command, missing_shx_says_how_to_restore_it) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_shx", {".shx"});

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + shp.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no_shx.shx"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the .shx index is missing or unreadable"), std::string::npos) << r.err;

    // The advice must work: run the quoted command and load what it writes.
    auto const open = r.err.find('`');
    auto const close = r.err.find('`', open + 1);
    ASSERT_NE(close, std::string::npos) << "no `command` in: " << r.err;
    std::string const advice = r.err.substr(open + 1, close - open - 1);
    EXPECT_NE(advice.find("SHAPE_RESTORE_SHX YES"), std::string::npos) << advice;
    auto const fixed = test::run("cd " + test::quote(dir.path().string()) + " && " + advice);
    ASSERT_EQ(fixed.exit_code, 0) << advice << ": " << fixed.err;

    auto const again = info("--json " + test::quote((dir / "fixed.shp").string()));
    ASSERT_EQ(again.exit_code, exit_ok) << again.err;
    json const j = parse_json(again);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << again.out;
    EXPECT_EQ(j["collections"][0]["feature_count"].get<long>(), ogrinfo_count(sample_shp()));
}

TEST(info_command, truncated_shx_gets_the_same_advice) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "short_shx");
    fs::resize_file(dir / "short_shx.shx", fs::file_size(dir / "short_shx.shx") / 2);

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + shp.string() + ": cannot open it"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("the .shx index is missing or unreadable"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("SHAPE_RESTORE_SHX YES fixed.shp " + shp.string()), std::string::npos) << r.err;
}

// --- 4. damaged or missing .dbf -------------------------------------------------

// GDAL itself opens such a shapefile as geometry only, silently dropping every
// attribute; concessions refuses it instead.
TEST(info_command, garbage_dbf_is_refused_not_read_as_geometry_only) {
    // Random bytes sometimes make a header GDAL accepts (then a record read
    // fails) and sometimes not (then GDAL drops the table): both must fail.
    for (unsigned seed = 1; seed <= 8; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        test::scratch_dir dir;
        fs::path const shp = copy_sample(dir.path(), "garbage_dbf");
        fs::path const dbf = dir / "garbage_dbf.dbf";
        write_file(dbf, noise(fs::file_size(dbf), seed));

        auto const r = info(test::quote(shp.string()));
        EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
        EXPECT_NE(r.err.find("concessions: error: " + shp.string()), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(".dbf"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("restore the"), std::string::npos) << r.err;
    }
}

TEST(info_command, zero_length_dbf_is_refused) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "empty_dbf");
    fs::path const dbf = dir / "empty_dbf.dbf";
    fs::resize_file(dbf, 0);

    auto const r = info("--json " + test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("its attribute table " + dbf.string() +
                         " cannot be read: it is empty, truncated or not a dBASE file"),
              std::string::npos)
        << r.err;
    json const j = parse_json(r);
    EXPECT_TRUE(j["collections"].empty()) << j["collections"];
    ASSERT_EQ(j.value("failures", json::array()).size(), 1u) << r.out;
    EXPECT_EQ(j["failures"][0]["source"], shp.string());
}

TEST(info_command, dbf_cut_short_is_refused) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "short_dbf");
    fs::path const dbf = dir / "short_dbf.dbf";
    fs::resize_file(dbf, fs::file_size(dbf) * 6 / 10);

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find(shp.string() + " (layer 'short_dbf'): the .dbf file is truncated or corrupt"),
              std::string::npos)
        << r.err;
}

TEST(info_command, dbf_with_fewer_records_than_shapes_is_refused) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "few_records");
    fs::path const subset = dir / "subset.shp";
    auto const made = test::run("ogr2ogr -where 'FID < 100' " + test::quote(subset.string()) + " " +
                                test::quote(sample_shp().string()));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    fs::copy_file(dir / "subset.dbf", dir / "few_records.dbf", fs::copy_options::overwrite_existing);

    auto const r = info(test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find(shp.string() + " (layer 'few_records'): the file is truncated or corrupt: read " +
                         std::to_string(ogrinfo_count(subset)) + " of the " + std::to_string(ogrinfo_count(shp)) +
                         " features its index announces"),
              std::string::npos)
        << r.err;
}

TEST(info_command, missing_dbf_loads_geometry_with_a_warning) {
    test::scratch_dir dir;
    fs::path const shp = copy_sample(dir.path(), "no_dbf", {".dbf", ".cpg"});

    auto const r = info("--json " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    json const j = parse_json(r);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
    auto const& c = j["collections"][0];
    EXPECT_EQ(c["feature_count"].get<long>(), ogrinfo_count(sample_shp()));
    EXPECT_TRUE(c["fields"].empty());
    auto const& w = c["warnings"];
    EXPECT_NE(std::find(w.begin(), w.end(), "no .dbf beside the .shp: the features have no attributes"), w.end()) << w;
}

// --- 5. empty layer ---------------------------------------------------------------

TEST(info_command, empty_layer_loads_with_a_warning) {
    test::scratch_dir dir;
    fs::path const shp = dir / "empty.shp";
    auto const made = test::run("ogr2ogr -where '1=0' " + test::quote(shp.string()) + " " +
                                test::quote(sample_shp().string()));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_EQ(ogrinfo_count(shp), 0);

    auto const text = info(test::quote(shp.string()));
    EXPECT_EQ(text.exit_code, exit_ok) << text.err;
    EXPECT_NE(text.out.find("warning: the layer has no features"), std::string::npos) << text.out;

    auto const r = info("--json " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    json const j = parse_json(r);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
    auto const& c = j["collections"][0];
    EXPECT_EQ(c["feature_count"], 0);
    EXPECT_TRUE(c["extent"].is_null()) << c["extent"];
    EXPECT_FALSE(c["fields"].empty()) << "the schema survives";
    EXPECT_EQ(c["warnings"], json::array({"the layer has no features"}));
    EXPECT_TRUE(j["failures"].empty()) << j["failures"];
}

// --- 6. text that is not UTF-8 ---------------------------------------------------

class info_command_mislabelled_encoding : public ::testing::Test {
protected:
    // Written as Latin-1 by GDAL, then labelled UTF-8 by a .cpg: the usual
    // way shapefiles from desktop GIS arrive.
    void SetUp() override {
        write_file(dir / "latin.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Société Générale Ltd", "company": "Café Crème"},
  "geometry": {"type": "Point", "coordinates": [104.92, 11.56]}},
 {"type": "Feature", "properties": {"name": "Angkor Plantation", "company": "Plain Co"},
  "geometry": {"type": "Point", "coordinates": [103.86, 13.41]}}]})");
        auto const made = test::run("ogr2ogr -lco ENCODING=LATIN1 " + test::quote(shp.string()) + " " +
                                    test::quote((dir / "latin.geojson").string()));
        ASSERT_EQ(made.exit_code, 0) << made.err;
        // The fixture really holds Latin-1: "Soci\xe9t\xe9", not UTF-8's "Soci\xc3\xa9t\xc3\xa9".
        ASSERT_NE(slurp(dir / "latin.dbf").find("Soci\xe9t\xe9 G\xe9n\xe9rale Ltd"), std::string::npos);
        write_file(dir / "latin.cpg", "UTF-8");
    }

    static constexpr int non_ascii_values = 2;  // "Société Générale Ltd", "Café Crème"
    test::scratch_dir dir;
    fs::path const shp = dir / "latin.shp";
};

TEST_F(info_command_mislabelled_encoding, latin1_text_labelled_utf8_is_recoded_and_counted) {
    auto const r = info("--json " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    json const j = parse_json(r);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
    auto const& c = j["collections"][0];
    EXPECT_EQ(c["feature_count"].get<long>(), ogrinfo_count(shp));
    EXPECT_EQ(c["recoded_text_values"], non_ascii_values);

    auto const text = info(test::quote(shp.string()));
    EXPECT_EQ(text.exit_code, exit_ok) << text.err;
    EXPECT_NE(text.out.find(std::to_string(non_ascii_values) +
                            " text values were not UTF-8 and were read as Windows-1252 (set --encoding to override)"),
              std::string::npos)
        << text.out;
}

// A person running info reads stderr: it says what was recoded, and for
// which features, whatever --json prints on stdout.
TEST_F(info_command_mislabelled_encoding, stderr_names_the_recoded_features) {
    auto const r = info("--json " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    EXPECT_TRUE(json::accept(r.out)) << "stdout stays one JSON document";
    // The first feature holds both non-ASCII values (OGR numbers shapefile features from 0).
    EXPECT_NE(r.err.find("concessions: warning: latin: 2 text values not UTF-8, read as Windows-1252; --encoding overrides "
                         "(feature 0)"),
              std::string::npos)
        << r.err;
}

TEST_F(info_command_mislabelled_encoding, encoding_option_reads_it_as_given) {
    for (std::string const encoding : {"LATIN1", "CP1252"}) {
        SCOPED_TRACE(encoding);
        auto const r = info("--json --encoding " + encoding + " " + test::quote(shp.string()));
        ASSERT_EQ(r.exit_code, exit_ok) << r.err;
        json const j = parse_json(r);
        ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
        EXPECT_EQ(j["collections"][0]["recoded_text_values"], 0);
    }
}

TEST_F(info_command_mislabelled_encoding, an_unknown_encoding_name_is_refused) {
    auto const r = info("--json --encoding NO-SUCH-ENCODING " + test::quote(shp.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.out;
    EXPECT_NE(r.err.find(shp.string() + ": unknown text encoding 'NO-SUCH-ENCODING'"), std::string::npos) << r.err;
}

TEST_F(info_command_mislabelled_encoding, a_truthful_cpg_needs_no_recoding) {
    write_file(dir / "latin.cpg", "LATIN1");
    auto const r = info("--json " + test::quote(shp.string()));
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    EXPECT_EQ(parse_json(r)["collections"][0]["recoded_text_values"], 0);
}

// --- 6b. what was repaired, on stderr -------------------------------------------

// The ids SpatiaLite gives for a condition on the sample's features: the
// oracle for the ids info names on stderr.
std::string sample_ids(std::string const& where) {
    fs::path const shp = test::source_dir() / "data/sample/synthetic_concessions.shp";
    auto const rows = test::sqlite_oracle(shp, "SELECT ROWID AS fid FROM synthetic_concessions WHERE " + where + " ORDER BY 1 LIMIT 5");
    std::string out;
    for (std::size_t i = 1; i < rows.size(); ++i) out += (i > 1 ? ", " : "") + rows[i][0];
    return out;
}

TEST(info_command, stderr_names_the_repaired_and_the_missing_geometries_whatever_stdout_is) {
    std::string const invalid = sample_ids("geometry IS NOT NULL AND ST_IsValid(geometry) = 0");
    std::string const missing = sample_ids("geometry IS NULL");
    ASSERT_FALSE(invalid.empty());
    ASSERT_FALSE(missing.empty());
    for (std::string const args : {"--json", ""}) {
        SCOPED_TRACE(args);
        auto const r = info(args);
        ASSERT_EQ(r.exit_code, exit_ok) << r.err;
        EXPECT_NE(r.err.find("invalid geometries repaired with MakeValid (features " + invalid + ")"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("without geometry, not on the map (feature " + missing + ")"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("dates in Contract that could not be read (features "), std::string::npos) << r.err;
    }
}

// --- 7. paths that are not shapefiles ------------------------------------------

TEST(info_command, nonexistent_path_says_no_such_file) {
    test::scratch_dir dir;
    fs::path const missing = dir / "nowhere" / "concessions.shp";
    auto const r = info(test::quote(missing.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + missing.string() + ": no such file or directory"), std::string::npos)
        << r.err;
}

TEST(info_command, text_file_named_shp_is_refused) {
    test::scratch_dir dir;
    fs::path const fake = dir / "x.shp";
    write_file(fake, "this is not a shapefile\n");
    auto const r = info(test::quote(fake.string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + fake.string() + ": cannot open it"), std::string::npos) << r.err;
}

TEST(info_command, directory_with_a_bad_shapefile_still_reports_the_good_one) {
    test::scratch_dir dir;
    fs::path const good = copy_sample(dir.path(), "good");
    fs::path const bad = copy_sample(dir.path(), "bad");
    fs::resize_file(bad, fs::file_size(bad) / 2);

    auto const r = info("--json " + test::quote(dir.path().string()));
    EXPECT_EQ(r.exit_code, exit_load_failed) << r.err;
    EXPECT_NE(r.err.find("concessions: error: " + bad.string()), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(good.string()), std::string::npos) << r.err;

    json const j = parse_json(r);
    ASSERT_EQ(j.value("collections", json::array()).size(), 1u) << r.out;
    EXPECT_EQ(j["collections"][0]["source"], good.string());
    EXPECT_EQ(j["collections"][0]["feature_count"].get<long>(), ogrinfo_count(good));
    ASSERT_EQ(j.value("failures", json::array()).size(), 1u) << r.out;
    EXPECT_EQ(j["failures"][0]["source"], bad.string());
    EXPECT_NE(j["failures"][0]["message"].get<std::string>().find("truncated or corrupt"), std::string::npos)
        << j["failures"][0];
}

// --- 8. command line --------------------------------------------------------------

TEST(info_command, help_exits_0_and_names_every_option) {
    auto const top = concessions("--help");
    EXPECT_EQ(top.exit_code, exit_ok) << top.err;
    EXPECT_NE(top.out.find("info"), std::string::npos) << top.out;
    EXPECT_NE(top.out.find("Exit status: 0 on success, 1 when a source could not be loaded, 2 on a bad command line"),
              std::string::npos)
        << top.out;

    auto const r = info("--help");
    EXPECT_EQ(r.exit_code, exit_ok) << r.err;
    for (auto const* help : {&top, &r})
        for (char const* option : {"--json", "--provinces", "--crs", "--encoding", "--threads"})
            EXPECT_NE(help->out.find(option), std::string::npos) << option << " missing from:\n" << help->out;
}

TEST(info_command, bad_command_lines_exit_2) {
    for (std::string const args : {"info --no-such-option", "no-such-command", "", "info --threads many"}) {
        SCOPED_TRACE("concessions " + args);
        auto const r = concessions(args);
        EXPECT_EQ(r.exit_code, exit_usage) << r.out << r.err;
        EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
    }
}

// --- 9. the bundled sample ----------------------------------------------------------

TEST(info_command, bundled_sample_by_default) {
    auto const r = info("--json");
    ASSERT_EQ(r.exit_code, exit_ok) << r.err;
    // stderr has only the summary of what was repaired (tested above), no error.
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("concessions: warning: synthetic-concessions: ", 0), 0u) << r.err;
    json const j = parse_json(r);
    ASSERT_GE(j.value("collections", json::array()).size(), 1u) << r.out;
    auto const& c = j["collections"][0];
    fs::path const shp = sample_shp();
    EXPECT_EQ(c["source"], shp.string());
    EXPECT_EQ(c["feature_count"].get<long>(), ogrinfo_count(shp));

    std::string const layer = "synthetic_concessions";
    EXPECT_EQ(c["repaired"], 2);
    EXPECT_EQ(c["repaired"].get<long>(),
              ogr_sql_integer(shp, "SELECT SUM(ST_IsValid(GEOMETRY) = 0) AS n FROM " + layer, "n"));
    EXPECT_EQ(c["null_geometries"], 1);
    EXPECT_EQ(c["null_geometries"].get<long>(),
              ogr_sql_integer(shp, "SELECT SUM(GEOMETRY IS NULL) AS n FROM " + layer, "n"));

    auto const& extent = c["extent"];
    ASSERT_TRUE(extent.is_array() && extent.size() == 4) << extent;
    for (auto const& v : extent) EXPECT_TRUE(v.is_number()) << extent;
    // Longitude/latitude within Cambodia (102.3..107.7 E, 10..14.7 N), min before max.
    EXPECT_LT(extent[0].get<double>(), extent[2].get<double>());
    EXPECT_LT(extent[1].get<double>(), extent[3].get<double>());
    EXPECT_GT(extent[0].get<double>(), 102.0);
    EXPECT_LT(extent[2].get<double>(), 108.0);
    EXPECT_GT(extent[1].get<double>(), 9.5);
    EXPECT_LT(extent[3].get<double>(), 15.0);

    EXPECT_FALSE(c["by_province"].empty()) << c;
    EXPECT_TRUE(j["failures"].empty()) << j["failures"];
}

}  // namespace
