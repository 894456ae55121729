// `concessions serve` end to end: GET /download, several collections under
// one filter in one file. On the real ODC catalog (data/odc-catalog.json,
// concession and context layers) when ../shared/data is present, and on
// the bundled sample served through a catalog that lists it twice, once as
// a concession layer and once as a context layer. The oracles: GDAL's
// ogrinfo reading the GeoPackage and the zip's files, unzip listing the
// zip, and the numberMatched of /collections/{c}/items under the filters
// each layer takes (a route tested against GDAL in items_e2e_test).

#include "tests/server/api_e2e_support.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <regex>
#include <string>
#include <vector>

namespace {

using namespace api_e2e;

// Layer name -> "Feature Count" of every layer ogrinfo finds.
std::map<std::string, long> ogr_layer_counts(std::string const& datasource) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(datasource));
    EXPECT_EQ(r.exit_code, 0) << datasource << ": " << r.err;
    std::map<std::string, long> counts;
    std::regex const layer(R"(Layer name: (\S+)[\s\S]*?Feature Count: (\d+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), layer), end; it != end; ++it)
        counts[(*it)[1]] = std::stol((*it)[2]);
    return counts;
}

std::string unzip(std::string const& args) {
    auto const r = test::run("unzip " + args);
    EXPECT_EQ(r.exit_code, 0) << "unzip " << args << ": " << r.err;
    return r.out;
}

std::vector<std::string> zip_names(fs::path const& zip) {
    std::vector<std::string> names;
    std::istringstream listing(unzip("-Z1 " + test::quote(zip.string())));
    for (std::string line; std::getline(listing, line);)
        if (!line.empty()) names.push_back(line);
    std::sort(names.begin(), names.end());
    return names;
}

struct saved {
    test::http_reply reply;
    fs::path file;  // under the name Content-Disposition gives
};

