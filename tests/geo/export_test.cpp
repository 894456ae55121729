// Exporting selected features with GDAL's drivers, checked with GDAL's own
// ogrinfo/ogr2ogr (and unzip) reading the files back.

#include "geo/loader.hpp"
#include "geo/vector_export.hpp"

#include "tests/support/test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace geo {
// For GoogleTest's names of parameterised tests.
void PrintTo(export_format format, std::ostream* out) {
    *out << (format == export_format::kml ? "kml" : format == export_format::gpkg ? "gpkg" : "shp");
}
}  // namespace geo

namespace {

namespace fs = std::filesystem;
using geo::export_format;

geo::snapshot const& sample() {
    static geo::snapshot const snap = [] {
        geo::load_options opts;
        opts.provinces_path = (test::source_dir() / "data/sample/synthetic_provinces.shp").string();
        auto s = geo::load({(test::source_dir() / "data/sample/synthetic_concessions.shp").string()}, opts);
        EXPECT_TRUE(s.failures.empty()) << s.failures.front().message;
        EXPECT_EQ(s.collections.size(), 1u);
        return s;
    }();
    return snap;
}

geo::collection const& sample_collection() { return sample().collections.at(0); }

geo::export_provenance provenance_of(geo::collection const& c) {
    return {c.source, c.id, "2026-11-29T01:02:03Z", "/collections/" + c.id + "/items?province=Koh%20Kong"};
}

std::vector<std::uint32_t> everything(geo::collection const& c) {
    std::vector<std::uint32_t> all(c.features.size());
    for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
    return all;
}

std::uint32_t null_geometry_position(geo::collection const& c) {
    for (std::uint32_t i = 0; i < c.features.size(); ++i)
        if (c.features[i].geom.empty()) return i;
    ADD_FAILURE() << "the sample has no feature without geometry";
    return 0;
}

std::string run_ok(std::string const& command) {
    auto const r = test::run(command);
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    return r.out;
}

// `ogrinfo -so -al` of a file (or /vsizip/ path): the layer summary.
std::string summary(std::string const& datasource) { return run_ok("ogrinfo -ro -so -al " + test::quote(datasource)); }

long feature_count(std::string const& ogrinfo_summary) {
    auto const at = ogrinfo_summary.find("Feature Count: ");
    EXPECT_NE(at, std::string::npos) << ogrinfo_summary;
    return at == std::string::npos ? -1 : std::stol(ogrinfo_summary.substr(at + 15));
}

bool contains(std::string const& text, std::string const& part) { return text.find(part) != std::string::npos; }

std::string datasource(fs::path const& file, export_format format, std::string const& id) {
    return format == export_format::shp ? "/vsizip/" + file.string() + "/" + id + ".shp" : file.string();
}

// GDAL's KML driver keeps layer names to XML element names.
std::string layer_name(export_format format, std::string id) {
    if (format == export_format::kml) std::replace(id.begin(), id.end(), '-', '_');
    return "\"" + id + "\"";
}

// The SQLite dialect calls a GeoPackage's geometry by its column name, the
// others' GEOMETRY.
std::string geometry_column(export_format format) { return format == export_format::gpkg ? "geom" : "GEOMETRY"; }

char const* extension(export_format format) {
    return format == export_format::kml ? ".kml" : format == export_format::gpkg ? ".gpkg" : ".zip";
}

// Dates come back from GDAL's CSV as 2008/02/05.
std::string iso(std::string s) {
    std::replace(s.begin(), s.end(), '/', '-');
    return s;
}

class export_each_format : public ::testing::TestWithParam<export_format> {};

std::string format_label(::testing::TestParamInfo<export_format> const& info) {
    switch (info.param) {
        case export_format::kml: return "kml";
        case export_format::gpkg: return "gpkg";
        case export_format::shp: return "shp";
    }
    return "unknown";
}

// The whole sample: counts, the null-geometry feature, values, types, CRS.
TEST_P(export_each_format, WritesEveryFeatureOfTheSample) {
    auto const format = GetParam();
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / (std::string("all") + extension(format));
    geo::export_features(c, everything(c), sample().provinces, format, out, provenance_of(c));
    ASSERT_TRUE(fs::exists(out));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
        << "no partial or side files are left beside the output";

    std::string const ds = datasource(out, format, c.id);
    std::string const info = summary(ds);
    EXPECT_EQ(feature_count(info), static_cast<long>(c.features.size()));
    EXPECT_TRUE(contains(info, "GEOGCRS[\"WGS 84\"")) << info;
    EXPECT_TRUE(contains(info, "ID[\"EPSG\",4326]")) << info;
    EXPECT_TRUE(contains(info, "Extent: (104.") || contains(info, "Extent: (105.") || contains(info, "Extent: (106."))
        << "longitude first: " << info;
    if (format == export_format::gpkg) {
        EXPECT_TRUE(contains(info, "Geometry: Multi Polygon")) << info;
        EXPECT_TRUE(contains(info, "contract_date: Date")) << info;
    }
    if (format == export_format::shp) {
        EXPECT_TRUE(contains(info, "Geometry: Polygon")) << info;
        EXPECT_TRUE(contains(info, "contract_d: Date")) << info;
    }
    EXPECT_TRUE(contains(info, "Hectares: Real")) << info;
    EXPECT_TRUE(contains(info, "id: Integer")) << info;

    std::string const layer = layer_name(format, c.id);
    auto const null_rows =
        test::sqlite_oracle(ds, "SELECT id FROM " + layer + " WHERE " + geometry_column(format) + " IS NULL");
    ASSERT_EQ(null_rows.size(), 2u) << "one feature without geometry, kept";
    EXPECT_EQ(null_rows[1][0], std::to_string(c.features[null_geometry_position(c)].id));

    std::string const date_column = format == export_format::shp ? "contract_d" : "contract_date";
    auto const rows =
        test::sqlite_oracle(ds, "SELECT id, Name, Hectares, Duration, area_ha, " + date_column + ", provinces FROM " +
                                    layer + " WHERE id IN (0, 1, 57, 154, 299) ORDER BY id");
    ASSERT_EQ(rows.size(), 6u);
    for (std::size_t r = 1; r < rows.size(); ++r) {
        auto const& row = rows[r];
        std::int64_t const id = std::stoll(row[0]);
        auto const& f = *std::find_if(c.features.begin(), c.features.end(), [&](auto const& f) { return f.id == id; });
        SCOPED_TRACE("feature " + row[0]);
        EXPECT_EQ(row[1], std::get<std::string>(f.properties[c.field_index("Name")]));
        EXPECT_NEAR(std::stod(row[2]), std::get<double>(f.properties[c.field_index("Hectares")]), 1e-6);
        EXPECT_EQ(std::stoll(row[3]), std::get<std::int64_t>(f.properties[c.field_index("Duration")]));
        EXPECT_NEAR(std::stod(row[4]), f.area_ha, 1e-6 * std::max(1.0, f.area_ha));
        EXPECT_EQ(iso(row[5]), f.contract_date.value_or(""));
        if (!f.provinces.empty()) {
            std::string const first = sample().provinces.provinces()[f.provinces.front().province].name;
            EXPECT_EQ(row[6].rfind(first + " (", 0), 0u) << row[6];
            EXPECT_TRUE(contains(row[6], "%)")) << row[6];
        }
    }
}

// A subset keeps its order, and the null-geometry feature in it.
TEST_P(export_each_format, WritesASubsetInSelectionOrder) {
    auto const format = GetParam();
    auto const& c = sample_collection();
    std::vector<std::uint32_t> const selection = {200, 3, null_geometry_position(c), 42, 7};
    test::scratch_dir dir;
    fs::path const out = dir / (std::string("subset") + extension(format));
    geo::export_features(c, selection, sample().provinces, format, out, provenance_of(c));
    std::string const ds = datasource(out, format, c.id);
    EXPECT_EQ(feature_count(summary(ds)), static_cast<long>(selection.size()));
    auto const rows = test::sqlite_oracle(ds, "SELECT id, Name FROM " + layer_name(format, c.id));
    ASSERT_EQ(rows.size(), selection.size() + 1);
    for (std::size_t i = 0; i < selection.size(); ++i) {
        auto const& f = c.features[selection[i]];
        EXPECT_EQ(rows[i + 1][0], std::to_string(f.id));
        EXPECT_EQ(rows[i + 1][1], std::get<std::string>(f.properties[c.field_index("Name")]));
    }
}

// Exporting again replaces the file rather than adding to it.
TEST_P(export_each_format, ReplacesAnExistingFile) {
    auto const format = GetParam();
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / (std::string("again") + extension(format));
    geo::export_features(c, everything(c), sample().provinces, format, out, provenance_of(c));
    geo::export_features(c, {1, 2}, sample().provinces, format, out, provenance_of(c));
    EXPECT_EQ(feature_count(summary(datasource(out, format, c.id))), 2);
}

TEST_P(export_each_format, NamesTheOutputWhenItsDirectoryIsMissing) {
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / "no" / "such" / (std::string("dir") + extension(GetParam()));
    try {
        geo::export_features(c, {0}, sample().provinces, GetParam(), out, provenance_of(c));
        FAIL() << "no export_error";
    } catch (geo::export_error const& e) {
        EXPECT_TRUE(contains(e.what(), out.string())) << e.what();
        EXPECT_TRUE(contains(e.what(), "does not exist")) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "no"));
}

