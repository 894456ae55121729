// The API in process, without sockets: the route table and handlers over a
// dataset loaded from data/sample, and reloads of it. Expected counts come
// from GDAL (ogrinfo on the sample files) or from another route answering
// the same question, never from constants copied from our own output.

#include "geo/province_names.hpp"
#include "server/api.hpp"
#include "server/links.hpp"
#include "server/request_params.hpp"
#include "tests/support/test_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using id_set = std::set<std::int64_t>;

fs::path sample(std::string const& name) { return test::source_dir() / "data/sample" / name; }

geo::load_options sample_load_options() {
    geo::load_options o;
    o.provinces_path = sample("synthetic_provinces.shp").string();
    return o;
}

// The whole body of a response, however it is held: in the response, in a
// cache entry, or as a stream (drained here).
std::string body_of(server::response const& r) {
    if (r.cached) return r.cached->body_bytes();
    if (r.stream) {
        std::string out, piece;
        for (bool more = true; more;) {
            piece.clear();
            more = r.stream(piece);
            out += piece;
        }
        return out;
    }
    return r.shared_body ? *r.shared_body : r.body;
}

// The API over a live dataset: request targets in, responses out.
struct in_process {
    explicit in_process(std::shared_ptr<geo::dataset const> first, server::live_dataset::loader load = {},
                        server::api_options options = {})
        : data(std::move(first), load ? std::move(load) : [] { return std::shared_ptr<geo::dataset const>(); }),
          api(data, std::move(options), counters) {}

    server::response get(std::string const& target, std::string_view accept_language = {}) {
        server::request_view const request{"GET", target, "application/json", "", "handlers.test", false, accept_language};
        return api.handle(request);
    }
    json get_json(std::string const& target) {
        auto const r = get(target);
        EXPECT_EQ(r.status, 200u) << target << ": " << body_of(r);
        return json::parse(body_of(r));
    }

    server::metrics counters;
    server::live_dataset data;
    server::api api;
};

id_set ids_of(json const& feature_collection) {
    id_set ids;
    for (auto const& f : feature_collection["features"]) ids.insert(f["id"].get<std::int64_t>());
    return ids;
}

// A zoom-9 tile that holds the collection's first feature.
std::string busy_tile(geo::dataset const& data, std::string const& extension) {
    auto const& col = data.collections().front();
    auto const& b = col.features.front().bbox;
    auto const t = geo::tiles::tile_for({(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2}, 9);
    return "/collections/" + col.id + "/tiles/9/" + std::to_string(t.x) + "/" + std::to_string(t.y) + "." + extension;
}

long ogr_count(fs::path const& file, std::string const& where = {}) {
    auto const r = test::run("ogrinfo -ro -so -al " + (where.empty() ? "" : "-where " + test::quote(where) + " ") + test::quote(file.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(Feature Count: (\d+))"))) << r.out;
    return m.empty() ? -1 : std::stol(m[1]);
}

// A value from /metrics' text, -1 when missing.
long metric(std::string const& text, std::string const& name) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("\\n" + name + " (\\d+)"))) return -1;
    return std::stol(m[1]);
}

class handlers : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        data_ = geo::dataset::load({sample("synthetic_concessions.shp").string()}, sample_load_options(), {});
        ASSERT_EQ(data_->collections().size(), 1u);
    }
    static std::shared_ptr<geo::dataset const> data_;
    std::string const c = "synthetic-concessions";
};
std::shared_ptr<geo::dataset const> handlers::data_;

TEST_F(handlers, items_match_every_feature_gdal_reads_and_item_finds_each_by_id) {
    in_process api(data_);
    auto const all = api.get_json("/collections/" + c + "/items?limit=10000");
    long const expected = ogr_count(sample("synthetic_concessions.shp"));
    EXPECT_EQ(all["numberMatched"], expected);
    EXPECT_EQ(all["features"].size(), static_cast<std::size_t>(expected));
    for (auto const& f : all["features"]) {
        auto const one = api.get_json("/collections/" + c + "/items/" + std::to_string(f["id"].get<long>()));
        EXPECT_EQ(one["id"], f["id"]);
        EXPECT_EQ(one["properties"], f["properties"]);
    }
    EXPECT_EQ(api.get("/collections/" + c + "/items/999999").status, 404u);
    EXPECT_EQ(api.get("/collections/" + c + "/items/abc").status, 404u);
    EXPECT_EQ(api.get("/collections/nowhere/items").status, 404u);
}

