#include "geo/area.hpp"

#include "tests/support/test_support.hpp"

#include <cmath>

namespace {
geo::ring box_ring(double x0, double y0, double x1, double y1) {
    return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
}

// SpatiaLite's geodesic area (ST_Area with use_ellipsoid) as the oracle.
double spatialite_area_m2(std::string const& wkt) {
    auto const rows = test::sqlite_oracle(test::source_dir() / "data/sample/synthetic_provinces.shp",
                                          "SELECT ST_Area(ST_GeomFromText('" + wkt + "', 4326), 1) AS a");
    EXPECT_EQ(rows.size(), 2u);
    return rows.size() == 2 ? std::stod(rows[1][0]) : NAN;
}
}  // namespace

TEST(area, small_quadrangle_matches_spatialite_geodesic_area) {
    geo::polygon p{{box_ring(104.9, 12.5, 105.0, 12.6)}};
    double const ours = geo::polygon_area_m2(p);
    double const oracle = spatialite_area_m2("POLYGON((104.9 12.5,105 12.5,105 12.6,104.9 12.6,104.9 12.5))");
    EXPECT_NEAR(ours / oracle, 1.0, 1e-5) << ours << " vs " << oracle;
}

TEST(area, holes_are_subtracted_and_orientation_does_not_matter) {
    geo::ring outer = box_ring(105.0, 12.0, 105.2, 12.2);
    geo::ring hole = box_ring(105.05, 12.05, 105.1, 12.1);
    std::reverse(hole.begin(), hole.end());
    geo::polygon const with_hole{{outer, hole}};
    double const oracle = spatialite_area_m2(
        "POLYGON((105 12,105.2 12,105.2 12.2,105 12.2,105 12),(105.05 12.05,105.05 12.1,105.1 12.1,105.1 12.05,105.05 "
        "12.05))");
    EXPECT_NEAR(geo::polygon_area_m2(with_hole) / oracle, 1.0, 1e-5);
    std::reverse(outer.begin(), outer.end());
    EXPECT_NEAR(geo::ring_area_m2(outer) / geo::ring_area_m2(box_ring(105.0, 12.0, 105.2, 12.2)), 1.0, 1e-12);
}

TEST(area, points_lines_and_degenerate_rings_have_none) {
    geo::geometry g;
    g.type = geo::geometry_type::point;
    g.points = {{105, 12}};
    EXPECT_EQ(geo::area_m2(g), 0.0);
    EXPECT_EQ(geo::ring_area_m2({{105, 12}, {105, 12}}), 0.0);
}