TEST_P(export_each_format, RefusesAPositionOutsideTheCollection) {
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / (std::string("bad") + extension(GetParam()));
    try {
        geo::export_features(c, {0, static_cast<std::uint32_t>(c.features.size())}, sample().provinces, GetParam(), out,
                             provenance_of(c));
        FAIL() << "no export_error";
    } catch (geo::export_error const& e) {
        EXPECT_TRUE(contains(e.what(), out.string())) << e.what();
        EXPECT_TRUE(contains(e.what(), std::to_string(c.features.size()))) << e.what();
    }
    EXPECT_TRUE(fs::is_empty(dir.path())) << "nothing is left behind";
}

INSTANTIATE_TEST_SUITE_P(formats, export_each_format,
                         ::testing::Values(export_format::kml, export_format::gpkg, export_format::shp), format_label);

// --- provenance, in each format's own place ------------------------------------

TEST(export_provenance, KmlDocumentNameAndDescription) {
    auto const& c = sample_collection();
    auto provenance = provenance_of(c);
    provenance.query += "&purpose=<Rubber>";  // XML's special characters, escaped
    test::scratch_dir dir;
    fs::path const out = dir / "p.kml";
    geo::export_features(c, {0, 1}, sample().provinces, export_format::kml, out, provenance);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    std::string const kml = text.str();
    // The root <Document>'s first children, before its schema and features.
    auto const document = kml.find("<Document");
    ASSERT_NE(document, std::string::npos) << kml.substr(0, 500);
    auto const name = kml.find("<name>", document);
    EXPECT_EQ(kml.substr(name, 6 + c.id.size() + 7), "<name>" + c.id + "</name>");
    auto const description = kml.find("<description>", document);
    ASSERT_NE(description, std::string::npos);
    EXPECT_LT(description, kml.find("<Schema"));
    EXPECT_LT(description, kml.find("<Placemark"));
    std::string const body = kml.substr(description, kml.find("</description>", description) - description);
    EXPECT_TRUE(contains(body, "Source: " + c.source)) << body;
    EXPECT_TRUE(contains(body, "collection: " + c.id)) << body;
    EXPECT_TRUE(contains(body, "extracted at: 2026-11-29T01:02:03Z")) << body;
    EXPECT_TRUE(contains(body, "query: /collections/" + c.id + "/items?province=Koh%20Kong&amp;purpose=&lt;Rubber&gt;"))
        << body;
    EXPECT_EQ(feature_count(summary(out.string())), 2) << "still well-formed";
}