// /metrics says where the memory goes: the vertices GDAL counts (invalid
// polygons repaired, as loading repairs them), the
// compact geometry at 8 bytes each plus its layout, and the kernel's
// resident figure, which counts everything, above the parts' sum.
TEST_F(handlers, metrics_count_the_vertices_gdal_counts_and_where_the_bytes_go) {
    in_process api(data_);
    auto const text = body_of(api.get("/metrics"));
    auto const rows = test::sqlite_oracle(sample("synthetic_concessions.shp"),
                                          "SELECT SUM(ST_NPoints(CASE WHEN ST_IsValid(GEOMETRY) THEN GEOMETRY "
                                          "ELSE MakeValid(GEOMETRY) END)) FROM synthetic_concessions");
    ASSERT_EQ(rows.size(), 2u);
    long const vertices = std::stol(rows[1][0]);
    EXPECT_EQ(metric(text, "concessions_vertices"), vertices);
    std::map<std::string, long> parts;
    std::regex const part(R"re(concessions_dataset_bytes\{structure="([a-z_]+)"\} (\d+))re");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), part); it != std::sregex_iterator(); ++it)
        parts[(*it)[1]] = std::stol((*it)[2]);
    for (char const* name :
         {"features", "geometry", "edge_runs", "attributes", "spatial_index", "tile_vertices", "feature_text"})
        EXPECT_GT(parts[name], 0) << name;
    EXPECT_GE(parts["geometry"], 8 * vertices);
    EXPECT_LT(parts["geometry"], 8 * vertices + 4 * 16 * static_cast<long>(data_->feature_count()));
    EXPECT_GE(parts["tile_vertices"], 9 * vertices);  // unit coordinates and a zoom level
    long sum = 0;
    for (auto const& [name, bytes] : parts) sum += bytes;
    EXPECT_GT(metric(text, "concessions_resident_bytes"), sum);
    EXPECT_GE(metric(text, "concessions_peak_resident_bytes"), metric(text, "concessions_resident_bytes"));
}

// The map page learns its basemaps from the landing page: the defaults
// (OpenStreetMap, Esri World Imagery), or what `serve` was told.
TEST_F(handlers, the_landing_page_names_the_basemaps_it_was_given) {
    in_process defaults(data_);
    auto const given = defaults.get_json("/?f=json")["basemaps"];
    ASSERT_EQ(given.size(), 2u);
    EXPECT_EQ(given[0]["id"], "osm");
    EXPECT_EQ(given[0]["url"], server::basemap_options{}.osm.url);
    EXPECT_EQ(given[1]["id"], "satellite");
    EXPECT_NE(given[1]["url"].get<std::string>().find("World_Imagery"), std::string::npos);
    EXPECT_NE(given[1]["attribution"].get<std::string>().find("Esri"), std::string::npos);

    server::api_options options;
    options.basemaps.imagery = {"https://imagery.example/{z}/{x}/{y}.jpg", "Imagery &copy; Example"};
    in_process configured(data_, {}, options);
    auto const set = configured.get_json("/?f=json")["basemaps"];
    EXPECT_EQ(set[1]["url"], "https://imagery.example/{z}/{x}/{y}.jpg");
    EXPECT_EQ(set[1]["attribution"], "Imagery &copy; Example");
    EXPECT_EQ(set[0]["url"], server::basemap_options{}.osm.url);
}

TEST_F(handlers, property_filter_matches_gdal_where) {
    in_process api(data_);
    auto const page = api.get_json("/collections/" + c + "/items?Purpose=Cassava&limit=10000");
    EXPECT_EQ(page["numberMatched"], ogr_count(sample("synthetic_concessions.shp"), "Purpose = 'Cassava'"));
}

// Every filter parameter the router accepts, with a value that selects
// some features but not all. A filter added to request_params without an
// example here fails the test below, so none is forgotten by a route.
std::map<std::string, std::string> const filter_examples = {
    {"bbox", "104.5,12.2,105.3,13.0"},
    {"province", "synthetic province b"},
    {"q", "rubber"},
    {"datetime", "2005-01-01/2012-12-31"},
    {"intersects", "POLYGON((104.5 12.2,105.3 12.2,105.3 13.0,104.7 13.0,104.5 12.2))"},
    {"as_of", "2010-06-30"},
    {"overlaps", "reserves:Synthetic Province B"},  // the dataset of with_reserves()
    {"company", "Sample Agro Co. 3"},
    {"filter", "Hectares > 1000 AND S_INTERSECTS(geometry, BBOX(104.5, 12.2, 105.3, 13.0))"},
    // Parameters that only say how to read filter=: the whole query.
    {"filter-lang", "?filter-lang=cql2-json&filter=" +
                        server::percent_encode(R"({"op":"in","args":[{"property":"Nation"},["Thai","Chinese"]]})")},
    {"filter-crs",
     "?filter-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84&filter=" + server::percent_encode("Duration < 60")},
    {"bbox-crs", "?bbox=445000,1350000,532000,1437000&bbox-crs=" +
                     server::percent_encode("http://www.opengis.net/def/crs/EPSG/0/32648")},
};

