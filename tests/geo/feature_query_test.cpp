#include "geo/clip.hpp"
#include "geo/feature_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <random>

namespace {
geo::geometry square(double x0, double y0, double x1, double y1) {
    geo::geometry g;
    g.type = geo::geometry_type::polygon;
    g.polygons.push_back({{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}});
    return g;
}

// A collection of g alone, kept as a loaded feature is (compact, with its
// edge runs).
geo::collection one_feature(geo::geometry const& g) {
    geo::collection c;
    geo::feature f;
    f.geom = geo::compact_geometry(g);
    f.bbox = geo::bounds(f.geom);
    c.features.push_back(std::move(f));
    c.build_index();
    return c;
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

// The edge-run boxes only let the test skip work: for jagged polygons with a
// hole and thousands of boxes of every size, both forms answer alike, and
// both find boxes inside the polygon, across an edge and in the hole.
TEST(intersects, edge_runs_give_the_same_answers) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> unit(0, 1);
    auto star = [&](double cx, double cy, double r0, int n) {
        geo::ring r;
        for (int i = 0; i < n; ++i) {
            double const a = 2 * 3.141592653589793 * i / n, rr = r0 * (0.6 + 0.4 * unit(rng));
            r.push_back({cx + rr * std::cos(a), cy + rr * std::sin(a)});
        }
        r.push_back(r.front());
        return r;
    };
    geo::collection c;
    for (int k = 0; k < 20; ++k) {
        geo::feature f;
        geo::geometry g;
        g.type = geo::geometry_type::polygon;
        geo::ring hole = star(5, 5, 1, 37);
        std::reverse(hole.begin(), hole.end());
        g.polygons.push_back({{star(5, 5, 4, 100 + 37 * k), hole}});
        if (k % 3 == 0) g.polygons.push_back({{star(12, 5, 2, 50)}});
        f.bbox = geo::bounds(g);
        f.geom = geo::compact_geometry(g);
        c.features.push_back(std::move(f));
    }
    c.build_index();
    int agree = 0, hits = 0;
    for (auto const& f : c.features) {
        ASSERT_FALSE(f.edge_runs.empty());
        for (int i = 0; i < 500; ++i) {
            double const size = std::pow(10.0, -3 + 3 * unit(rng));
            double const x = -1 + 16 * unit(rng), y = -1 + 12 * unit(rng);
            geo::box const b{x, y, x + size, y + size};
            bool const plain = geo::intersects(f.geom.expand(), b);
            EXPECT_EQ(geo::intersects(f, b), plain) << "box " << x << "," << y << " size " << size;
            agree += 1;
            hits += plain;
        }
    }
    EXPECT_GT(hits, agree / 10);
    EXPECT_LT(hits, agree * 9 / 10);
    geo::feature const& f = c.features[0];
    EXPECT_TRUE(geo::intersects(f, geo::box{7.0, 5.0, 7.01, 5.01}));    // inside, far from every edge
    EXPECT_FALSE(geo::intersects(f, geo::box{4.99, 4.99, 5.01, 5.01}));  // in the hole
    EXPECT_FALSE(geo::intersects(f, geo::box{20, 20, 21, 21}));
}

// The compact test reads a vertex's side of the box from its integers
// (thresholds made once per box); it must answer as the doubles do where
// that is closest: boxes whose sides lie on a vertex, one ulp inside or
// outside it, or whose centre lies on a vertex's latitude, for a feature
// kept with 9 decimals and one wide enough to keep 8 (past 4.2 degrees).
TEST(intersects, sides_on_a_vertex_or_one_ulp_beside_it_answer_as_the_doubles) {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> unit(0, 1);
    for (double const radius : {0.05, 3.0}) {
        geo::geometry g;
        g.type = geo::geometry_type::polygon;
        geo::ring r;
        for (int i = 0; i < 60; ++i) {
            double const a = 2 * 3.141592653589793 * i / 60, rr = radius * (0.5 + 0.5 * unit(rng));
            r.push_back({104.123456789 + rr * std::cos(a), 12.987654321 + rr * std::sin(a)});
        }
        r.push_back(r.front());
        g.polygons.push_back({{r}});
        geo::collection const c = one_feature(g);
        geo::feature const& kept = c.features[0];
        ASSERT_EQ(kept.geom.decimals(), radius < 1 ? 9 : 8);
        geo::geometry const doubles = kept.geom.expand();
        int met = 0, checked = 0;
        auto check = [&](geo::box const& b) {
            bool const plain = geo::intersects(doubles, b);
            EXPECT_EQ(geo::intersects(kept, b), plain)
                << std::setprecision(17) << b.min_x << " " << b.min_y << " " << b.max_x << " " << b.max_y;
            met += plain;
            ++checked;
        };
        double const inf = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i + 1 < doubles.polygons[0].rings[0].size(); ++i) {
            geo::point const v = doubles.polygons[0].rings[0][i];
            double const d = radius / 50;
            for (double x : {v.x, std::nextafter(v.x, inf), std::nextafter(v.x, -inf)}) {
                check({x, v.y - d, x + d, v.y + d});  // west side on (or beside) the vertex
                check({x - d, v.y - d, x, v.y + d});  // east side
            }
            for (double y : {v.y, std::nextafter(v.y, inf), std::nextafter(v.y, -inf)}) {
                check({v.x - d, y, v.x + d, y + d});  // south side
                check({v.x - d, y - d, v.x + d, y});  // north side
                check({v.x + d / 3, y - d, v.x + 3 * d, y + d});  // the centre's ray along the vertex's latitude
            }
        }
        EXPECT_GT(met, checked / 4);
        EXPECT_LT(met, checked);
    }
}