TEST(export_provenance, GeoPackageMetadataAndLayerDescription) {
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / "p.gpkg";
    geo::export_features(c, {0, 1}, sample().provinces, export_format::gpkg, out, provenance_of(c));
    // Plain ogrinfo prints the dataset's metadata, -so -al the layer's.
    std::string const dataset = run_ok("ogrinfo -ro " + test::quote(out.string()));
    std::string const layer = summary(out.string());
    for (std::string const* info : {&dataset, &layer}) {
        EXPECT_TRUE(contains(*info, "SOURCE=" + c.source)) << *info;
        EXPECT_TRUE(contains(*info, "COLLECTION=" + c.id)) << *info;
        EXPECT_TRUE(contains(*info, "EXTRACTED_AT=2026-11-29T01:02:03Z")) << *info;
        EXPECT_TRUE(contains(*info, "QUERY=/collections/" + c.id + "/items?province=Koh%20Kong")) << *info;
    }
    EXPECT_TRUE(contains(layer, "DESCRIPTION=Source: " + c.source)) << layer;
    // Where GeoPackage itself keeps them, read with SQL.
    auto const contents = test::sqlite_oracle(out, "SELECT description FROM gpkg_contents");
    ASSERT_EQ(contents.size(), 2u);
    EXPECT_TRUE(contains(contents[1][0], "query: /collections/" + c.id)) << contents[1][0];
    auto const metadata = test::sqlite_oracle(out, "SELECT metadata FROM gpkg_metadata");
    ASSERT_GE(metadata.size(), 2u);
    EXPECT_TRUE(contains(metadata[1][0], "EXTRACTED_AT")) << metadata[1][0];
}