// The sample with its provinces loaded a second time as a context layer,
// "reserves", that the concessions are measured against (the catalog's
// "overlaps"), so that overlaps= has something to select.
std::shared_ptr<geo::dataset const> with_reserves(test::scratch_dir const& dir) {
    fs::path const catalog = dir.path() / "catalog.json";
    json const doc = {
        {"collections",
         {{{"id", "synthetic-concessions"},
           {"source", sample("synthetic_concessions.shp").string()},
           {"overlaps", {"reserves"}}},
          {{"id", "reserves"}, {"kind", "context"}, {"source", sample("synthetic_provinces.shp").string()}}}}};
    std::ofstream(catalog) << doc.dump();
    return geo::dataset::load({catalog.string()}, sample_load_options(), {});
}

// The ids GeoJSON tiles at zoom z hold for a query, over every tile the
// collection's extent touches; fails when a tile left a feature out.
id_set tile_ids(in_process& api, geo::collection const& col, unsigned z, std::string const& query) {
    auto const nw = geo::tiles::tile_for({col.extent.min_x, col.extent.max_y}, z);
    auto const se = geo::tiles::tile_for({col.extent.max_x, col.extent.min_y}, z);
    id_set ids;
    for (unsigned x = nw.x; x <= se.x; ++x)
        for (unsigned y = nw.y; y <= se.y; ++y) {
            std::string const target = "/collections/" + col.id + "/tiles/" + std::to_string(z) + "/" + std::to_string(x) + "/" +
                                       std::to_string(y) + ".geojson" + query;
            auto const r = api.get(target);
            EXPECT_EQ(r.status, 200u) << target;
            auto const tile = json::parse(body_of(r));
            EXPECT_FALSE(tile.contains("omitted") || tile.contains("dropped")) << target << " left features out";
            for (auto const& id : ids_of(tile)) ids.insert(id);
        }
    return ids;
}

TEST_F(handlers, every_filter_selects_the_same_features_in_items_tiles_stats_and_downloads) {
    test::scratch_dir dir;
    auto const data = with_reserves(dir);
    in_process api(data);
    auto const& col = *data->find(c);
    ASSERT_EQ(col.features.size(), data_->collections().front().features.size());
    std::set<std::string> covered;
    std::vector<std::string> queries;
    for (auto const name : server::filter_parameters) {
        auto const example = filter_examples.find(std::string(name));
        ASSERT_NE(example, filter_examples.end()) << "no example for the filter '" << name << "': add one to filter_examples";
        bool const whole = example->second.starts_with('?');
        queries.push_back(whole ? example->second.substr(1) : std::string(name) + "=" + server::percent_encode(example->second));
        covered.insert(std::string(name));
    }
    EXPECT_EQ(covered.size(), filter_examples.size()) << "filter_examples names a filter the router does not take";
    queries.push_back("Purpose=Rubber");  // a queryable property
    queries.push_back("province=S2&q=sample&datetime=2000-01-01/..");  // several at once

    std::size_t const total = col.features.size();
    for (auto const& query : queries) {
        SCOPED_TRACE(query);
        auto const items = ids_of(api.get_json("/collections/" + c + "/items?limit=10000&" + query));
        EXPECT_GT(items.size(), 0u) << "the example selects nothing: the test could not fail";
        EXPECT_LT(items.size(), total) << "the example selects everything: the test could not fail";

        EXPECT_EQ(ids_of(json::parse(body_of(api.get("/collections/" + c + "/items?f=geojson&download=1&" + query)))), items)
            << "GeoJSON download";
        auto const csv = test::parse_csv(body_of(api.get("/collections/" + c + "/items?f=csv&download=1&" + query)));
        id_set csv_ids;
        for (std::size_t row = 1; row < csv.size(); ++row) csv_ids.insert(std::stoll(csv[row][0]));
        EXPECT_EQ(csv_ids, items) << "CSV download";

        EXPECT_EQ(api.get_json("/collections/" + c + "/stats?group=company&" + query)["numberMatched"], items.size()) << "stats";
        id_set mapped = items;  // a feature without geometry (the sample has one) is in no tile
        for (auto const& f : col.features)
            if (f.geom.empty()) mapped.erase(f.id);
        EXPECT_EQ(tile_ids(api, col, 9, "?" + query), mapped) << "tiles";
    }
}

