#pragma once
// Shared by the end-to-end tests of `concessions serve` on the real Open
// Development Cambodia layers (data/odc-catalog.json): items_e2e_test,
// downloads_e2e_test, ogc_clients_e2e_test and http_e2e_test. Every expected
// number comes from GDAL on the source files (ogrinfo / ogr2ogr,
// SQLite/SpatiaLite dialect), from the catalog, or from GDAL's own OGC API -
// Features client; never from this server's output.

#include "tests/support/server_process.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace api_e2e {

namespace fs = std::filesystem;
using test::slurp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

fs::path elc_shp();
fs::path mining_shp();
using test::provinces_shp;
fs::path catalog();

using test::time_bound;

std::string url_encode(std::string_view s);

// "http://127.0.0.1:1234/collections/elc/items?offset=7" -> "/collections/elc/items?offset=7"
std::string target_of(std::string const& href);

std::string header(test::http_reply const& r, std::string const& name);

void write_file(fs::path const& p, std::string const& bytes);

std::string box_text(double min_x, double min_y, double max_x, double max_y);

std::set<long> parse_ids(std::string const& comma_separated);

std::string describe(std::set<long> const& ids);

// --- oracles -----------------------------------------------------------------

// "Feature Count: N" summed over the layers ogrinfo finds.
long ogr_feature_count(std::string const& datasource);

// Field name -> OGR type name, from `ogrinfo -so`.
std::map<std::string, std::string> ogr_fields(std::string const& datasource);

std::string ogrinfo_text(std::string const& datasource);

// FIDs of the rows `sql` selects; its first column must be the FID.
std::set<long> oracle_ids(fs::path const& datasource, std::string const& sql);

// The same rows in order.
std::vector<long> oracle_id_order(fs::path const& datasource, std::string const& sql);

struct source_layer {
    std::string collection;
    fs::path path;
    std::string table;     // layer name in the SQLite dialect
    std::string geometry;  // as WGS 84, repaired: the server repairs with MakeValid too
};

source_layer elc_layer();
source_layer mining_layer();

struct query_box {
    double min_x, min_y, max_x, max_y;
    std::string text() const { return box_text(min_x, min_y, max_x, max_y); }
};

// For each box, the FIDs whose geometry meets it (ST_Intersects with a
// BuildMbr box), in one ogr2ogr run; each geometry is repaired and
// reprojected once, in a CTE, rather than once per box.
std::vector<std::set<long>> oracle_bbox_ids(source_layer const& layer, std::vector<query_box> const& boxes);

// Province name (PROV_NAME) -> {code, features overlapping it by at least
// 0.1% of their own area}, from SpatiaLite on a GeoPackage holding the layer
// (UTM 48N, repaired by ogr2ogr -makevalid) and the NIS provinces, as
// tests/geo/provinces_test.cpp does.
struct province_count {
    std::string code;
    long count = 0;
};
std::map<std::string, province_count> oracle_province_counts(fs::path const& layer);

// Contract dates are "dd/mm/yyyy" text (one has a time after it): as ISO.
inline std::string const contract_iso =
    "substr(Contract, 7, 4) || '-' || substr(Contract, 4, 2) || '-' || substr(Contract, 1, 2)";
inline std::string const contract_is_date = "Contract GLOB '[0-3][0-9]/[01][0-9]/[12][0-9][0-9][0-9]*'";

// --- the suite's server -----------------------------------------------------------

class server_e2e_api : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!test::have_shared_data()) return;
        server_ = std::make_unique<test::server_process>("--quiet " + test::quote(catalog().string()));
    }

    static void TearDownTestSuite() {
        if (!server_) return;
        std::string const log = slurp(server_->log_path());
        // SIGTERM drains and exits 0 (not killed, not an error status).
        EXPECT_EQ(server_->stop(), 0) << "concessions serve did not stop gracefully on SIGTERM; log:\n" << log;
        server_.reset();
    }

    void SetUp() override {
        REQUIRE_SHARED_DATA();
        ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start";
    }

    static unsigned short port() { return server_->port(); }

    static test::http_reply get(std::string const& target, std::string const& extra = {}, std::string const& method = "GET") {
        return test::http_get(port(), target, extra, method);
    }

    // A 200 JSON document, or null (with the failure recorded).
    static json get_json(std::string const& target) {
        auto const reply = get(target);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body.substr(0, 500);
        if (reply.status != 200) return json();
        json doc = json::parse(reply.body, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << target << " is not JSON: " << reply.body.substr(0, 300);
        return doc.is_discarded() ? json() : doc;
    }

    static long matched(std::string const& target) {
        json const doc = get_json(target);
        if (!doc.is_object() || !doc.contains("numberMatched")) {
            ADD_FAILURE() << target << " has no numberMatched";
            return -1;
        }
        return doc["numberMatched"].get<long>();
    }

    // Every feature id of a (filtered) items query, in the server's order.
    static std::vector<long> item_ids(std::string const& collection, std::string const& query) {
        std::string const target = "/collections/" + collection + "/items?limit=10000" + (query.empty() ? "" : "&" + query);
        json const doc = get_json(target);
        std::vector<long> ids;
        if (!doc.is_object()) return ids;
        for (auto const& f : doc["features"]) ids.push_back(f["id"].get<long>());
        EXPECT_EQ(static_cast<long>(ids.size()), doc["numberMatched"].get<long>()) << target;
        return ids;
    }

    static std::set<long> item_id_set(std::string const& collection, std::string const& query) {
        auto const ids = item_ids(collection, query);
        return {ids.begin(), ids.end()};
    }

    static inline std::unique_ptr<test::server_process> server_;
};

}  // namespace api_e2e
