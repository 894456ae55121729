#include "geo/simplify.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace {

// A closed ring of n points on a circle of radius r around (cx, cy).
geo::ring circle(double cx, double cy, double r, int n) {
    geo::ring out;
    for (int i = 0; i < n; ++i) {
        double const a = 2 * std::numbers::pi * i / n;
        out.push_back({cx + r * std::cos(a), cy + r * std::sin(a)});
    }
    out.push_back(out.front());
    return out;
}

geo::geometry multi_polygon_of(std::vector<geo::polygon> polygons) {
    geo::geometry g;
    g.type = geo::geometry_type::multi_polygon;
    g.polygons = std::move(polygons);
    return g;
}

double distance_to_ring(geo::point p, geo::ring const& r) {
    double best = INFINITY;
    for (std::size_t i = 1; i < r.size(); ++i) {
        geo::point const a = r[i - 1], b = r[i];
        double const dx = b.x - a.x, dy = b.y - a.y;
        double const t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
        best = std::min(best, std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)));
    }
    return best;
}

}  // namespace

TEST(simplified, every_vertex_left_out_lies_within_the_tolerance) {
    geo::ring const dense = circle(104, 12, 1, 2000);
    double const tolerance = 0.01;
    auto const g = geo::simplified(multi_polygon_of({{{dense}}}), tolerance);
    ASSERT_EQ(g.polygons.size(), 1u);
    geo::ring const& kept = g.polygons[0].rings[0];
    EXPECT_LT(kept.size(), dense.size() / 10);  // far fewer points...
    EXPECT_GE(kept.size(), 4u);
    EXPECT_EQ(kept.front(), kept.back());  // ...still a closed ring
    for (auto const& p : dense) EXPECT_LE(distance_to_ring(p, kept), tolerance * 1.000001);
}

TEST(simplified, islets_under_the_tolerance_go_the_largest_part_stays) {
    geo::polygon const mainland{{circle(104, 12, 1, 400)}};
    geo::polygon const islet{{circle(103, 10.5, 0.002, 40)}};
    auto const g = geo::simplified(multi_polygon_of({islet, mainland}), 0.01);
    ASSERT_EQ(g.polygons.size(), 1u);
    EXPECT_NEAR(g.polygons[0].rings[0][0].x, 105, 1e-9);  // the mainland's first point

    // All parts below the tolerance: the largest is kept, whole.
    auto const tiny = geo::simplified(multi_polygon_of({islet, geo::polygon{{circle(103, 11, 0.004, 40)}}}), 0.01);
    ASSERT_EQ(tiny.polygons.size(), 1u);
    EXPECT_EQ(tiny.polygons[0].rings[0].size(), 41u);
    EXPECT_NEAR(tiny.polygons[0].rings[0][0].x, 103.004, 1e-9);
}

TEST(simplified, a_thin_ring_is_not_flattened_to_a_line) {
    // 1 long, 0.004 wide: within 0.01 of its own diagonal.
    geo::ring const spit{{0, 0}, {1, 0}, {1, 0.004}, {0.5, 0.0041}, {0, 0.004}, {0, 0}};
    auto const g = geo::simplified(multi_polygon_of({geo::polygon{{spit}}, geo::polygon{{circle(5, 5, 1, 100)}}}), 0.01);
    ASSERT_EQ(g.polygons.size(), 2u);
    EXPECT_GE(g.polygons[0].rings[0].size(), 4u);
}

TEST(simplified, holes_too_small_are_dropped_and_go_with_their_exterior) {
    geo::polygon const with_holes{{circle(104, 12, 1, 400), circle(104, 12, 0.5, 100), circle(104.8, 12, 0.001, 20)}};
    auto const g = geo::simplified(multi_polygon_of({with_holes}), 0.01);
    ASSERT_EQ(g.polygons.size(), 1u);
    EXPECT_EQ(g.polygons[0].rings.size(), 2u);  // the exterior and the large hole
}

TEST(simplified, no_tolerance_changes_nothing_and_points_stay) {
    geo::geometry points;
    points.type = geo::geometry_type::multi_point;
    points.points = {{1, 2}, {1.000001, 2}};
    EXPECT_EQ(geo::simplified(points, 0.1).points, points.points);
    auto const same = geo::simplified(multi_polygon_of({{{circle(0, 0, 1, 50)}}}), 0);
    EXPECT_EQ(same.polygons[0].rings[0].size(), 51u);
}

TEST(simplified, tolerance_and_decimals_follow_the_zoom) {
    // Half a pixel of a 256-pixel tile: 360 / 256 / 2 degrees at zoom 0.
    EXPECT_DOUBLE_EQ(geo::tolerance_at_zoom(0), 0.703125);
    EXPECT_DOUBLE_EQ(geo::tolerance_at_zoom(8), 0.703125 / 256);
    EXPECT_EQ(geo::decimals_for(geo::tolerance_at_zoom(8)), 4);   // 0.0027 / 10 >= 0.0001
    EXPECT_EQ(geo::decimals_for(geo::tolerance_at_zoom(11)), 5);  // 0.00034 / 10 >= 0.00001
    EXPECT_EQ(geo::decimals_for(1e-12), 9);
    EXPECT_EQ(geo::decimals_for(10), 1);
}
