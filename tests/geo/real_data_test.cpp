// Loading the real Open Development Cambodia layers, checked against GDAL's
// and PROJ's own tools run on the same files.

#include "geo/loader.hpp"
#include "geo/vector_reader.hpp"

#include "tests/support/test_support.hpp"

#include <geodesic.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

fs::path elc_shp() { return test::shared_data_dir() / "odc-elc/elc_complete_utm48n.shp"; }
fs::path mining_shp() { return test::shared_data_dir() / "odc-mining/kh_mining_concessions_wgs84.shp"; }
using test::provinces_shp;

geo::collection load_one(fs::path const& path, geo::source_options const& options = {}) {
    auto layers = geo::read_vector_source(path.string(), options);
    EXPECT_EQ(layers.size(), 1u);
    return std::move(layers.front());
}

long ogrinfo_count(fs::path const& path) {
    auto const r = test::run("ogrinfo -ro -so -al " + test::quote(path.string()));
    auto const at = r.out.find("Feature Count: ");
    EXPECT_NE(at, std::string::npos) << r.err;
    return at == std::string::npos ? -1 : std::stol(r.out.substr(at + 15));
}

// PROJ's cs2cs as the oracle: source coordinates -> lon/lat (OGC:CRS84 order).
std::vector<geo::point> cs2cs(std::string const& source_crs, std::vector<geo::point> const& in) {
    test::scratch_dir dir;
    {
        std::ofstream f(dir / "in.txt");
        f.precision(17);
        for (auto const& p : in) f << p.x << ' ' << p.y << '\n';
    }
    auto const r = test::run("cs2cs -d 12 " + source_crs + " OGC:CRS84 < " + test::quote((dir / "in.txt").string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<geo::point> out;
    std::istringstream lines(r.out);
    double x, y, z;
    while (lines >> x >> y >> z) out.push_back({x, y});
    EXPECT_EQ(out.size(), in.size());
    return out;
}

// First and middle vertex of each feature's first exterior ring in the
// source CRS, as SpatiaLite reads them: (fid, vertex number, x, y).
struct source_vertex {
    long fid;
    int n;
    geo::point p;
};
std::vector<source_vertex> source_vertices(fs::path const& shp) {
    std::string const layer = shp.stem().string();
    std::string const ring = "ST_ExteriorRing(ST_GeometryN(geometry, 1))";
    auto const rows = test::sqlite_oracle(
        shp, "SELECT ROWID AS fid, n, ST_X(ST_PointN(" + ring + ", n)) AS x, ST_Y(ST_PointN(" + ring +
                 ", n)) AS y FROM (SELECT ROWID, geometry, 1 AS n FROM \"" + layer +
                 "\" UNION ALL SELECT ROWID, geometry, ST_NumPoints(ST_ExteriorRing(ST_GeometryN(geometry, 1))) / 2 "
                 "AS n FROM \"" + layer + "\") ORDER BY fid, n");
    std::vector<source_vertex> out;
    for (std::size_t i = 1; i < rows.size(); ++i)
        out.push_back({std::stol(rows[i][0]), std::stoi(rows[i][1]), {std::stod(rows[i][2]), std::stod(rows[i][3])}});
    return out;
}

void expect_reprojection_matches_cs2cs(fs::path const& shp, std::string const& crs) {
    auto const c = load_one(shp);
    auto const vertices = source_vertices(shp);
    ASSERT_GE(vertices.size(), c.features.size());
    std::vector<geo::point> in;
    for (auto const& v : vertices) in.push_back(v.p);
    auto const expected = cs2cs(crs, in);
    ASSERT_EQ(expected.size(), vertices.size());
    std::size_t compared = 0;
    for (std::size_t i = 0; i < vertices.size(); ++i) {
        auto const& f = c.features.at(static_cast<std::size_t>(vertices[i].fid));
        ASSERT_EQ(f.id, vertices[i].fid);
        if (f.repaired) continue;  // MakeValid may reorder a repaired ring
        auto const ours = f.geom.expand().polygons.at(0).rings.at(0).at(static_cast<std::size_t>(vertices[i].n - 1));
        EXPECT_NEAR(ours.x, expected[i].x, 1e-9) << "feature " << f.id << " vertex " << vertices[i].n;
        EXPECT_NEAR(ours.y, expected[i].y, 1e-9) << "feature " << f.id << " vertex " << vertices[i].n;
        ++compared;
    }
    EXPECT_GE(compared, 2 * c.features.size() - 4);
}

std::string name_field(geo::collection const& c, geo::feature const& f) {
    return std::get<std::string>(f.properties.at(static_cast<std::size_t>(c.field_index("Name"))));
}

}  // namespace

TEST(real_data, counts_match_ogrinfo) {
    REQUIRE_SHARED_DATA();
    auto const elc = load_one(elc_shp());
    auto const mining = load_one(mining_shp());
    auto const provinces = load_one(provinces_shp());
    EXPECT_EQ(elc.features.size(), 225u);
    EXPECT_EQ(mining.features.size(), 164u);
    EXPECT_EQ(provinces.features.size(), 24u);
    EXPECT_EQ(static_cast<long>(elc.features.size()), ogrinfo_count(elc_shp()));
    EXPECT_EQ(static_cast<long>(mining.features.size()), ogrinfo_count(mining_shp()));
    EXPECT_EQ(elc.source_crs, "EPSG:32648");
    EXPECT_EQ(mining.source_crs, "EPSG:4326");
    EXPECT_EQ(elc.report.geometry_types.at("Polygon") + elc.report.geometry_types.at("MultiPolygon"), 225u);
    EXPECT_EQ(elc.report.geometry_types.at("MultiPolygon"), 12u);
}

TEST(real_data, utm_vertices_reproject_as_cs2cs_does) {
    REQUIRE_SHARED_DATA();
    expect_reprojection_matches_cs2cs(elc_shp(), "EPSG:32648");
}

TEST(real_data, indian_1960_vertices_reproject_as_cs2cs_does) {
    REQUIRE_SHARED_DATA();
    // The same ELCs rewritten by GDAL in Indian 1960 / UTM 48N, whose datum
    // shift PROJ must choose exactly as cs2cs does.
    test::scratch_dir dir;
    fs::path const out = dir / "elc_indian1960.shp";
    auto const r = test::run("ogr2ogr -t_srs EPSG:3148 " + test::quote(out.string()) + " " + test::quote(elc_shp().string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_reprojection_matches_cs2cs(out, "EPSG:3148");
}

TEST(real_data, wgs84_layers_keep_their_coordinates) {
    REQUIRE_SHARED_DATA();
    expect_reprojection_matches_cs2cs(mining_shp(), "OGC:CRS84");  // lon/lat order, as stored
}

TEST(real_data, the_two_invalid_elcs_come_back_valid) {
    REQUIRE_SHARED_DATA();
    auto const elc = load_one(elc_shp());
    EXPECT_EQ(elc.report.repaired, 2u);
    test::scratch_dir dir;
    std::vector<std::string> repaired_names;
    {
        // Our repaired geometry, handed back to SpatiaLite to judge.
        std::ofstream csv(dir / "repaired.csv");
        csv.precision(17);
        csv << "name,WKT\n";
        for (auto const& f : elc.features) {
            if (!f.repaired) continue;
            repaired_names.push_back(name_field(elc, f));
            csv << '"' << name_field(elc, f) << "\",\"MULTIPOLYGON(";
            geo::geometry const g = f.geom.expand();
            for (std::size_t p = 0; p < g.polygons.size(); ++p) {
                csv << (p ? ",(" : "(");
                auto const& rings = g.polygons[p].rings;
                for (std::size_t r = 0; r < rings.size(); ++r) {
                    csv << (r ? ",(" : "(");
                    for (std::size_t i = 0; i < rings[r].size(); ++i) csv << (i ? "," : "") << rings[r][i].x << ' ' << rings[r][i].y;
                    csv << ')';
                }
                csv << ')';
            }
            csv << ")\"\n";
        }
    }
    std::sort(repaired_names.begin(), repaired_names.end());
    EXPECT_EQ(repaired_names, (std::vector<std::string>{"Kampong Speu Sugar", "Phnom Penh Sugar"}));
    auto const rows = test::sqlite_oracle(dir / "repaired.csv", "SELECT name, ST_IsValid(GEOMETRY) AS v FROM repaired");
    ASSERT_EQ(rows.size(), 3u);
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][1], "1") << rows[i][0] << " is still invalid";
    // And GDAL agrees the source polygons were invalid to begin with.
    auto const source = test::sqlite_oracle(elc_shp(), "SELECT Name FROM elc_complete_utm48n WHERE NOT ST_IsValid(geometry) ORDER BY Name");
    ASSERT_EQ(source.size(), 3u);
    EXPECT_EQ(source[1][0], "Kampong Speu Sugar");
    EXPECT_EQ(source[2][0], "Phnom Penh Sugar");
}

TEST(real_data, every_invalid_polygon_spatialite_finds_is_repaired) {
    REQUIRE_SHARED_DATA();
    // Layers with invalid rings (SOURCES.md): the fast validity path must
    // not let any of them through unrepaired.
    for (char const* rel : {"odc-elc/elc_complete_utm48n.shp", "odc-community-forests/community_forests.shp",
                            "odc-kba/KBA.shp", "odc-protected-areas/protected_areas_and_forests.shp"}) {
        fs::path const shp = test::shared_data_dir() / rel;
        auto const c = load_one(shp);
        auto const rows = test::sqlite_oracle(
            shp, "SELECT count(*) AS n FROM \"" + shp.stem().string() + "\" WHERE NOT ST_IsValid(geometry)");
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(c.report.repaired, std::stoul(rows[1][0])) << rel;
    }
}

TEST(real_data, computed_hectares_match_karney_geodesic_area) {
    REQUIRE_SHARED_DATA();
    // PROJ's geodesic polygon area (Karney 2013) on the same vertices is the
    // oracle; SpatiaLite's ST_Area(..., 1) is itself only good to about 2e-5.
    auto const elc = load_one(elc_shp());
    geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    double total_ours = 0, total_oracle = 0;
    for (auto const& f : elc.features) {
        double oracle = 0;
        for (auto const& p : f.geom.expand().polygons) {
            for (std::size_t r = 0; r < p.rings.size(); ++r) {
                geod_polygon poly;
                geod_polygon_init(&poly, 0);
                for (std::size_t i = 0; i + 1 < p.rings[r].size(); ++i)
                    geod_polygon_addpoint(&g, &poly, p.rings[r][i].y, p.rings[r][i].x);
                double area = 0, perimeter = 0;
                geod_polygon_compute(&g, &poly, 0, 1, &area, &perimeter);
                oracle += (r == 0 ? 1 : -1) * std::abs(area) / 10'000;
            }
        }
        EXPECT_NEAR(f.area_ha, oracle, std::max(0.01, oracle * 1e-5)) << "feature " << f.id;
        total_ours += f.area_ha;
        total_oracle += oracle;
    }
    // SOURCES.md: the polygons cover about 2.18 M ha.
    EXPECT_NEAR(total_ours, total_oracle, total_oracle * 1e-6);
    EXPECT_NEAR(total_ours, 2.18e6, 0.01e6);
}

TEST(real_data, utm_and_wgs84_layers_load_together_from_the_catalog) {
    REQUIRE_SHARED_DATA();
    auto const snap = geo::load({(test::source_dir() / "data/odc-catalog.json").string()}, {});
    EXPECT_TRUE(snap.failures.empty()) << snap.failures.front().message;
    auto const* elc = snap.find("elc");
    auto const* mining = snap.find("mining");
    ASSERT_TRUE(elc && mining);
    EXPECT_EQ(elc->features.size(), 225u);
    EXPECT_EQ(mining->features.size(), 164u);
    // Both end up in lon/lat over Cambodia, whatever they were stored in.
    for (auto const* c : {elc, mining}) {
        EXPECT_GT(c->extent.min_x, 102.0);
        EXPECT_LT(c->extent.max_x, 108.0);
        EXPECT_GT(c->extent.min_y, 10.0);
        EXPECT_LT(c->extent.max_y, 15.0);
    }
    EXPECT_EQ(snap.provinces.provinces().size(), 24u);
    EXPECT_TRUE(snap.provinces.has_geometry());
    // Text dates parsed, the one unreadable value reported, not dropped.
    EXPECT_EQ(elc->report.unparseable_dates, 1u);
    EXPECT_EQ(elc->report.unparseable_date_examples, std::vector<std::string>{"12:00:00 AM"});
    auto const with_date = std::count_if(elc->features.begin(), elc->features.end(),
                                         [](geo::feature const& f) { return f.contract_date.has_value(); });
    EXPECT_GT(with_date, 200);
}

TEST(real_data, ids_are_stable_across_loads) {
    REQUIRE_SHARED_DATA();
    auto const a = load_one(elc_shp());
    geo::source_options one_thread;
    one_thread.threads = 1;
    auto const b = load_one(elc_shp(), one_thread);
    ASSERT_EQ(a.features.size(), b.features.size());
    for (std::size_t i = 0; i < a.features.size(); ++i) {
        EXPECT_EQ(a.features[i].id, b.features[i].id);
        EXPECT_EQ(name_field(a, a.features[i]), name_field(b, b.features[i]));
    }
    EXPECT_EQ(a.features.front().id, 0);
    EXPECT_EQ(a.features.back().id, 224);
}
