// Web Mercator tile maths (geo/tile_math.hpp) against PROJ's cs2cs
// (EPSG:4326 -> EPSG:3857) and the OpenStreetMap wiki's slippy-map
// formulas, written out here independently of the code under test:
// https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames

#include "geo/tile_math.hpp"

#include "tests/support/osm_wiki_tiles.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <vector>

namespace {

using geo::point;
using geo::tiles::tile_id;

// Half the equator of the Web Mercator sphere (radius 6378137 m) is
// 20037508.342789244 m; the whole square is twice that.
constexpr double mercator_width_m = 40075016.685578488;
constexpr double pi = 3.14159265358979323846;

// The OSM wiki's lon/lat -> tile number and tile corner (north-west of
// tile x, y) -> lon/lat (tests/support/osm_wiki_tiles.hpp).
tile_id osm_wiki_tile(double lon, double lat, unsigned z) { return {z, test::wiki_x(lon, z), test::wiki_y(lat, z)}; }
point osm_wiki_corner(unsigned x, unsigned y, unsigned z) { return {test::wiki_lon(x, z), test::wiki_lat(y, z)}; }

// Points projected by cs2cs: lon/lat in, EPSG:3857 metres out.
std::vector<point> cs2cs_to_mercator(std::vector<point> const& lonlat) {
    std::ostringstream in;
    in.precision(17);
    for (auto const& p : lonlat) in << p.y << ' ' << p.x << '\n';  // EPSG:4326 is latitude first
    auto const r = test::run("printf %s " + test::quote(in.str()) + " | cs2cs -f %.9f EPSG:4326 EPSG:3857");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream out(r.out);
    std::vector<point> metres;
    double x = 0, y = 0, h = 0;
    while (out >> x >> y >> h) metres.push_back({x, y});
    EXPECT_EQ(metres.size(), lonlat.size()) << r.out << r.err;
    return metres;
}

}  // namespace

TEST(tile_math, to_unit_matches_proj_web_mercator) {
    std::vector<point> const lonlat = {{0, 0},           {104.9160, 11.5564}, {102.3, 14.7},  {-122.4194, 37.7749},
                                       {179.999, -84.9}, {-179.999, 85.05},   {13.4, -33.9}, {-0.000001, 0.000001}};
    auto const metres = cs2cs_to_mercator(lonlat);
    ASSERT_EQ(metres.size(), lonlat.size());
    for (std::size_t i = 0; i < lonlat.size(); ++i) {
        point const u = geo::tiles::to_unit(lonlat[i]);
        EXPECT_NEAR(u.x, metres[i].x / mercator_width_m + 0.5, 1e-12) << lonlat[i].x << ", " << lonlat[i].y;
        EXPECT_NEAR(u.y, 0.5 - metres[i].y / mercator_width_m, 1e-12) << lonlat[i].x << ", " << lonlat[i].y;
        // And back: to_lonlat inverts to_unit inside the Mercator square.
        point const back = geo::tiles::to_lonlat(u);
        EXPECT_NEAR(back.x, lonlat[i].x, 1e-10);
        EXPECT_NEAR(back.y, lonlat[i].y, 1e-10);
    }
}

