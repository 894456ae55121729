// `concessions serve` end to end on the real ODC layers, as OGC API -
// Features clients see it: GDAL's own OAPIF client, the OpenAPI document,
// conformance, queryables, collections and the province layer.

#include "tests/server/api_e2e_support.hpp"

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace api_e2e;  // the suite's server, oracles and helpers

// GDAL's OAPIF client copying the server's elc collection into `out`
// (ogr2ogr with `options`: the format and more).
test::command_result copy_elc_with_gdal(unsigned short port, std::string const& options, fs::path const& out) {
    return test::run("ogr2ogr " + options + " " + test::quote(out.string()) + " OAPIF:http://127.0.0.1:" +
                     std::to_string(port) + " elc");
}

// --- OWSLib (Debian's python3-owslib, run by Debian's Python) -------------------------

// OWSLib sends no Accept of its own (requests' "*/*"): every OGC document
// must answer it with JSON, not the page.
TEST_F(server_e2e_api, owslib_reads_the_landing_page_collections_items_filters_and_queryables) {
    time_bound bound;
    if (!fs::exists("/usr/bin/python3") || test::run("/usr/bin/python3 -c 'import owslib'").exit_code != 0)
        GTEST_SKIP() << "SKIPPED: OWSLib is not installed (scripts/setup installs python3-owslib)";
    std::string const script =
        "import json\n"
        "from owslib.ogcapi.features import Features\n"
        "w = Features('http://127.0.0.1:" +
        std::to_string(port()) +
        "')\n"
        "out = {'landing': sorted(l['rel'] for l in w.links),\n"
        "       'conformance': w.conformance()['conformsTo'],\n"
        "       'collections': [c['id'] for c in w.collections()['collections']],\n"
        "       'page': w.collection_items('elc', limit=5)['numberMatched'],\n"
        "       'filtered': [f['id'] for f in w.collection_items('elc', filter='Hectares > 10000', "
        "limit=1000)['features']],\n"
        "       'queryables': sorted(w.collection_queryables('elc')['properties']),\n"
        "       'utm': w.collection_items('elc', limit=1, "
        "crs='http://www.opengis.net/def/crs/EPSG/0/32648')['features'][0]['geometry']['coordinates'],\n"
        "       'storage': w.collection('elc')['storageCrs']}\n"
        "print(json.dumps(out))\n";
    test::scratch_dir dir;
    std::ofstream(dir / "owslib_check.py") << script;
    auto const r = test::run("/usr/bin/python3 " + test::quote((dir / "owslib_check.py").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json const got = json::parse(r.out);
    EXPECT_FALSE(got["landing"].empty());
    EXPECT_NE(got["conformance"].dump().find("ogcapi-features-1/1.0/conf/core"), std::string::npos);
    std::ifstream in(catalog());
    json const cat = json::parse(in);
    EXPECT_EQ(got["collections"].size(), cat["collections"].size());
    EXPECT_EQ(got["page"], ogr_feature_count(elc_shp().string()));
    std::set<long> filtered;
    for (auto const& id : got["filtered"]) filtered.insert(id.get<long>());
    EXPECT_EQ(filtered, oracle_ids(elc_shp(), "SELECT rowid FROM elc_complete_utm48n WHERE Hectares > 10000"));
    EXPECT_NE(got["queryables"].dump().find("\"Hectares\""), std::string::npos);
    // crs= through OWSLib's own keyword: UTM 48N metres (Cambodia: eastings 2-8e5, northings 1.1-1.7e6).
    json first = got["utm"];
    while (first.is_array() && first[0].is_array()) first = first[0];
    ASSERT_TRUE(first.is_array() && first.size() == 2) << got["utm"].dump().substr(0, 200);
    EXPECT_GT(first[0].get<double>(), 100000.0);
    EXPECT_GT(first[1].get<double>(), 1000000.0);
    EXPECT_EQ(got["storage"], "http://www.opengis.net/def/crs/EPSG/0/32648");
}

// Any client that does not put text/html first gets JSON; a browser the
// page at /.
TEST_F(server_e2e_api, only_a_client_that_asks_for_html_first_gets_the_page) {
    for (auto const& [accept, html] : std::vector<std::pair<std::string, bool>>{
             {"", false},
             {"*/*", false},
             {"application/json", false},
             {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},  // Chromium's
             {"application/json;q=0.5, text/html", true},
             {"text/html;q=0.5, application/json", false}}) {
        for (std::string const target : {"/", "/collections", "/collections/elc", "/conformance"}) {
            auto const r = get(target, accept.empty() ? std::string() : "Accept: " + accept + "\r\n");
            EXPECT_EQ(r.status, 200) << target;
            // The map page stands for the landing page; the other documents are JSON alone.
            EXPECT_EQ(header(r, "content-type").starts_with("text/html"), html && target == "/")
                << target << " with Accept: " << accept;
        }
    }
}

// skipGeometry and properties= (issue 13 part 3): the same features, cut
// to what a table needs, against the source's own values.
TEST_F(server_e2e_api, skip_geometry_and_properties_cut_items_and_downloads_to_a_table) {
    time_bound bound;
    auto const source = test::sqlite_oracle(elc_shp(), "SELECT rowid, Name, Hectares FROM elc_complete_utm48n");
    std::map<long, std::pair<std::string, std::string>> expected;  // id -> (Name, Hectares as CSV writes it)
    for (std::size_t i = 1; i < source.size(); ++i) expected[std::stol(source[i][0])] = {source[i][1], source[i][2]};
    ASSERT_EQ(expected.size(), 225u);

    for (std::string const target : {"/collections/elc/items?limit=10000&skipGeometry=true&properties=Name,Hectares",
                                     "/collections/elc/items?f=geojson&download=1&skipGeometry=true&properties=Name,Hectares"}) {
        json const doc = get_json(target);
        ASSERT_EQ(doc["features"].size(), expected.size()) << target;
        for (auto const& f : doc["features"]) {
            EXPECT_TRUE(f["geometry"].is_null()) << target;
            auto const& p = f["properties"];
            ASSERT_EQ(p.size(), 2u) << p.dump();
            auto const& [name, hectares] = expected[f["id"].get<long>()];
            EXPECT_EQ(p["Name"].is_null() ? "" : p["Name"].get<std::string>(), name);
            EXPECT_NEAR(p["Hectares"].get<double>(), std::stod(hectares), 1e-6);
        }
    }
    auto const csv = test::parse_csv(get("/collections/elc/items?f=csv&limit=10000&skipGeometry=true&properties=Name,Hectares").body);
    ASSERT_EQ(csv.size(), expected.size() + 1);
    // The ELC layer has an Id field of its own: the server's id column is id_1, as in GeoPackage and shapefile
    // downloads.
    EXPECT_EQ(csv[0], (std::vector<std::string>{"id_1", "Name", "Hectares"}));
    for (std::size_t row = 1; row < csv.size(); ++row) {
        ASSERT_EQ(csv[row].size(), 3u);
        EXPECT_EQ(csv[row][1], expected[std::stol(csv[row][0])].first);
    }
    // Only properties: the geometry stays; the whole download keeps its provenance columns.
    auto const download = test::parse_csv(get("/collections/elc/items?f=csv&download=1&properties=Name").body);
    EXPECT_EQ(download[0], (std::vector<std::string>{"id_1", "Name", "WKT", "source_layer", "data_version"}));
    EXPECT_EQ(get("/collections/elc/items?f=gpkg&skipGeometry=true").status, 400);
    EXPECT_EQ(get("/collections/elc/items?properties=Nope").status, 400);
    EXPECT_EQ(get("/collections/elc/items?skipGeometry=maybe").status, 400);
}

// --- GDAL's OGC API - Features client -----------------------------------------------

TEST_F(server_e2e_api, gdal_oapif_client_lists_every_collection) {
    time_bound bound;
    auto const r = test::run("ogrinfo -ro OAPIF:http://127.0.0.1:" + std::to_string(port()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> listed;
    std::regex const layer_line(R"((?:^|\n)\d+: ([^ \n]+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), layer_line), end; it != end; ++it) listed.insert((*it)[1]);
    std::ifstream in(catalog());
    json const cat = json::parse(in);
    std::set<std::string> expected;
    for (auto const& c : cat["collections"]) expected.insert(c["id"].get<std::string>());
    EXPECT_EQ(listed, expected) << r.out;
}

// GDAL types each field from the collection's describedBy JSON Schema when
// there is one, else from the first page of features: a Real field whose
// first values are written as 5643 rather than 5643.0 becomes Integer, and
// later values such as 114.41 arrive truncated. So every feature is checked,
// not a few.
TEST_F(server_e2e_api, gdal_oapif_client_fetches_every_elc_with_its_attributes) {
    time_bound bound;
    test::scratch_dir dir;
    fs::path const out = dir / "elc.geojson";
    auto const r = copy_elc_with_gdal(port(), "-preserve_fid -f GeoJSON", out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ogr_feature_count(out.string()), ogr_feature_count(elc_shp().string()));

    std::ifstream in(out);
    json const doc = json::parse(in);
    ASSERT_EQ(doc["features"].size(), 225u);
    auto const source = test::sqlite_oracle(elc_shp(), "SELECT rowid AS fid, Name, Hectares FROM elc_complete_utm48n");
    std::map<long, std::pair<std::string, std::string>> expected;
    for (std::size_t i = 1; i < source.size(); ++i) expected[std::stol(source[i][0])] = {source[i][1], source[i][2]};
    std::set<long> ids;
    for (auto const& f : doc["features"]) {
        ASSERT_TRUE(f.contains("id")) << "GDAL kept no feature id";
        long const id = f["id"];
        ids.insert(id);
        ASSERT_TRUE(expected.count(id)) << id;
        auto const& p = f["properties"];
        ASSERT_TRUE(p.contains("Name") && p.contains("Hectares")) << p.dump();
        auto const& [name, hectares] = expected[id];
        if (name.empty())
            EXPECT_TRUE(p["Name"].is_null() || p["Name"] == "") << id;
        else
            EXPECT_EQ(p["Name"], name) << "feature " << id;
        if (!hectares.empty()) {
            ASSERT_TRUE(p["Hectares"].is_number()) << id << ": " << p["Hectares"];
            EXPECT_NEAR(p["Hectares"].get<double>(), std::stod(hectares), 1e-6) << "feature " << id;
        }
    }
    EXPECT_EQ(ids.size(), 225u);
}

// Clients that read no arrays (QGIS 3.22's OAPIF provider reads the
// provinces list as NULL) get the provinces flat: province_names, and the
// province holding most of a concession with its share, agreeing with the
// list. No item and no CSV of any layer has two properties whose names
// differ only by case: beside the ELC layer's own Provinces (and Id, in
// CSV), the added provinces (and id) are provinces_1 (and id_1) in items
// as in CSV and file downloads, and properties=provinces still asks for it.
TEST_F(server_e2e_api, provinces_come_flat_and_no_two_properties_differ_only_by_case) {
    time_bound bound;
    std::size_t with_provinces = 0;
    json const items = get_json("/collections/elc/items?limit=10000");
    for (auto const& f : items["features"]) {
        auto const& p = f["properties"];
        ASSERT_TRUE(p["provinces_1"].is_array()) << f["id"];
        ASSERT_FALSE(p.contains("provinces")) << f["id"];
        ASSERT_TRUE(p.contains("Provinces")) << f["id"];  // the source's own, untouched
        std::string names;
        for (auto const& share : p["provinces_1"])
            names += (names.empty() ? "" : "; ") + share["name"].get<std::string>();
        if (names.empty()) {
            EXPECT_TRUE(p["province_names"].is_null() && p["main_province"].is_null()) << f["id"];
            continue;
        }
        ++with_provinces;
        EXPECT_EQ(p["province_names"], names) << f["id"];
        EXPECT_EQ(p["main_province"], p["provinces_1"][0]["name"]) << f["id"];
        EXPECT_EQ(p["main_province_share"], p["provinces_1"][0]["share"]) << f["id"];
        for (auto const& share : p["provinces_1"])
            EXPECT_LE(share["share"].get<double>(), p["main_province_share"].get<double>());
    }
    EXPECT_GT(with_provinces, 200u);
    auto const lower = [](std::string name) {
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return name;
    };
    json const collections = get_json("/collections");
    for (auto const& c : collections["collections"]) {
        std::string const id = c["id"];
        auto const csv = test::parse_csv(get("/collections/" + id + "/items?f=csv&limit=1").body);
        ASSERT_FALSE(csv.empty()) << id;
        std::set<std::string> seen;
        for (auto const& name : csv[0]) EXPECT_TRUE(seen.insert(lower(name)).second) << id << ": two columns named " << name;
        json const one = get_json("/collections/" + id + "/items?limit=1");
        ASSERT_EQ(one["features"].size(), 1u) << id;
        seen.clear();
        for (auto const& [name, value] : one["features"][0]["properties"].items())
            EXPECT_TRUE(seen.insert(lower(name)).second) << id << ": two properties named " << name;
        EXPECT_TRUE(seen.count("provinces") || seen.count("provinces_1")) << id;
    }
    auto const elc = test::parse_csv(get("/collections/elc/items?f=csv&limit=1").body)[0];
    EXPECT_NE(std::find(elc.begin(), elc.end(), "provinces_1"), elc.end());
    EXPECT_NE(std::find(elc.begin(), elc.end(), "Provinces"), elc.end());
    // Asked for by either name, the added list comes under the name items give it.
    for (std::string const asked : {"provinces", "provinces_1"}) {
        json const cut = get_json("/collections/elc/items?limit=1&properties=" + asked);
        ASSERT_EQ(cut["features"].size(), 1u) << asked;
        auto const& p = cut["features"][0]["properties"];
        EXPECT_EQ(p.size(), 1u) << asked << ": " << p.dump();
        EXPECT_TRUE(p["provinces_1"].is_array()) << asked << ": " << p.dump();
    }
    EXPECT_EQ(get("/collections/elc/items?limit=1&properties=provinces_x").status, 400);
}

// /queryables lists main_province and province_names, so name=value takes
// them as it takes every queryable: case-insensitive equality, the same
// features as the CQL2 filter and as the items' own flat names say, and
// AND-ed with a filter= given beside.
TEST_F(server_e2e_api, flat_province_names_filter_as_name_equals_value) {
    time_bound bound;
    json const all = get_json("/collections/elc/items?limit=10000");
    std::set<long> in_kratie, only_kratie;
    for (auto const& f : all["features"]) {
        if (f["properties"]["main_province"] == "Kratie") in_kratie.insert(f["id"].get<long>());
        if (f["properties"]["province_names"] == "Kratie") only_kratie.insert(f["id"].get<long>());
    }
    ASSERT_GT(in_kratie.size(), only_kratie.size());
    ASSERT_FALSE(only_kratie.empty());
    auto ids = [&](std::string const& target) {
        std::set<long> out;
        json const doc = get_json(target);
        for (auto const& f : doc["features"]) out.insert(f["id"].get<long>());
        EXPECT_EQ(doc["numberMatched"].get<std::size_t>(), out.size()) << target;
        return out;
    };
    EXPECT_EQ(ids("/collections/elc/items?limit=10000&main_province=kratie"), in_kratie);
    EXPECT_EQ(ids("/collections/elc/items?limit=10000&filter=main_province%3D%27Kratie%27"), in_kratie);
    EXPECT_EQ(ids("/collections/elc/items?limit=10000&province_names=KRATIE"), only_kratie);
    std::set<long> big;
    for (auto const& f : all["features"])
        if (in_kratie.count(f["id"].get<long>()) && f["properties"]["area_ha"].get<double>() > 5000)
            big.insert(f["id"].get<long>());
    EXPECT_EQ(ids("/collections/elc/items?limit=10000&main_province=Kratie&filter=area_ha%20%3E%205000"), big);
    EXPECT_EQ(get_json("/collections/elc/stats?main_province=Kratie")["numberMatched"].get<std::size_t>(), in_kratie.size());
    EXPECT_TRUE(ids("/collections/elc/items?main_province=Nowhere%27s").empty());  // a quote in the value
}

// GDAL's OAPIF client copies the ELC layer into a GeoPackage (where field
// names compare without case) with no field renamed: the source's
// Provinces and the added provinces_1 are two fields, each as the server
// wrote it.
TEST_F(server_e2e_api, gdal_copies_elc_into_a_geopackage_without_renaming_a_field) {
    time_bound bound;
    test::scratch_dir dir;
    fs::path const out = dir / "elc.gpkg";
    auto const r = copy_elc_with_gdal(port(), "-f GPKG", out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("Renaming"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("already exists"), std::string::npos) << r.err;
    auto const rows = test::sqlite_oracle(out, "SELECT Provinces, provinces_1, province_names FROM elc WHERE fid = 1");
    ASSERT_EQ(rows.size(), 2u);
    json const item = get_json("/collections/elc/items/1");
    EXPECT_EQ(rows[1][0], item["properties"]["Provinces"].get<std::string>());
    EXPECT_EQ(json::parse(rows[1][1]), item["properties"]["provinces_1"]);
    EXPECT_EQ(rows[1][2], item["properties"]["province_names"].get<std::string>());
}

// A filter dialog can offer the values of low-cardinality text: the ELC
// layer's Nation lists exactly the values SQLite finds in the shapefile,
// and free text (Name) lists none.
TEST_F(server_e2e_api, queryables_list_the_values_of_text_with_few_of_them) {
    json const q = get_json("/collections/elc/queryables");
    auto const& nation = q["properties"]["Nation"];
    ASSERT_TRUE(nation.contains("enum")) << nation.dump();
    std::set<std::string> listed;
    for (auto const& v : nation["enum"]) listed.insert(v.get<std::string>());
    auto const rows = test::sqlite_oracle(
        elc_shp(), "SELECT DISTINCT Nation FROM elc_complete_utm48n WHERE Nation IS NOT NULL AND Nation <> ''");
    std::set<std::string> expected;
    for (std::size_t i = 1; i < rows.size(); ++i) expected.insert(rows[i][0]);
    EXPECT_EQ(listed, expected);
    EXPECT_FALSE(q["properties"]["Name"].contains("enum"));
    EXPECT_FALSE(q["properties"]["Hectares"].contains("enum"));
}

// GDAL's OAPIF driver pages through the items in small pages (PAGE_SIZE,
// following the next links) and sends a spatial filter as bbox=: the same
// features as SpatiaLite's ST_Intersects on the source.
TEST_F(server_e2e_api, gdal_oapif_client_pages_and_sends_a_box) {
    time_bound bound;
    test::scratch_dir dir;
    fs::path const out = dir / "box.geojson";
    query_box const box{104.0, 12.0, 106.5, 13.5};
    auto const r = test::run("ogr2ogr -preserve_fid -oo PAGE_SIZE=25 -spat 104 12 106.5 13.5 -f GeoJSON " +
                             test::quote(out.string()) + " OAPIF:http://127.0.0.1:" + std::to_string(port()) + " elc");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out);
    json const doc = json::parse(in);
    std::set<long> got;
    for (auto const& f : doc["features"]) got.insert(f["id"].get<long>());
    auto const expected = oracle_bbox_ids(elc_layer(), {box}).front();
    EXPECT_GT(expected.size(), 25u);  // more than a page
    EXPECT_EQ(got, expected) << "GDAL " << describe(got) << ", SpatiaLite " << describe(expected);
}

// --- OGC documents ------------------------------------------------------------------------

TEST_F(server_e2e_api, openapi_lists_every_path_and_each_answers) {
    time_bound bound;
    auto const reply = get("/api");
    ASSERT_EQ(reply.status, 200);
    EXPECT_NE(header(reply, "content-type").find("openapi"), std::string::npos) << header(reply, "content-type");
    json const doc = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(doc.is_object());
    ASSERT_TRUE(doc["openapi"].is_string());
    EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 4), "3.0.");
    std::set<std::string> paths;
    for (auto const& [path, _] : doc["paths"].items()) paths.insert(path);
    for (std::string const p : {"/", "/api", "/conformance", "/collections", "/collections/{collectionId}",
                                "/collections/{collectionId}/queryables", "/collections/{collectionId}/items",
                                "/collections/{collectionId}/items/{featureId}", "/collections/{collectionId}/stats",
                                "/collections/{collectionId}/timeline", "/collections/{collectionId}/overlaps/{otherId}",
                                "/provinces", "/provinces/{province}", "/companies", "/companies/{slug}", "/healthz",
                                "/metrics", "/download"})
        EXPECT_TRUE(paths.count(p)) << p << " missing from /api";
    // Every documented path exists.
    for (std::string path : paths) {
        path = std::regex_replace(path, std::regex(R"(\{collectionId\})"), "elc");
        path = std::regex_replace(path, std::regex(R"(\{featureId\})"), "0");
        path = std::regex_replace(path, std::regex(R"(\{province\})"), "Kratie");
        path = std::regex_replace(path, std::regex(R"(\{otherId\})"), "protected-areas");
        path = std::regex_replace(path, std::regex(R"(\{slug\})"), "angkor-sugar");
        if (path == "/download") path += "?collections=elc";  // its one required parameter
        EXPECT_EQ(get(path).status, 200) << path;
    }
}

TEST_F(server_e2e_api, conformance_queryables_and_collections) {
    time_bound bound;
    json const conformance = get_json("/conformance");
    ASSERT_TRUE(conformance.is_object());
    std::set<std::string> classes;
    for (auto const& c : conformance["conformsTo"]) classes.insert(c.get<std::string>());
    for (std::string const c : {"core", "geojson", "oas30"})
        EXPECT_TRUE(classes.count("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + c)) << c;

    // Every field of the ELC shapefile is queryable, with its JSON type.
    auto const fields = ogr_fields(elc_shp().string());
    ASSERT_GT(fields.size(), 10u);
    json const queryables = get_json("/collections/elc/queryables");
    ASSERT_TRUE(queryables.is_object());
    EXPECT_EQ(queryables["type"], "object");
    std::map<std::string, std::string> const json_type = {
        {"Integer", "integer"}, {"Integer64", "integer"}, {"Real", "number"}, {"String", "string"}, {"Date", "string"}};
    for (auto const& [name, type] : fields) {
        ASSERT_TRUE(queryables["properties"].contains(name)) << name;
        EXPECT_EQ(queryables["properties"][name]["type"], json_type.at(type)) << name;
    }
    // Every catalogued collection has its page and queryables.
    std::ifstream in(catalog());
    json const cat = json::parse(in);
    for (auto const& c : cat["collections"]) {
        std::string const id = c["id"];
        json const one = get_json("/collections/" + id);
        EXPECT_EQ(one["id"], id);
        EXPECT_EQ(one["title"], c["title"]);
        EXPECT_EQ(get("/collections/" + id + "/queryables").status, 200) << id;
    }
}

TEST_F(server_e2e_api, provinces_are_24_features_with_counts_per_collection) {
    time_bound bound;
    long const source = ogr_feature_count(provinces_shp().string());
    ASSERT_EQ(source, 24);
    json const doc = get_json("/provinces");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["type"], "FeatureCollection");
    ASSERT_EQ(static_cast<long>(doc["features"].size()), source);
    auto const elc = oracle_province_counts(elc_shp());
    auto const mining = oracle_province_counts(mining_shp());
    std::map<std::string, long> elc_by_code, mining_by_code;
    for (auto const& [name, c] : elc) elc_by_code[c.code] = c.count;
    for (auto const& [name, c] : mining) mining_by_code[c.code] = c.count;
    for (auto const& f : doc["features"]) {
        std::string const code = f["properties"]["code"];
        ASSERT_TRUE(f["geometry"].is_object()) << code;
        EXPECT_EQ(f["properties"]["collections"]["elc"]["count"].get<long>(), elc_by_code.at(code)) << code;
        EXPECT_EQ(f["properties"]["collections"]["mining"]["count"].get<long>(), mining_by_code.at(code)) << code;
    }
}

}  // namespace
