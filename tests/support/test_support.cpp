#include "tests/support/test_support.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace test {

namespace fs = std::filesystem;

fs::path source_dir() { return CONCESSIONS_SOURCE_DIR; }

fs::path shared_data_dir() {
    char const* env = std::getenv("CONCESSIONS_SHARED_DATA");
    return fs::path(env && *env ? env : CONCESSIONS_SHARED_DATA_DEFAULT).lexically_normal();
}

bool have_shared_data() { return fs::exists(shared_data_dir() / "odc-elc" / "elc_complete_utm48n.shp"); }

std::string concessions_binary() { return CONCESSIONS_BINARY; }

std::string slurp(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string quote(std::string const& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}


command_result run(std::string const& command) {
    scratch_dir tmp;
    std::string const full = "(" + command + ") </dev/null >" + quote((tmp / "out").string()) + " 2>" +
                             quote((tmp / "err").string());
    int const status = std::system(full.c_str());
    command_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(tmp / "out");
    r.err = slurp(tmp / "err");
    return r;
}

csv_rows parse_csv(std::string const& text) {
    csv_rows rows;
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            row.push_back(std::move(cell));
            cell.clear();
            rows.push_back(std::move(row));
            row.clear();
        } else {
            cell += c;
        }
    }
    if (!cell.empty() || !row.empty()) {
        row.push_back(std::move(cell));
        rows.push_back(std::move(row));
    }
    return rows;
}

fs::path provinces_shp() { return shared_data_dir() / "nis-census2008-provinces/Provinces.shp"; }

void overlay_geopackage(fs::path const& gpkg, fs::path const& layer) {
    auto r = run("ogr2ogr -f GPKG -makevalid -lco GEOMETRY_NAME=geom -t_srs EPSG:32648 -nln features -nlt PROMOTE_TO_MULTI " +
                 quote(gpkg.string()) + " " + quote(layer.string()) + " -sql " +
                 quote("SELECT FID AS src_fid, * FROM \"" + layer.stem().string() + "\""));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    r = run("ogr2ogr -update -f GPKG -nln provinces -nlt PROMOTE_TO_MULTI " + quote(gpkg.string()) + " " +
            quote(provinces_shp().string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

csv_rows sqlite_oracle(fs::path const& datasource, std::string const& sql) {
    auto const r = run("ogr2ogr -f CSV /vsistdout/ " + quote(datasource.string()) + " -dialect SQLite -sql " + quote(sql));
    EXPECT_EQ(r.exit_code, 0) << "ogr2ogr failed on " << sql << ": " << r.err;
    return parse_csv(r.out);
}

scratch_dir::scratch_dir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("concessions-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path_);
}

scratch_dir::~scratch_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

}  // namespace test
