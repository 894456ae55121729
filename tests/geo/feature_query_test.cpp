#include "geo/clip.hpp"
#include "geo/feature_query.hpp"

#include <gtest/gtest.h>

namespace {
geo::geometry square(double x0, double y0, double x1, double y1) {
    geo::geometry g;
    g.type = geo::geometry_type::polygon;
    g.polygons.push_back({{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}});
    return g;
}
}  // namespace

TEST(intersects, edges_crossing_the_box_with_no_vertex_inside) {
    // A long thin polygon crossing the box from west to east: no vertex in
    // the box and the box centre outside the polygon.
    geo::geometry const band = square(-10, 0.9, 10, 0.95);
    EXPECT_TRUE(geo::intersects(band, geo::box{0, 0, 1, 1}));
    // The same band crossing north to south.
    EXPECT_TRUE(geo::intersects(square(0.9, -10, 0.95, 10), geo::box{0, 0, 1, 1}));
    // Diagonal line crossing a corner.
    geo::geometry line;
    line.type = geo::geometry_type::line_string;
    line.lines = {{{-0.5, 1}, {1, -0.5}}};  // x + y = 0.5: through the corner region
    EXPECT_TRUE(geo::intersects(line, geo::box{0, 0, 1, 1}));
    line.lines = {{{-1, 0.4}, {0.4, -1}}};
    EXPECT_FALSE(geo::intersects(line, geo::box{0, 0, 1, 1}));
}

TEST(intersects, containment_both_ways_and_misses) {
    EXPECT_TRUE(geo::intersects(square(-5, -5, 5, 5), geo::box{0, 0, 1, 1}));         // box inside polygon
    EXPECT_TRUE(geo::intersects(square(0.2, 0.2, 0.4, 0.4), geo::box{0, 0, 1, 1}));    // polygon inside box
    EXPECT_FALSE(geo::intersects(square(2, 2, 3, 3), geo::box{0, 0, 1, 1}));
    // Bounding boxes overlap, geometry does not: an L-shape around the box.
    geo::geometry l;
    l.type = geo::geometry_type::polygon;
    l.polygons.push_back({{{{-2, -2}, {3, -2}, {3, -1}, {-1, -1}, {-1, 3}, {-2, 3}, {-2, -2}}}});
    EXPECT_FALSE(geo::intersects(l, geo::box{0, 0, 1, 1}));
}

TEST(clip_segment, enters_and_leaves_where_liang_barsky_says) {
    double t0 = -1, t1 = -1;
    ASSERT_TRUE(geo::clip_segment({-1, 0.5}, {2, 0.5}, geo::box{0, 0, 1, 1}, t0, t1));
    EXPECT_NEAR(t0, 1.0 / 3, 1e-12);
    EXPECT_NEAR(t1, 2.0 / 3, 1e-12);
    EXPECT_FALSE(geo::clip_segment({-1, 2}, {2, 2}, geo::box{0, 0, 1, 1}, t0, t1));
    ASSERT_TRUE(geo::clip_segment({0.5, 0.5}, {0.6, 0.6}, geo::box{0, 0, 1, 1}, t0, t1));
    EXPECT_EQ(t0, 0);
    EXPECT_EQ(t1, 1);
    auto const parts = geo::clip_line({{-1, 0.5}, {2, 0.5}}, geo::box{0, 0, 1, 1});
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_NEAR(parts[0][0].x, 0, 1e-12);
    EXPECT_NEAR(parts[0][1].x, 1, 1e-12);
}