// Vertices one ulp outside a box's side, within its other sides: an L
// whose vertical bar (x 100-101) has a vertex halfway up each of its sides
// and whose bottom bar (y 10-10.5) one on its top, against boxes in the
// L's bounds just beside those sides. Nothing meets them; read one integer
// off, the vertex would count as inside.
TEST(intersects, a_vertex_one_ulp_outside_a_side_is_outside) {
    double const inf = std::numeric_limits<double>::infinity();
    geo::geometry g;
    g.type = geo::geometry_type::polygon;
    g.polygons.push_back({{{{100, 10}, {102, 10}, {103, 10}, {103, 10.5}, {102, 10.5}, {101, 10.5}, {101, 11.5}, {101, 13},
                            {100, 13}, {100, 11.5}, {100, 10}}}});
    geo::collection const c = one_feature(g);
    geo::feature const& kept = c.features[0];
    geo::geometry const doubles = kept.geom.expand();
    for (geo::box const b : {geo::box{std::nextafter(101.0, inf), 11, 102, 12},    // east of the bar's (101, 11.5)
                             geo::box{99.5, 11, std::nextafter(100.0, -inf), 12},  // west of (100, 11.5)
                             geo::box{101.5, std::nextafter(10.5, inf), 102.5, 11}}) {  // above (102, 10.5)
        EXPECT_FALSE(geo::intersects(kept, b)) << std::setprecision(17) << b.min_x << " " << b.min_y;
        EXPECT_FALSE(geo::intersects(doubles, b));
    }
    // On the side itself, the vertex meets the box.
    EXPECT_TRUE(geo::intersects(kept, geo::box{101, 11, 102, 12}));
    EXPECT_TRUE(geo::intersects(kept, geo::box{99.5, 11, 100, 12}));
    EXPECT_TRUE(geo::intersects(kept, geo::box{101.5, 10.5, 102.5, 11}));
}

// select() looks ahead at the features it tests next; a point has no ring
// layout, and reading its first entry was undefined (the sanitized build
// caught it in the browser test of clustered points).
TEST(select, a_box_over_points_finds_the_points_in_it) {
    geo::collection c;
    for (int k = 0; k < 10; ++k) {
        geo::feature f;
        geo::geometry g;
        g.type = geo::geometry_type::point;
        g.points = {{k * 1.0, k * 1.0}};
        f.bbox = geo::bounds(g);
        f.geom = geo::compact_geometry(g);
        c.features.push_back(std::move(f));
    }
    c.build_index();
    geo::feature_query q;
    q.bbox = geo::box{1.5, 1.5, 7.5, 7.5};
    EXPECT_EQ(geo::select(c, q), (std::vector<std::uint32_t>{2, 3, 4, 5, 6, 7}));
}