saved fetch(unsigned short port, std::string const& target, fs::path const& dir) {
    saved s;
    s.reply = test::http_get(port, target, {}, "GET", {}, std::chrono::seconds(60));
    EXPECT_EQ(s.reply.status, 200) << target << ": " << s.reply.body.substr(0, 300);
    std::smatch m;
    std::string const disposition = header(s.reply, "content-disposition");
    if (s.reply.status != 200 || !std::regex_search(disposition, m, std::regex(R"(^attachment;\s*filename="([^"/\\]+)\")"))) {
        ADD_FAILURE() << target << ": not an attachment with a file name: '" << disposition << "'";
        return s;
    }
    s.file = dir / m[1].str();
    write_file(s.file, s.reply.body);
    return s;
}

long number_matched(unsigned short port, std::string const& collection, std::string const& query) {
    std::string const target = "/collections/" + collection + "/items?limit=1" + (query.empty() ? "" : "&" + query);
    auto const r = test::http_get(port, target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
    json const doc = json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("numberMatched")) {
        ADD_FAILURE() << target << " has no numberMatched";
        return -1;
    }
    return doc["numberMatched"].get<long>();
}

// What every /download must get right, whatever the data: one layer per
// collection in the GeoPackage, each with the count items gives under the
// filters that layer takes; the zip with one file per layer plus README.txt
// naming the licence and the URL that reproduces the download.
struct expected_layer {
    std::string id;
    std::string filters;  // the query items takes for the same selection
};

void check_gpkg(unsigned short port, std::string const& query, std::vector<expected_layer> const& layers,
                std::string const& file_name, std::string const& licence) {
    SCOPED_TRACE("/download?" + query + "&f=gpkg");
    test::scratch_dir dir;
    auto const d = fetch(port, "/download?" + query + "&f=gpkg", dir.path());
    if (d.file.empty()) return;
    EXPECT_EQ(d.file.filename().string(), file_name);
    EXPECT_EQ(header(d.reply, "content-type"), "application/geopackage+sqlite3");
    auto const counts = ogr_layer_counts(d.file.string());
    EXPECT_EQ(counts.size(), layers.size()) << ogrinfo_text(d.file.string());
    long total = 0;
    for (auto const& l : layers) {
        long const expected = number_matched(port, l.id, l.filters);
        total += expected;
        ASSERT_TRUE(counts.count(l.id)) << "no layer " << l.id << " in " << ogrinfo_text(d.file.string());
        EXPECT_EQ(counts.at(l.id), expected) << l.id << " (items?" << l.filters << ")";
    }
    EXPECT_EQ(header(d.reply, "x-features"), std::to_string(total));
    // The provenance is in the GeoPackage's metadata (gpkg_metadata), where ogrinfo shows it.
    std::string const info = ogrinfo_text(d.file.string());
    EXPECT_NE(info.find("README="), std::string::npos) << info.substr(0, 2000);
    EXPECT_NE(info.find(licence), std::string::npos) << info.substr(0, 2000);
    EXPECT_NE(info.find("/download?"), std::string::npos) << "no reproducing URL: " << info.substr(0, 2000);
}

// The zip for a text format: its file list, and README.txt.
std::string check_zip(unsigned short port, std::string const& query, std::string const& format,
                      std::vector<expected_layer> const& layers, std::string const& licence) {
    SCOPED_TRACE("/download?" + query + "&f=" + format);
    test::scratch_dir dir;
    auto const d = fetch(port, "/download?" + query + "&f=" + format, dir.path());
    if (d.file.empty()) return {};
    EXPECT_EQ(header(d.reply, "content-type"), "application/zip");
    EXPECT_TRUE(d.file.filename().string().ends_with("." + format + ".zip")) << d.file.filename();
    std::vector<std::string> expected_names = {"README.txt"};
    for (auto const& l : layers) expected_names.push_back(l.id + "." + format);
    std::sort(expected_names.begin(), expected_names.end());
    EXPECT_EQ(zip_names(d.file), expected_names);
    for (auto const& l : layers)
        EXPECT_EQ(ogr_feature_count("/vsizip/" + d.file.string() + "/" + l.id + "." + format), number_matched(port, l.id, l.filters))
            << l.id << " (items?" << l.filters << ")";
    std::string const readme = unzip("-p " + test::quote(d.file.string()) + " README.txt");
    EXPECT_NE(readme.find(licence), std::string::npos) << readme;
    std::string const url = "http://127.0.0.1:" + std::to_string(port) + "/download?";
    EXPECT_NE(readme.find(url), std::string::npos) << "no reproducing URL in:\n" << readme;
    return readme;
}

// The reproducing URL in README.txt gives the same layers and counts.
void check_readme_url_reproduces(unsigned short port, std::string const& readme, std::string const& format) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(readme, m, std::regex(R"(Reproduce it:\s*(\S+))"))) << readme;
    auto const again = test::http_get(port, target_of(m[1].str()));
    ASSERT_EQ(again.status, 200) << m[1].str() << ": " << again.body.substr(0, 300);
    EXPECT_NE(target_of(m[1].str()).find("f=" + format), std::string::npos) << m[1].str();
}

void check_bad_requests(unsigned short port, std::string const& one, std::string const& two) {
    struct bad {
        std::string query;
        std::string named;  // the message names it
    };
    std::vector<bad> const cases = {
        {"collections=" + one + ",nowhere&f=gpkg", "nowhere"},
        {"collections=" + one + "&f=pdf", "pdf"},
        {"collections=" + one + "&f=html", "html"},
        {"f=gpkg", "collections"},
        {"collections=&f=gpkg", "collections"},
        {"collections=" + one + "," + two + "," + one, one},
        {"collections=" + one + ",,"  + two, "empty"},
        {"collections=" + one + "&bbox=1,2,3", "bbox"},
        {"collections=" + one + "&province=Atlantis", "Atlantis"},
        {"collections=" + one + "&datetime=yesterday", "yesterday"},
        {"collections=" + one + "&colour=red", "colour"},
        {"collections=" + one + "&context_province=maybe", "context_province"},
    };
    for (auto const& c : cases) {
        auto const r = test::http_get(port, "/download?" + c.query);
        EXPECT_EQ(r.status, 400) << c.query << ": " << r.body.substr(0, 300);
        json const doc = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(doc.is_object()) << c.query << ": " << r.body.substr(0, 300);
        EXPECT_NE(doc.value("description", "").find(c.named), std::string::npos)
            << c.query << ": the message does not name " << c.named << ": " << doc.value("description", "");
    }
}