TEST_F(handlers, an_unknown_filter_or_bad_value_is_refused_by_every_route) {
    in_process api(data_);
    for (std::string const route : {"items", "stats", "tiles/9/406/241.geojson", "tiles/9/406/241.mvt"}) {
        for (std::string const query :
             {"nonsense=1", "bbox=1,2,3", "province=Atlantis", "datetime=yesterday", "as_of=yesterday",
              "overlaps=reserves", "overlaps=:Beng%20Per", "overlaps=reserves:"}) {
            auto const r = api.get("/collections/" + c + "/" + route + "?" + query);
            EXPECT_EQ(r.status, 400u) << route << "?" << query;
            EXPECT_TRUE(json::parse(body_of(r)).contains("description"));
        }
    }
}

TEST_F(handlers, province_spellings_share_one_cached_tile) {
    in_process api(data_);
    std::string const tile = busy_tile(*data_, "geojson");
    auto const& first = data_->collections().front().features.front();
    ASSERT_FALSE(first.provinces.empty());
    std::string const name = data_->provinces().provinces()[first.provinces.front().province].name;  // "Synthetic Province C"
    std::string lower;
    for (char ch : name) lower += ch == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_NE(lower, name);
    auto const a = api.get(tile + "?province=" + server::percent_encode(name));
    auto const b = api.get(tile + "?province=" + lower);
    ASSERT_TRUE(a.cached && b.cached);
    EXPECT_GT(json::parse(body_of(a))["features"].size(), 0u) << tile;
    EXPECT_EQ(a.cached, b.cached) << "the second spelling rendered the tile again";
}

TEST_F(handlers, every_format_in_the_table_downloads_with_its_extension_and_type) {
    in_process api(data_);
    for (auto const& format : server::output_formats()) {
        if (format.format == server::output_format::html) continue;
        auto const r = api.get("/collections/" + c + "/items?download=1&province=S2&f=" + std::string(format.name));
        ASSERT_EQ(r.status, 200u) << format.name;
        EXPECT_EQ(r.content_type, format.media_type) << format.name;
        auto const disposition = std::find_if(r.headers.begin(), r.headers.end(), [](auto const& h) { return h.first == "Content-Disposition"; });
        ASSERT_NE(disposition, r.headers.end());
        EXPECT_NE(disposition->second.find(c + "-" + "synthetic-province-b" + std::string(format.extension) + "\""), std::string::npos)
            << disposition->second;
        EXPECT_FALSE(body_of(r).empty()) << format.name;
    }
}

// --- reloads -------------------------------------------------------------------

// A copy of the sample in a scratch folder, which the tests then change.
struct sample_copy {
    test::scratch_dir dir;
    fs::path shp = dir / "concessions.shp";
    sample_copy() { write_from(sample("synthetic_concessions.shp"), ""); }

    // Rewrites the copy from `from` (features matching `where`, or all),
    // built aside and moved into place as an editor's "save as" would.
    void write_from(fs::path const& from, std::string const& where) const {
        fs::path const aside = dir / "aside";
        fs::remove_all(aside);
        fs::create_directories(aside);
        auto const r = test::run("ogr2ogr -f 'ESRI Shapefile' " + (where.empty() ? "" : "-where " + test::quote(where) + " ") +
                                 test::quote((aside / "concessions.shp").string()) + " " + test::quote(from.string()));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        for (auto const& f : fs::directory_iterator(aside)) fs::rename(f.path(), dir / f.path().filename());
    }
    server::live_dataset::loader loader() const {
        return [shp = shp.string()] { return geo::dataset::load({shp}, sample_load_options(), {}); };
    }
    std::shared_ptr<geo::dataset const> load() const { return loader()(); }
};

std::string items_of(std::string const& c) { return "/collections/" + c + "/items?limit=10000"; }


