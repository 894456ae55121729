#include "geo/simple_ring.hpp"

#include <gtest/gtest.h>

namespace {
geo::geometry polygon_of(std::vector<geo::ring> rings) {
    geo::geometry g;
    g.type = geo::geometry_type::polygon;
    g.polygons.push_back({std::move(rings)});
    return g;
}
}  // namespace

TEST(certainly_valid, simple_rings_in_either_orientation) {
    EXPECT_TRUE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}})));
    EXPECT_TRUE(geo::certainly_valid(polygon_of({{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}})));
    // Concave, with a repeated vertex (valid in OGC terms).
    EXPECT_TRUE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 0}, {4, 0}, {2, 1}, {4, 4}, {0, 4}, {0, 0}}})));
}

TEST(certainly_valid, self_intersections_and_touches_go_to_geos) {
    // Bow-tie.
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}})));
    // A vertex touching another edge (self-touching ring: invalid in OGC).
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {0, 4}, {0, 0}}})));
    // A spike folding back along the previous edge.
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 0}, {6, 0}, {5, 0}, {4, 4}, {0, 4}, {0, 0}}})));
    // Zero area, too few points, not closed.
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {1, 1}, {2, 2}, {0, 0}}})));
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {1, 0}, {0, 0}}})));
    EXPECT_FALSE(geo::certainly_valid(polygon_of({{{0, 0}, {4, 0}, {4, 4}, {0, 4}}})));
}

TEST(certainly_valid, holes_and_multipolygons_are_left_to_geos) {
    geo::ring const outer = {{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}};
    geo::ring const hole = {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}};
    EXPECT_FALSE(geo::certainly_valid(polygon_of({outer, hole})));
    geo::geometry multi = polygon_of({outer});
    multi.type = geo::geometry_type::multi_polygon;
    EXPECT_FALSE(geo::certainly_valid(multi));
    EXPECT_FALSE(geo::certainly_valid(geo::geometry{}));
}