// --- the real ODC catalog -------------------------------------------------------

TEST_F(server_e2e_api, download_of_several_collections_has_a_layer_each_with_what_items_matches) {
    time_bound bound;
    std::string const kk = "province=Koh%20Kong";
    // Concession layers take the province; the protected areas stay whole.
    check_gpkg(port(), "collections=elc,mining,protected-areas&" + kk,
               {{"elc", kk}, {"mining", kk}, {"protected-areas", ""}},
               "concessions-elc+mining+protected-areas-koh-kong.gpkg", "not stated by the source");
    // ... unless context_province asks for it.
    check_gpkg(port(), "collections=elc,protected-areas&context_province=true&" + kk, {{"elc", kk}, {"protected-areas", kk}},
               "concessions-elc+protected-areas-koh-kong.gpkg", "not stated by the source");
    // The box cuts every layer.
    std::string const box = "bbox=103.0,11.0,104.5,12.5";
    check_gpkg(port(), "collections=mining,kba&" + box, {{"mining", box}, {"kba", box}}, "concessions-mining+kba-bbox.gpkg",
               "not stated by the source");
}

TEST_F(server_e2e_api, download_zip_has_a_file_per_collection_and_a_readme_and_context_layers_stay_whole) {
    time_bound bound;
    // A company (text) and year filter: the context layers stay whole.
    std::string const filters = "q=rubber&datetime=2008-01-01/2012-12-31";
    long const rubber = number_matched(port(), "elc", filters);
    ASSERT_GT(rubber, 0);
    ASSERT_LT(rubber, number_matched(port(), "elc", "")) << "the filter should select some, not all";
    for (std::string const format : {"geojson", "csv"}) {
        std::string const readme = check_zip(port(), "collections=elc,community-forests,kba&" + filters, format,
                                             {{"elc", filters}, {"community-forests", ""}, {"kba", ""}},
                                             "not stated by the source");
        for (char const* said : {"Open Development Cambodia (ODC)", "2013-01-10", "https://github.com/OpenDevelopmentMekong/data",
                                 "rubber", "2008-01-01", "context layer", "concession layer"})
            EXPECT_NE(readme.find(said), std::string::npos) << said << " missing from:\n" << readme;
        check_readme_url_reproduces(port(), readme, format);
    }
    // GeoJSON inside says where it came from, as the single download does.
    test::scratch_dir dir;
    auto const d = fetch(port(), "/download?collections=elc,kba&f=geojson&" + filters, dir.path());
    ASSERT_FALSE(d.file.empty());
    json const elc = json::parse(unzip("-p " + test::quote(d.file.string()) + " elc.geojson"), nullptr, false);
    ASSERT_TRUE(elc.is_object());
    EXPECT_EQ(elc["source"]["license"], "not stated by the source");
    EXPECT_EQ(elc["numberMatched"], rubber);
}