TEST(handlers_reload, a_reload_serves_the_new_data_and_never_an_answer_of_the_old) {
    sample_copy copy;
    in_process api(copy.load(), copy.loader());
    std::string const c = "concessions";
    std::string const old_version = api.data.current()->version();
    long const all = ogr_count(copy.shp);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(api.get_json(items_of(c))["numberMatched"], all);  // cached by now
    std::string const tile = busy_tile(*api.data.current(), "mvt");
    auto const old_tile = api.get(tile);
    ASSERT_EQ(old_tile.status, 200u);

    copy.write_from(sample("synthetic_concessions.shp"), "Purpose = 'Rubber'");
    long const rubber = ogr_count(copy.shp);
    ASSERT_LT(rubber, all);
    EXPECT_GT(metric(body_of(api.get("/metrics")), "concessions_response_cache_bytes"), 0);
    EXPECT_GT(metric(body_of(api.get("/metrics")), "concessions_tile_cache_bytes"), 0);
    api.data.request_reload("test");
    api.data.wait_idle();

    auto const status = api.data.status();
    EXPECT_EQ(status.outcome, "ok") << status.message;
    // The old version's answers are gone from both caches, not just unreachable.
    auto const metrics = body_of(api.get("/metrics"));
    EXPECT_EQ(metric(metrics, "concessions_response_cache_bytes"), 0);
    EXPECT_EQ(metric(metrics, "concessions_tile_cache_bytes"), 0);
    EXPECT_NE(api.data.current()->version(), old_version);
    EXPECT_EQ(api.get_json(items_of(c))["numberMatched"], rubber);
    auto const new_tile = api.get(tile);
    EXPECT_NE(body_of(new_tile), body_of(old_tile));
    auto const health = api.get_json("/healthz");
    EXPECT_EQ(health["version"], api.data.current()->version());
    EXPECT_EQ(health["reload"]["outcome"], "ok");
    EXPECT_EQ(health["reload"]["reloads"], 1);
}

TEST(handlers_reload, a_failed_reload_keeps_the_old_data_and_says_which_source_and_why) {
    sample_copy copy;
    in_process api(copy.load(), copy.loader());
    std::string const version = api.data.current()->version();
    long const all = ogr_count(copy.shp);
    {  // a truncated .shp, as a copy cut short leaves it
        auto const bytes = test::slurp(copy.shp);
        std::ofstream(copy.shp, std::ios::binary | std::ios::trunc).write(bytes.data(), 100);
    }
    api.data.request_reload("test");
    api.data.wait_idle();
    auto const status = api.data.status();
    EXPECT_EQ(status.outcome, "failed");
    EXPECT_NE(status.message.find("concessions.shp"), std::string::npos) << status.message;
    EXPECT_EQ(api.data.current()->version(), version);
    EXPECT_EQ(api.get_json(items_of("concessions"))["numberMatched"], all);
    auto const health = api.get_json("/healthz");
    EXPECT_EQ(health["reload"]["outcome"], "failed");
    EXPECT_EQ(health["reload"]["failures"], 1);
    auto const metrics = body_of(api.get("/metrics"));
    EXPECT_NE(metrics.find("concessions_reload_failures_total 1"), std::string::npos);
    EXPECT_NE(metrics.find("concessions_reload_last_ok 0"), std::string::npos);
}

TEST(handlers_reload, a_download_under_way_finishes_with_the_data_it_started_on_which_is_then_freed) {
    sample_copy copy;
    in_process api(copy.load(), copy.loader());
    std::weak_ptr<geo::dataset const> old = api.data.current();
    long const all = ogr_count(copy.shp);
    auto download = api.get("/collections/concessions/items?f=geojson&download=1");
    ASSERT_TRUE(download.stream);
    std::string body, piece;
    bool more = download.stream(body);  // the first piece goes out before the swap

    copy.write_from(sample("synthetic_concessions.shp"), "Purpose = 'Rubber'");
    api.data.request_reload("test");
    api.data.wait_idle();
    ASSERT_EQ(api.data.status().outcome, "ok");
    EXPECT_FALSE(old.expired()) << "the download lost its dataset mid-way";
    while (more) {
        piece.clear();
        more = download.stream(piece);
        body += piece;
    }
    auto const doc = json::parse(body);
    EXPECT_EQ(doc["numberMatched"], all);
    EXPECT_EQ(doc["features"].size(), static_cast<std::size_t>(all));
    download = {};
    EXPECT_TRUE(old.expired()) << "the old dataset outlived its last request";
}

TEST(handlers_reload, ids_and_features_stay_the_same_when_the_file_is_rewritten_unchanged) {
    sample_copy copy;
    in_process api(copy.load(), copy.loader());
    auto const before = api.get_json(items_of("concessions"));
    copy.write_from(sample("synthetic_concessions.shp"), "");
    api.data.request_reload("test");
    api.data.wait_idle();
    auto const status = api.data.status();
    EXPECT_TRUE(status.outcome == "ok" || status.outcome == "unchanged") << status.outcome << ": " << status.message;
    auto const after = api.get_json(items_of("concessions"));
    EXPECT_EQ(after["features"], before["features"]);
}

