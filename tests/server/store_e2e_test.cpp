// `serve --store-dir`: the first start loads the sources and writes the
// prepared store, the second reads it back and answers byte for byte as
// the first; `--store-dir none` writes nothing; a damaged store is refused
// with its reason on stderr and the sources are loaded again.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

namespace fs = std::filesystem;

namespace {

std::string sample_args(fs::path const& store) {
    auto const sample = test::source_dir() / "data/sample";
    return "--quiet --no-watch --public-url http://store.test --store-dir " + test::quote(store.string()) + " " +
           test::quote((sample / "synthetic_concessions.shp").string()) + " --provinces " +
           test::quote((sample / "synthetic_provinces.shp").string());
}

// The store files in `dir` once one has been written (within 30 s).
std::vector<fs::path> stores_in(fs::path const& dir) {
    std::vector<fs::path> found;
    for (int i = 0; i < 300 && found.empty(); ++i) {
        std::error_code ec;
        for (auto const& e : fs::directory_iterator(dir, ec))
            if (e.path().extension() == ".store") found.push_back(e.path());
        if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return found;
}

// What a client sees: every feature, tiles in both formats, provinces (with
// the time of the answer taken out).
std::vector<std::string> answers(unsigned short port) {
    std::vector<std::string> out;
    for (auto const* target : {"/collections/synthetic-concessions/items?limit=10000",
                               "/collections/synthetic-concessions/tiles/8/203/120.mvt",
                               "/collections/synthetic-concessions/tiles/10/810/477.geojson",
                               "/collections/synthetic-concessions/stats?group=province", "/provinces"}) {
        auto const r = test::http_get(port, target);
        static std::regex const stamp(R"("timeStamp":"[^"]*")");
        out.push_back(std::to_string(r.status) + " " + std::regex_replace(r.body, stamp, ""));
    }
    return out;
}

}  // namespace

TEST(store_e2e, the_second_start_reads_the_store_and_answers_as_the_first) {
    test::scratch_dir dir;
    std::vector<std::string> first_answers;
    {
        test::server_process first(sample_args(dir / "store"));
        first_answers = answers(first.port());
        ASSERT_EQ(stores_in(dir / "store").size(), 1u) << test::slurp(first.log_path());
        EXPECT_NE(test::slurp(first.log_path()).find("loaded the sources"), std::string::npos);
    }
    test::server_process second(sample_args(dir / "store"));
    auto const log = test::slurp(second.log_path());
    EXPECT_NE(log.find("read from the store"), std::string::npos) << log;
    EXPECT_TRUE(answers(second.port()) == first_answers);
}

TEST(store_e2e, none_keeps_no_store) {
    test::scratch_dir dir;
    auto const sample = test::source_dir() / "data/sample";
    test::server_process server("--quiet --no-watch --store-dir none " +
                                test::quote((sample / "synthetic_concessions.shp").string()));
    EXPECT_EQ(test::http_get(server.port(), "/collections").status, 200);
    EXPECT_EQ(test::slurp(server.log_path()).find("store"), std::string::npos) << test::slurp(server.log_path());
}

TEST(store_e2e, a_damaged_store_is_refused_and_the_sources_loaded_again) {
    test::scratch_dir dir;
    std::vector<std::string> first_answers;
    fs::path file;
    {
        test::server_process first(sample_args(dir / "store"));
        first_answers = answers(first.port());
        auto const stores = stores_in(dir / "store");
        ASSERT_EQ(stores.size(), 1u);
        file = stores[0];
    }
    std::string bytes = test::slurp(file);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    test::server_process second(sample_args(dir / "store"));
    auto const log = test::slurp(second.log_path());
    EXPECT_NE(log.find("damaged"), std::string::npos) << log;
    EXPECT_NE(log.find("loaded the sources"), std::string::npos) << log;
    EXPECT_TRUE(answers(second.port()) == first_answers);
}
