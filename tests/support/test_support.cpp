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

namespace {
std::string slurp(fs::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

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