// The series that writes GeoJSON tiles' latitudes against the wiki's
// atan(sinh()) at random points of the world and along a walk across bands
// (re-centring): within 1e-8 degrees, a hundredth of the finest decimal a
// tile writes (1e-6 at zoom 14).
TEST(tile_math, latitude_series_matches_atan_sinh) {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> unit(0, 1);
    geo::tiles::latitude_series lat;
    double worst = 0;
    auto check = [&](double y) {
        double const want = std::atan(std::sinh(pi * (1 - 2 * y))) * 180 / pi;
        worst = std::max(worst, std::abs(lat(y) - want));
    };
    for (int i = 0; i < 100'000; ++i) check(unit(rng));
    for (double y = -0.01; y < 1.01; y += 1.0 / 4096 / 7) check(y);  // a buffered zoom-0 tile's span
    EXPECT_LT(worst, 1e-8);
}

TEST(tile_math, latitudes_beyond_the_mercator_square_are_clamped) {
    EXPECT_NEAR(geo::tiles::to_unit({0, 89.9}).y, 0, 1e-12);
    EXPECT_NEAR(geo::tiles::to_unit({0, 90}).y, 0, 1e-12);
    EXPECT_NEAR(geo::tiles::to_unit({0, -90}).y, 1, 1e-12);
    EXPECT_TRUE(std::isfinite(geo::tiles::to_unit({0, 90}).y));
}

TEST(tile_math, tile_for_known_tiles) {
    // On an edge a point belongs to the tile east and south of it.
    EXPECT_EQ(geo::tiles::tile_for({0, 0}, 1), (tile_id{1, 1, 1}));
    EXPECT_EQ(geo::tiles::tile_for({0, 0}, 0), (tile_id{0, 0, 0}));
    EXPECT_EQ(geo::tiles::tile_for({-45, 0}, 3), (tile_id{3, 3, 4}));
    EXPECT_EQ(geo::tiles::tile_for({-180, 85.0511287798}, 5), (tile_id{5, 0, 0}));
    // The antimeridian and the poles stay inside the grid.
    EXPECT_EQ(geo::tiles::tile_for({180, -90}, 4), (tile_id{4, 15, 15}));
    EXPECT_EQ(geo::tiles::tile_for({-180, 90}, 4), (tile_id{4, 0, 0}));

    // Phnom Penh: 104.9160 E, 11.5564 N, worked by hand from the wiki's
    // formula: x = 810.43, y = 478.90 at z10; 12966.84, 7662.45 at z14.
    EXPECT_EQ(geo::tiles::tile_for({104.9160, 11.5564}, 10), (tile_id{10, 810, 478}));
    EXPECT_EQ(geo::tiles::tile_for({104.9160, 11.5564}, 14), (tile_id{14, 12966, 7662}));
    EXPECT_EQ(geo::tiles::tile_for({104.9160, 11.5564}, 10), osm_wiki_tile(104.9160, 11.5564, 10));
    EXPECT_EQ(geo::tiles::tile_for({104.9160, 11.5564}, 14), osm_wiki_tile(104.9160, 11.5564, 14));
}

TEST(tile_math, tile_for_agrees_with_the_osm_wiki_formula_at_every_zoom) {
    std::mt19937_64 rng(20240604);
    std::uniform_real_distribution<double> lon(-179.9999, 179.9999), lat(-85.05, 85.05);
    for (int i = 0; i < 20000; ++i) {
        double const x = lon(rng), y = lat(rng);
        unsigned const z = static_cast<unsigned>(i % 25);
        ASSERT_EQ(geo::tiles::tile_for({x, y}, z), osm_wiki_tile(x, y, z)) << x << ", " << y << " at z" << z;
    }
}

TEST(tile_math, lonlat_bounds_are_the_wiki_corners) {
    auto const world = geo::tiles::lonlat_bounds({0, 0, 0});
    EXPECT_NEAR(world.min_x, -180, 1e-12);
    EXPECT_NEAR(world.max_x, 180, 1e-12);
    EXPECT_NEAR(world.min_y, -85.0511287798, 1e-10);
    EXPECT_NEAR(world.max_y, 85.0511287798, 1e-10);

    for (tile_id const t : {tile_id{1, 1, 0}, tile_id{10, 810, 478}, tile_id{14, 12966, 7662}, tile_id{24, 16777215, 0},
                            tile_id{6, 50, 29}}) {
        auto const b = geo::tiles::lonlat_bounds(t);
        point const nw = osm_wiki_corner(t.x, t.y, t.z);
        point const se = osm_wiki_corner(t.x + 1, t.y + 1, t.z);
        EXPECT_NEAR(b.min_x, nw.x, 1e-12) << t.z << "/" << t.x << "/" << t.y;
        EXPECT_NEAR(b.max_y, nw.y, 1e-12) << t.z << "/" << t.x << "/" << t.y;
        EXPECT_NEAR(b.max_x, se.x, 1e-12) << t.z << "/" << t.x << "/" << t.y;
        EXPECT_NEAR(b.min_y, se.y, 1e-12) << t.z << "/" << t.x << "/" << t.y;
        EXPECT_LT(b.min_x, b.max_x);
        EXPECT_LT(b.min_y, b.max_y);
        // A tile's own centre is in that tile.
        EXPECT_EQ(geo::tiles::tile_for({(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2}, t.z), t);
        auto const u = geo::tiles::unit_bounds(t);
        double const n = std::pow(2.0, t.z);
        EXPECT_DOUBLE_EQ(u.min_x, t.x / n);
        EXPECT_DOUBLE_EQ(u.min_y, t.y / n);
        EXPECT_DOUBLE_EQ(u.max_x, (t.x + 1) / n);
        EXPECT_DOUBLE_EQ(u.max_y, (t.y + 1) / n);
    }
    // Phnom Penh lies inside the bounds of its own tile.
    auto const pp = geo::tiles::lonlat_bounds({14, 12966, 7662});
    EXPECT_TRUE(pp.min_x <= 104.9160 && 104.9160 < pp.max_x && pp.min_y < 11.5564 && 11.5564 <= pp.max_y);
}

TEST(tile_math, valid_accepts_exactly_the_grid) {
    static_assert(geo::tiles::valid({0, 0, 0}));
    static_assert(!geo::tiles::valid({0, 1, 0}));
    EXPECT_TRUE(geo::tiles::valid({0, 0, 0}));
    EXPECT_FALSE(geo::tiles::valid({0, 1, 0}));
    EXPECT_FALSE(geo::tiles::valid({0, 0, 1}));
    EXPECT_TRUE(geo::tiles::valid({1, 1, 1}));
    EXPECT_FALSE(geo::tiles::valid({1, 2, 0}));
    EXPECT_FALSE(geo::tiles::valid({1, 0, 2}));
    EXPECT_TRUE(geo::tiles::valid({14, 16383, 16383}));
    EXPECT_FALSE(geo::tiles::valid({14, 16384, 0}));
    EXPECT_TRUE(geo::tiles::valid({24, (1u << 24) - 1, (1u << 24) - 1}));
    EXPECT_FALSE(geo::tiles::valid({24, 1u << 24, 0}));
    // Beyond the supported zooms, including those where 1 << z overflows.
    EXPECT_FALSE(geo::tiles::valid({25, 0, 0}));
    EXPECT_FALSE(geo::tiles::valid({32, 0, 0}));
    EXPECT_FALSE(geo::tiles::valid({4294967295u, 0, 0}));
}