// The drawn-area filter against SpatiaLite's ST_Intersects (GDAL's SQLite
// dialect) on the same file: a concave polygon, a polygon with a hole and
// a multipolygon, each selecting some features but not all.
id_set spatialite_ids(fs::path const& file, std::string const& layer, std::string const& wkt) {
    auto const rows = test::sqlite_oracle(
        file, "SELECT ROWID AS fid FROM \"" + layer + "\" WHERE ST_Intersects(ST_Transform(geometry, 4326), ST_GeomFromText('" +
                  wkt + "', 4326)) = 1");  // -1 (a null geometry) would count as true
    id_set ids;
    for (std::size_t row = 1; row < rows.size(); ++row) ids.insert(std::stoll(rows[row][0]));
    return ids;
}

std::vector<std::string> const drawn_areas = {
    "POLYGON((104.5 12.2,105.3 12.2,105.3 13.0,104.9 12.5,104.5 13.0,104.5 12.2))",
    "POLYGON((104.2 11.9,106.5 11.9,106.5 13.4,104.2 13.4,104.2 11.9),(104.8 12.3,106.0 12.3,106.0 13.0,104.8 13.0,104.8 12.3))",
    "MULTIPOLYGON(((104.3 12.0,104.8 12.0,104.8 12.5,104.3 12.0)),((105.8 12.8,106.4 12.8,106.4 13.3,105.8 13.3,105.8 12.8)))",
};

TEST_F(handlers, intersects_selects_what_spatialite_st_intersects_selects) {
    in_process api(data_);
    for (auto const& wkt : drawn_areas) {
        SCOPED_TRACE(wkt);
        auto const expected = spatialite_ids(sample("synthetic_concessions.shp"), "synthetic_concessions", wkt);
        EXPECT_GT(expected.size(), 0u);
        EXPECT_LT(expected.size(), data_->collections().front().features.size());
        auto const page = api.get_json("/collections/" + c + "/items?limit=10000&intersects=" + server::percent_encode(wkt));
        EXPECT_EQ(ids_of(page), expected);
    }
}

TEST_F(handlers, intersects_on_the_real_elc_layer_selects_what_spatialite_selects) {
    REQUIRE_SHARED_DATA();
    fs::path const elc = test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp";
    auto const real = geo::dataset::load({elc.string()}, sample_load_options(), {});
    in_process api(real);
    std::string const id = real->collections().front().id;
    // Koh Kong and the Cardamoms, drawn by hand: a concave pentagon.
    std::string const wkt = "POLYGON((102.9 11.2,104.2 11.4,104.0 12.6,103.5 11.9,103.0 12.4,102.9 11.2))";
    auto const expected = spatialite_ids(elc, "elc_complete_utm48n", wkt);
    EXPECT_GT(expected.size(), 5u);
    EXPECT_EQ(ids_of(api.get_json("/collections/" + id + "/items?limit=10000&intersects=" + server::percent_encode(wkt))),
              expected);
}

TEST_F(handlers, a_bad_drawn_area_is_a_400_that_says_what_is_wrong) {
    in_process api(data_);
    std::vector<std::pair<std::string, std::string>> const cases = {
        {"LINESTRING(104 12,105 13)", "POLYGON or MULTIPOLYGON"},
        {"POLYGON((104 12,105 12,105 13", "expected"},
        {"POLYGON((104 12,105 12,105 13,104 13))", "not closed"},
        {"POLYGON((104 12,105 12,104 12))", "at least 4"},
        {"POLYGON((104 12,105 13,105 12,104 13,104 12))", "Self-intersection"},
        {"POLYGON((12 104,13 104,13 105,12 104))", "outside"},
        {"POLYGON EMPTY", "EMPTY"},
        {"POLYGON((104 12,105 12,105 13,104 12)) x", "after the geometry"},
    };
    for (auto const& [wkt, words] : cases) {
        auto const r = api.get("/collections/" + c + "/items?intersects=" + server::percent_encode(wkt));
        EXPECT_EQ(r.status, 400u) << wkt;
        EXPECT_NE(body_of(r).find(words), std::string::npos) << wkt << ": " << body_of(r);
    }
    std::string many = "POLYGON((104 12";
    for (int i = 1; i <= 1000; ++i) many += "," + std::to_string(104 + i / 1000.0) + " 12.5";
    many += ",104 12))";
    auto const r = api.get("/collections/" + c + "/items?intersects=" + server::percent_encode(many));
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(body_of(r).find("at most 1000"), std::string::npos) << body_of(r);
}

TEST_F(handlers, the_drawn_area_names_the_download_and_keys_the_cache_canonically) {
    in_process api(data_);
    std::string const spaced = "polygon (( 104.5 12.2, 105.3 12.2, 105.3 13.0, 104.5 12.2 ))";
    std::string const tight = "POLYGON((104.5 12.2,105.3 12.2,105.3 13,104.5 12.2))";
    auto const a = api.get("/collections/" + c + "/items?f=csv&download=1&intersects=" + server::percent_encode(spaced));
    auto const b = api.get("/collections/" + c + "/items?f=csv&download=1&intersects=" + server::percent_encode(tight));
    EXPECT_EQ(body_of(a), body_of(b));
    std::string disposition;
    for (auto const& [name, value] : a.headers)
        if (name == "Content-Disposition") disposition = value;
    EXPECT_NE(disposition.find("-area"), std::string::npos) << disposition;
}