TEST_F(server_e2e_api, download_of_shapefiles_and_kml_puts_each_layer_in_the_zip) {
    time_bound bound;
    test::scratch_dir dir;
    std::string const kk = "province=Koh%20Kong";
    auto const shp = fetch(port(), "/download?collections=elc,protected-areas&f=shp&" + kk, dir.path());
    ASSERT_FALSE(shp.file.empty());
    EXPECT_EQ(shp.file.filename().string(), "concessions-elc+protected-areas-koh-kong.shp.zip");
    auto const names = zip_names(shp.file);
    for (char const* part : {"elc.shp", "elc.shx", "elc.dbf", "elc.prj", "protected-areas.shp", "protected-areas.dbf", "README.txt"})
        EXPECT_TRUE(std::find(names.begin(), names.end(), part) != names.end()) << part << " missing";
    EXPECT_EQ(ogr_feature_count("/vsizip/" + shp.file.string() + "/elc.shp"), number_matched(port(), "elc", kk));
    EXPECT_EQ(ogr_feature_count("/vsizip/" + shp.file.string() + "/protected-areas.shp"), number_matched(port(), "protected-areas", ""));

    auto const kml = fetch(port(), "/download?collections=mining,kba&f=kml&" + kk, dir.path());
    ASSERT_FALSE(kml.file.empty());
    EXPECT_EQ(zip_names(kml.file), (std::vector<std::string>{"README.txt", "kba.kml", "mining.kml"}));
    EXPECT_EQ(ogr_feature_count("/vsizip/" + kml.file.string() + "/mining.kml"), number_matched(port(), "mining", kk));
}

TEST_F(server_e2e_api, download_of_several_refuses_what_it_cannot_do_and_names_it) {
    time_bound bound;
    check_bad_requests(port(), "elc", "mining");
    // A property filter applies to every concession layer: one without the
    // field is refused, by name; a context layer without it is not.
    auto const refused = get("/download?collections=elc,mining&Purpose=Rubber");
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.body.find("mining"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("Purpose"), std::string::npos) << refused.body;
    check_gpkg(port(), "collections=elc,kba&Purpose=Rubber", {{"elc", "Purpose=Rubber"}, {"kba", ""}}, "concessions-elc+kba-purpose-rubber.gpkg",
               "not stated by the source");
}

// A property named for one collection (id:property), as the page's purpose
// and country filters are: that collection alone takes it, the others are
// as without it; one naming a collection not listed is refused.
TEST_F(server_e2e_api, download_of_several_takes_a_property_named_for_one_collection) {
    time_bound bound;
    check_gpkg(port(), "collections=elc,mining,kba&elc:Purpose=Rubber&datetime=2008-01-01/..",
               {{"elc", "Purpose=Rubber&datetime=2008-01-01/.."}, {"mining", "datetime=2008-01-01/.."}, {"kba", ""}},
               "concessions-elc+mining+kba-elc-purpose-rubber-from-2008-01-01.gpkg", "not stated by the source");
    auto const refused = get("/download?collections=mining&elc:Purpose=Rubber");
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.body.find("elc:Purpose"), std::string::npos) << refused.body;
}

// elc:filter=: a CQL2 filter for one layer (the page's several crops),
// AND-ed with the shared filter=; each layer holds what items selects with
// both, and a filter that does not parse is a 400.
TEST_F(server_e2e_api, download_of_several_takes_a_filter_named_for_one_collection) {
    time_bound bound;
    std::string const size = url_encode("area_ha >= 5000"),
                      crops = url_encode("purpose_class IN ('Rubber','Sugar cane')");
    check_gpkg(port(), "collections=elc,mining,kba&filter=" + size + "&elc:filter=" + crops,
               {{"elc", "filter=" + url_encode("area_ha >= 5000 AND purpose_class IN ('Rubber','Sugar cane')")},
                {"mining", "filter=" + size},
                {"kba", ""}},
               "concessions-elc+mining+kba-elc-filter-purpose-class-in-rubber-sugar-cane-filtered.gpkg",
               "not stated by the source");
    auto const refused = get("/download?collections=elc&elc:filter=" + url_encode("Hectares >>"));
    EXPECT_EQ(refused.status, 400);
    EXPECT_NE(refused.body.find("character 10"), std::string::npos) << refused.body;
}

TEST_F(server_e2e_api, a_repeated_download_of_several_is_the_same_bytes_with_an_etag) {
    time_bound bound;
    std::string const target = "/download?collections=elc,kba&province=Kampot&f=geojson";
    auto const first = get(target);
    ASSERT_EQ(first.status, 200) << first.body.substr(0, 300);
    auto const second = get(target);
    ASSERT_EQ(second.status, 200);
    EXPECT_TRUE(second.body == first.body) << "the cached download differs from the first";
    ASSERT_FALSE(header(first, "etag").empty());
    EXPECT_EQ(header(second, "etag"), header(first, "etag"));
    EXPECT_EQ(get(target, "If-None-Match: " + header(first, "etag") + "\r\n").status, 304);
}