TEST(export_provenance, ShapefileZipHoldsSourceTxt) {
    auto const& c = sample_collection();
    test::scratch_dir dir;
    fs::path const out = dir / "p.zip";
    geo::export_features(c, {0, 1, null_geometry_position(c)}, sample().provinces, export_format::shp, out,
                         provenance_of(c));
    std::string const listing = run_ok("unzip -Z1 " + test::quote(out.string()));
    for (char const* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
        EXPECT_TRUE(contains(listing, c.id + ext + "\n")) << listing;
    EXPECT_TRUE(contains(listing, "source.txt\n")) << listing;
    EXPECT_EQ(run_ok("unzip -p " + test::quote(out.string()) + " " + test::quote(c.id + ".cpg")), "UTF-8");
    std::string const txt = run_ok("unzip -p " + test::quote(out.string()) + " source.txt");
    EXPECT_TRUE(contains(txt, "source: " + c.source + "\n")) << txt;
    EXPECT_TRUE(contains(txt, "collection: " + c.id + "\n")) << txt;
    EXPECT_TRUE(contains(txt, "extracted_at: 2026-11-29T01:02:03Z\n")) << txt;
    EXPECT_TRUE(contains(txt, "query: /collections/" + c.id + "/items?province=Koh%20Kong\n")) << txt;
    EXPECT_TRUE(contains(txt, "features: 3\n")) << txt;
    EXPECT_TRUE(contains(txt, "contract_date -> contract_d")) << txt;
    // The zip opens as a whole through /vsizip/, too.
    EXPECT_EQ(feature_count(summary("/vsizip/" + out.string())), 3);
}

// --- a hand-made collection: mixed geometry, clashing names, long values -----------

geo::feature make_feature(std::int64_t id, geo::geometry g, std::vector<geo::value> properties) {
    geo::feature f;
    f.id = id;
    f.geom = geo::compact_geometry(g);
    f.bbox = geo::bounds(f.geom);
    f.properties = std::move(properties);
    return f;
}

geo::geometry point_at(double x, double y) {
    geo::geometry g;
    g.type = geo::geometry_type::point;
    g.points = {{x, y}};
    return g;
}

std::string const long_text = std::string(300, 'a') + "z";                  // over dBASE's 254 bytes
std::string const medium_text = "Kampong Chhnang " + std::string(90, 'b');  // over the driver's default 80

geo::collection handmade() {
    using geo::field_type;
    geo::collection c;
    c.id = "handmade";
    c.source = "/data/handmade.geojson";
    c.fields = {{"ID", field_type::integer},
                {"Provinces", field_type::string},
                {"description_of_land", field_type::string},
                {"description_of_use", field_type::string},
                {"signed_on", field_type::date},
                {"updated_at", field_type::datetime},
                {"big", field_type::integer},
                {"huge", field_type::real}};
    geo::geometry multi_point;
    multi_point.type = geo::geometry_type::multi_point;
    multi_point.points = {{104.1, 12.1}, {104.2, 12.2}};
    geo::geometry square;
    square.type = geo::geometry_type::polygon;
    square.polygons = {{{{{105, 12}, {105.1, 12}, {105.1, 12.1}, {105, 12.1}, {105, 12}}}}};
    c.features.push_back(
        make_feature(10, point_at(104.9, 11.5),
                     {std::int64_t{1}, std::string("Kratie"), long_text, medium_text, std::string("2010-05-06"),
                      std::string("2010-05-06T07:08:09"), std::int64_t{5'000'000'000}, 1.5e12}));
    c.features.push_back(make_feature(11, multi_point,
                                      {std::int64_t{2},
                                       std::string("Koh Kong"),
                                       std::string("x"),
                                       std::string("y"),
                                       {},
                                       {},
                                       std::int64_t{-7},
                                       -0.25}));
    c.features.push_back(make_feature(12, square, {std::int64_t{3}, {}, {}, {}, {}, {}, {}, {}}));
    c.features.push_back(make_feature(13, geo::geometry{}, {std::int64_t{4}, {}, {}, {}, {}, {}, {}, {}}));
    c.features.push_back(make_feature(14, point_at(104.5, 13.5), {std::int64_t{5}, {}, {}, {}, {}, {}, {}, {}}));
    c.features[0].provinces = {{0, 0.6}, {1, 0.4}};
    c.features[0].contract_date = "2010-05-06";
    c.features[1].provinces = {{2, std::nan("")}, {3, std::nan("")}};
    c.features[2].area_ha = 120.5;
    return c;
}

// ogrinfo's listing of one feature, found by its id field.
std::string feature_listing(std::string const& ds, std::string const& id_field, std::int64_t id) {
    return run_ok("ogrinfo -ro -al -q " + test::quote(ds) + " -where " +
                  test::quote(id_field + " = " + std::to_string(id)));
}

TEST(export_handmade, GeoPackageKeepsEveryKindOfGeometryAndValue) {
    auto const c = handmade();
    geo::province_index const gazetteer;
    test::scratch_dir dir;
    fs::path const out = dir / "h.gpkg";
    geo::export_features(c, everything(c), gazetteer, export_format::gpkg, out, provenance_of(c));
    std::string const info = summary(out.string());
    EXPECT_EQ(feature_count(info), 5);
    EXPECT_TRUE(contains(info, "Geometry: Unknown (any)")) << "points and a polygon share a generic layer: " << info;
    // The source's names stay; the added fields give way.
    for (char const* field : {"id_1: Integer", "ID: Integer", "Provinces: String", "provinces_1: String",
                              "signed_on: Date", "updated_at: DateTime", "big: Integer64", "huge: Real"})
        EXPECT_TRUE(contains(info, field)) << field << " in " << info;

    std::string const first = feature_listing(out.string(), "id_1", 10);
    EXPECT_TRUE(contains(first, "description_of_land (String) = " + long_text + "\n")) << first;
    EXPECT_TRUE(contains(first, "updated_at (DateTime) = 2010/05/06 07:08:09")) << first;
    EXPECT_TRUE(contains(first, "big (Integer64) = 5000000000")) << first;
    EXPECT_TRUE(contains(first, "POINT (104.9 11.5)")) << first;
    auto const& names = gazetteer.provinces();
    EXPECT_TRUE(contains(first, "provinces_1 (String) = " + names[0].name + " (60.0%); " + names[1].name + " (40.0%)"))
        << first;
    std::string const second = feature_listing(out.string(), "id_1", 11);
    EXPECT_TRUE(contains(second, "provinces_1 (String) = " + names[2].name + "; " + names[3].name + "\n")) << second;
    EXPECT_TRUE(contains(second, "MULTIPOINT ((104.1 12.1),(104.2 12.2))")) << second;
    EXPECT_TRUE(contains(feature_listing(out.string(), "id_1", 12), "POLYGON ((105 12,"));
}

TEST(export_handmade, ShapefileWritesTheMinorityKindWithoutGeometryAndSaysSo) {
    auto const c = handmade();
    geo::province_index const gazetteer;
    test::scratch_dir dir;
    fs::path const out = dir / "h.zip";
    geo::export_features(c, everything(c), gazetteer, export_format::shp, out, provenance_of(c));
    std::string const ds = "/vsizip/" + out.string() + "/handmade.shp";
    std::string const info = summary(ds);
    EXPECT_EQ(feature_count(info), 5) << "the polygon's row is kept";
    EXPECT_TRUE(contains(info, "Geometry: Multi Point")) << "three of four geometries are points: " << info;

    std::string const txt = run_ok("unzip -p " + test::quote(out.string()) + " source.txt");
    EXPECT_TRUE(contains(txt, "geometry not written")) << txt;
    EXPECT_TRUE(contains(txt, "holds points")) << txt;
    EXPECT_TRUE(contains(txt, "ids: 12\n")) << txt;
    EXPECT_TRUE(contains(txt, "text cut to 254 bytes (the dBASE limit): 1 values")) << txt;

    // dBASE names: cut to 10 characters, clashes numbered by the driver, and
    // every column still there.
    EXPECT_TRUE(contains(txt, "description_of_land -> descriptio")) << txt;
    EXPECT_TRUE(contains(txt, "description_of_use -> descript_1")) << txt;
    std::string const polygon_row = feature_listing(ds, "ID", 3);
    EXPECT_FALSE(contains(polygon_row, "POLYGON")) << polygon_row;
    std::string const first = feature_listing(ds, "ID", 1);
    EXPECT_TRUE(contains(first, "descriptio (String) = " + long_text.substr(0, 254) + "\n")) << first;
    EXPECT_TRUE(contains(first, "descript_1 (String) = " + medium_text + "\n")) << "past the driver's 80: " << first;
    EXPECT_TRUE(contains(first, "updated_at (String) = 2010-05-06T07:08:09")) << "time kept as text: " << first;
    EXPECT_TRUE(contains(first, "signed_on (Date) = 2010/05/06")) << first;
    EXPECT_TRUE(contains(first, "big (Integer64) = 5000000000")) << first;
    EXPECT_TRUE(contains(first, "huge (Real) = 1500000000000.")) << first;
    EXPECT_TRUE(contains(first, "id_1 (Integer) = 10")) << first;
    EXPECT_TRUE(contains(first, "MULTIPOINT ((104.9 11.5))")) << first;
    std::string const second = feature_listing(ds, "ID", 2);
    EXPECT_TRUE(contains(second, "big (Integer64) = -7")) << second;
    EXPECT_TRUE(contains(second, "huge (Real) = -0.25")) << second;
}

TEST(export_handmade, KmlWritesDatesAsIsoText) {
    auto const c = handmade();
    geo::province_index const gazetteer;
    test::scratch_dir dir;
    fs::path const out = dir / "h.kml";
    geo::export_features(c, everything(c), gazetteer, export_format::kml, out, provenance_of(c));
    std::string const info = summary(out.string());
    EXPECT_EQ(feature_count(info), 5);
    std::string const first = feature_listing(out.string(), "id_1", 10);
    EXPECT_TRUE(contains(first, "signed_on (String) = 2010-05-06")) << first;
    EXPECT_TRUE(contains(first, "updated_at (String) = 2010-05-06T07:08:09")) << first;
    EXPECT_TRUE(contains(first, "contract_date (String) = 2010-05-06")) << first;
    EXPECT_TRUE(contains(first, "description_of_land (String) = " + long_text + "\n")) << first;
    EXPECT_TRUE(contains(first, "big (Integer64) = 5000000000") || contains(first, "big (String) = 5000000000") ||
                contains(first, "big (Real) = 5000000000"))
        << first;
    EXPECT_TRUE(contains(first, "POINT (104.9 11.5)") || contains(first, "POINT Z (104.9 11.5 0)")) << first;
    EXPECT_TRUE(contains(feature_listing(out.string(), "id_1", 12), "POLYGON"));
    EXPECT_FALSE(contains(feature_listing(out.string(), "id_1", 13), "POINT")) << "no geometry";
}

// --- concurrency and the real ELC layer -----------------------------------------

TEST(export_threads, ConcurrentExportsToSeparateFiles) {
    auto const& c = sample_collection();
    test::scratch_dir dir;
    auto const output = [&](int t) {
        std::string name = std::to_string(t);
        name += extension(static_cast<export_format>(t % 3));
        return dir / name;
    };
    std::vector<std::thread> pool;
    std::vector<std::string> failures(9);
    for (int t = 0; t < 9; ++t) {
        pool.emplace_back([&, t] {
            auto const format = static_cast<export_format>(t % 3);
            try {
                geo::export_features(c, everything(c), sample().provinces, format, output(t), provenance_of(c));
            } catch (std::exception const& e) {
                failures[t] = e.what();
            }
        });
    }
    for (auto& th : pool) th.join();
    for (int t = 0; t < 9; ++t) {
        auto const format = static_cast<export_format>(t % 3);
        EXPECT_EQ(failures[t], "");
        EXPECT_EQ(feature_count(summary(datasource(output(t), format, c.id))), static_cast<long>(c.features.size()));
    }
}

TEST(export_real_data, ElcToEachFormat) {
    REQUIRE_SHARED_DATA();
    geo::load_options opts;
    opts.provinces_path = test::provinces_shp().string();
    auto const snap = geo::load({(test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp").string()}, opts);
    ASSERT_TRUE(snap.failures.empty()) << snap.failures.front().message;
    auto const& c = snap.collections.at(0);
    ASSERT_EQ(c.features.size(), 225u);
    test::scratch_dir dir;
    for (auto format : {export_format::kml, export_format::gpkg, export_format::shp}) {
        fs::path const out = dir / (std::string("elc") + extension(format));
        auto const start = std::chrono::steady_clock::now();
        geo::export_features(c, everything(c), snap.provinces, format, out, provenance_of(c));
        double const ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::cout << "export of 225 ELC features to " << out.filename() << ": " << ms << " ms, " << fs::file_size(out)
                  << " bytes\n";
        std::string const ds = datasource(out, format, c.id);
        std::string const info = summary(ds);
        EXPECT_EQ(feature_count(info), 225);
        // The ELC layer has its own Id and Provinces: they keep their names.
        EXPECT_TRUE(contains(info, "Id: Integer")) << info;
        EXPECT_TRUE(contains(info, "id_1: Integer")) << info;
        auto const rows =
            test::sqlite_oracle(ds, "SELECT id_1, Name, Hectares FROM " + layer_name(format, c.id) + " WHERE id_1 = 0");
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[1][1], std::get<std::string>(c.features[0].properties[c.field_index("Name")]));
    }
}

}  // namespace