// --- issue 18 section 6: Khmer and search ------------------------------------

std::string header_of(server::response const& r, std::string const& name) {
    auto const& headers = r.cached ? r.cached->headers : r.headers;
    for (auto const& [k, v] : headers)
        if (k == name) return v;
    return {};
}

std::string etag_of(server::response const& r) { return r.cached ? r.cached->etag : r.etag; }

// Every id a filter selects, all pages at once.
id_set all_ids(in_process& api, std::string const& collection, std::string const& filter) {
    return ids_of(api.get_json("/collections/" + collection + "/items?limit=10000&" + filter));
}

// The sample without its boundary layer: the 25 provinces of the gazetteer.
std::shared_ptr<geo::dataset const> sample_by_attribute() {
    return geo::dataset::load({sample("synthetic_concessions.shp").string()}, {}, {});
}

// For every province: its Khmer name (bare, and with ខេត្ត "province")
// selects exactly the ids its English name does.
void expect_khmer_provinces_select_as_english(geo::dataset const& data, std::string const& collection) {
    in_process api(std::shared_ptr<geo::dataset const>(&data, [](geo::dataset const*) {}));
    std::size_t compared = 0;
    for (auto const& p : data.provinces().provinces()) {
        auto const g = geo::find_in_gazetteer(p.code);
        ASSERT_TRUE(g) << p.name;
        std::string const khmer(geo::gazetteer()[*g].khmer);
        id_set const english = all_ids(api, collection, "province=" + server::percent_encode(p.name));
        EXPECT_EQ(all_ids(api, collection, "province=" + server::percent_encode(khmer)), english) << p.name;
        EXPECT_EQ(all_ids(api, collection, "province=" + server::percent_encode("ខេត្ត" + khmer)), english) << p.name;
        compared += !english.empty();
    }
    EXPECT_GT(compared, 3u);
}