// --- the bundled sample, listed once as a concession layer, once as context ---

class sample_download : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<test::scratch_dir>();
        fs::path const sample = test::source_dir() / "data/sample";
        json const fields = {{"name", "Name"},       {"company", "Company"},       {"province", "Province"},
                             {"area_ha", "Hectares"}, {"purpose", "Purpose"},       {"contract_date", "Contract"},
                             {"nationality", "Nation"}};
        json collection = {{"title", "Synthetic concessions"},
                           {"source", (sample / "synthetic_concessions.shp").string()},
                           {"color", "#d95f02"},
                           {"attribution", "The concessions project's generator (synthetic)"},
                           {"license", "CC0-1.0 (test)"},
                           {"source_url", "https://example.org/sample"},
                           {"as_of", "2024-01-01"},
                           {"fields", fields}};
        json concessions = collection, context = collection;
        concessions["id"] = "sample";
        concessions["kind"] = "concession";
        context["id"] = "sample-context";
        context["kind"] = "context";
        json const catalog = {{"title", "Sample twice"},
                              {"provinces", {{"source", (sample / "synthetic_provinces.shp").string()},
                                             {"name_field", "PROV_NAME"}, {"code_field", "PROV_CODE"}}},
                              {"collections", {concessions, context}}};
        write_file(dir_->path() / "catalog.json", catalog.dump(2));
        server_ = std::make_unique<test::server_process>("--quiet " + test::quote((dir_->path() / "catalog.json").string()));
    }
    static void TearDownTestSuite() {
        if (server_) {
            EXPECT_EQ(server_->stop(), 0);
        }
        server_.reset();
        dir_.reset();
    }
    void SetUp() override { ASSERT_TRUE(server_ && server_->port() != 0) << "the server did not start"; }
    static unsigned short port() { return server_->port(); }

    static inline std::unique_ptr<test::scratch_dir> dir_;
    static inline std::unique_ptr<test::server_process> server_;
};

TEST_F(sample_download, gpkg_and_zip_have_a_layer_each_and_the_context_copy_stays_whole) {
    time_bound bound;
    std::string const filters = "Company=Sample%20Agro%20Co.%209&datetime=2000-01-01/..";
    long const chosen = number_matched(port(), "sample", filters);
    long const all = number_matched(port(), "sample-context", "");
    ASSERT_GT(chosen, 0);
    ASSERT_LT(chosen, all) << "the filter should select some, not all";
    check_gpkg(port(), "collections=sample,sample-context&" + filters, {{"sample", filters}, {"sample-context", ""}},
               "concessions-sample+sample-context-company-sample-agro-co-9-from-2000-01-01.gpkg", "CC0-1.0 (test)");
    std::string const province = "province=Synthetic%20Province%20C";
    check_gpkg(port(), "collections=sample-context,sample&context_province=1&" + province,
               {{"sample-context", province}, {"sample", province}}, "concessions-sample-context+sample-synthetic-province-c.gpkg",
               "CC0-1.0 (test)");
    for (std::string const format : {"geojson", "csv"}) {
        std::string const readme = check_zip(port(), "collections=sample,sample-context&" + filters, format,
                                             {{"sample", filters}, {"sample-context", ""}}, "CC0-1.0 (test)");
        EXPECT_NE(readme.find("features:  " + std::to_string(chosen)), std::string::npos) << readme;
        EXPECT_NE(readme.find("features:  " + std::to_string(all)), std::string::npos) << readme;
        check_readme_url_reproduces(port(), readme, format);
    }
}

TEST_F(sample_download, refuses_what_it_cannot_do_and_names_it) {
    check_bad_requests(port(), "sample", "sample-context");
}

}  // namespace