// The sample's provinces are synthetic ("Synthetic Province A"): no
// Khmer name stands for them, so the oracle runs on the real layers.
TEST(handlers_khmer, province_in_khmer_selects_what_its_english_name_does_on_the_real_elcs) {
    if (!test::have_shared_data()) GTEST_SKIP() << "no shared data";
    geo::load_options o;
    o.provinces_path = (test::shared_data_dir() / "nis-census2008-provinces/Provinces.shp").string();
    auto const data = geo::dataset::load({(test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp").string()}, o, {});
    ASSERT_EQ(data->collections().size(), 1u);
    expect_khmer_provinces_select_as_english(*data, data->collections().front().id);
    // Koh Kong by name, as the brief asks, and not empty.
    in_process api(data);
    std::string const id = data->collections().front().id;
    id_set const koh_kong = all_ids(api, id, "province=Koh%20Kong");
    EXPECT_FALSE(koh_kong.empty());
    EXPECT_EQ(all_ids(api, id, "province=" + server::percent_encode("កោះកុង")), koh_kong);
    // q: a company's other spelling.
    auto const pheapimex = api.get_json("/collections/" + id + "/items?limit=10000&q=Pheapimex");
    bool phea_phimex = false;
    for (auto const& f : pheapimex["features"]) phea_phimex |= f["properties"]["Name"] == "Phea Phimex Co., Ltd";
    EXPECT_TRUE(phea_phimex) << pheapimex["numberMatched"];
    EXPECT_EQ(all_ids(api, id, "q=" + server::percent_encode("កៅស៊ូ")), all_ids(api, id, "q=rubber"));
    EXPECT_FALSE(all_ids(api, id, "q=rubber").empty());
}

TEST_F(handlers, q_in_khmer_finds_what_the_english_word_finds) {
    in_process api(data_);
    auto const& col = data_->collections().front();
    int const purpose = col.field_index(col.roles.purpose);
    ASSERT_GE(purpose, 0);
    std::size_t compared = 0;
    for (auto const& [khmer, english] : std::vector<std::pair<std::string, std::string>>{
             {"កៅស៊ូ", "rubber"}, {"អំពៅ", "sugar"}, {"ដំឡូងមី", "cassava"}}) {
        id_set const by_english = all_ids(api, c, "q=" + english);
        EXPECT_EQ(all_ids(api, c, "q=" + server::percent_encode(khmer)), by_english) << english;
        compared += !by_english.empty();
    }
    EXPECT_GT(compared, 0u) << "the sample has none of these crops";
}

TEST_F(handlers, lang_and_accept_language_give_khmer_titles_and_errors) {
    // A catalog over the sample with a Khmer title.
    test::scratch_dir dir;
    {
        std::ofstream f(dir / "catalog.json");
        f << R"({"title": "t", "data_root": ")" << (test::source_dir() / "data/sample").string() << R"(",
               "provinces": {"source": "synthetic_provinces.shp"},
               "collections": [{"id": "s", "title": "Sample concessions", "title_km": "សម្បទានគំរូ",
                                "source": "synthetic_concessions.shp"}]})";
    }
    in_process api(geo::dataset::load({(dir / "catalog.json").string()}, {}, {}));
    EXPECT_EQ(api.get_json("/collections/s")["title"], "Sample concessions");
    EXPECT_EQ(api.get_json("/collections/s?lang=km")["title"], "សម្បទានគំរូ");
    auto const by_header = api.get("/collections/s", "km-KH, en;q=0.5");
    EXPECT_EQ(json::parse(body_of(by_header))["title"], "សម្បទានគំរូ");
    EXPECT_NE(json::parse(body_of(by_header))["description"].get<std::string>().find("ធាតុ"), std::string::npos);
    EXPECT_EQ(json::parse(body_of(api.get("/collections/s?lang=en", "km")))["title"], "Sample concessions");  // lang wins
    EXPECT_EQ(json::parse(body_of(api.get("/collections", "km")))["collections"][0]["title"], "សម្បទានគំរូ");
    EXPECT_NE(header_of(by_header, "Vary").find("Accept-Language"), std::string::npos);

    // Errors: the same 400 in either language.
    auto const en = api.get("/collections/s/items?province=Atlantis");
    auto const km = api.get("/collections/s/items?province=Atlantis", "km");
    EXPECT_EQ(en.status, 400u);
    EXPECT_EQ(km.status, 400u);
    EXPECT_EQ(json::parse(body_of(en))["description"].get<std::string>().rfind("unknown province 'Atlantis'", 0), 0u);
    EXPECT_EQ(json::parse(body_of(km))["description"].get<std::string>().rfind("មិនស្គាល់ខេត្ត 'Atlantis'", 0), 0u) << body_of(km);
    auto const km_404 = api.get("/collections/nothing?lang=km");
    EXPECT_EQ(km_404.status, 404u);
    EXPECT_NE(body_of(km_404).find("គ្មានស្រទាប់"), std::string::npos) << body_of(km_404);
    EXPECT_NE(header_of(km_404, "Vary").find("Accept-Language"), std::string::npos);
    // lang is no filter, and no other value is taken.
    EXPECT_EQ(api.get("/collections/s/items?lang=km").status, 200u);
    EXPECT_EQ(api.get("/collections/s/stats?lang=km").status, 200u);
    EXPECT_EQ(all_ids(api, "s", "lang=km"), all_ids(api, "s", ""));
    auto const fr = api.get("/collections/s?lang=fr");
    EXPECT_EQ(fr.status, 400u);
    EXPECT_NE(body_of(fr).find("lang must be en or km"), std::string::npos);
}

TEST(handlers_khmer, a_cached_english_answer_is_never_served_to_a_khmer_request) {
    in_process api(sample_by_attribute());
    // Twice in English, so that the answer is cached (kept from its second request).
    auto const en1 = api.get("/provinces");
    auto const en2 = api.get("/provinces");
    ASSERT_TRUE(en2.cached) << "the English answer was not cached, so this test proves nothing";
    auto const km = api.get("/provinces", "km");
    auto const en_doc = json::parse(body_of(en2)), km_doc = json::parse(body_of(km));
    ASSERT_FALSE(en_doc["features"].empty());
    auto const& first_en = en_doc["features"][0]["properties"];
    auto const& first_km = km_doc["features"][0]["properties"];
    EXPECT_EQ(first_en["title"], first_en["name"]);
    EXPECT_EQ(first_km["title"], first_km["name_km"]);
    EXPECT_EQ(first_km["name"], first_en["name"]);  // name stays English whatever the language
    EXPECT_NE(first_en["title"], first_km["title"]);
    EXPECT_NE(etag_of(en2), etag_of(km));
    EXPECT_EQ(etag_of(en2), etag_of(api.get("/provinces", "en, km;q=0.5")));
    for (auto const& f : en_doc["features"]) EXPECT_TRUE(f["properties"]["name_km"].is_string()) << f["properties"]["name"];
}

}  // namespace
