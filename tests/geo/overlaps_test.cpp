// Overlaps measured between collections, and the summaries that count land
// once: on rectangles whose intersections are known rectangles, so every
// expected area is the area of a rectangle written out here. Edges are
// great circles (geo/area), so a union that adds vertices along an edge
// moves it by centimetres: unions agree to 1e-4, counting twice would not.

#include "geo/overlaps.hpp"
#include "geo/area.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

// A rectangle near Cambodia, from (x0, y0) to (x1, y1) in hundredths of a
// degree east of 104 E and north of 12 N.
geo::geometry rect(double x0, double y0, double x1, double y1) {
    double const e0 = 104 + x0 / 100, e1 = 104 + x1 / 100, n0 = 12 + y0 / 100, n1 = 12 + y1 / 100;
    geo::geometry g;
    g.type = geo::geometry_type::polygon;
    g.polygons.push_back({{{{e0, n0}, {e1, n0}, {e1, n1}, {e0, n1}, {e0, n0}}}});
    return g;
}

double ha(geo::geometry const& g) {
    return geo::area_ha(g);
}

geo::collection layer(std::string id, std::vector<geo::geometry> const& shapes) {
    geo::collection c;
    c.id = std::move(id);
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        geo::feature f;
        f.id = static_cast<std::int64_t>(i) + 1;
        f.bbox = geo::bounds(shapes[i]);
        f.area_ha = ha(shapes[i]);
        f.geom = geo::compact_geometry(shapes[i]);
        c.features.push_back(std::move(f));
    }
    c.build_index();
    return c;
}

std::vector<std::uint32_t> all(geo::collection const& c) {
    std::vector<std::uint32_t> out(c.features.size());
    for (std::uint32_t i = 0; i < out.size(); ++i) out[i] = i;
    return out;
}

}  // namespace

TEST(measure_overlaps, hectares_inside_each_area_and_none_for_a_shared_edge) {
    std::vector<geo::collection> cs;
    cs.push_back(layer("elc", {rect(0, 0, 2, 2), rect(4, 0, 6, 2)}));
    cs.push_back(layer("parks", {rect(1, 0, 4, 1)}));  // half of the first's south half; meets the second on x = 4
    cs[0].overlaps_with = {"parks"};
    geo::measure_overlaps(cs, 2);
    auto const& elc = cs[0];
    ASSERT_EQ(elc.features[0].overlaps.size(), 1u);
    EXPECT_NEAR(elc.features[0].overlaps[0].area_ha, ha(rect(1, 0, 2, 1)), 1e-6 * ha(rect(1, 0, 2, 1)));
    EXPECT_EQ(elc.overlap_targets[elc.features[0].overlaps[0].target].collection, "parks");
    EXPECT_TRUE(elc.features[1].overlaps.empty()) << "a shared edge is no overlap";
    EXPECT_TRUE(cs[1].overlap_targets.empty()) << "parks are measured against nothing";
}

TEST(summarize_overlaps, land_under_two_concessions_counts_once_in_an_area) {
    std::vector<geo::collection> cs;
    cs.push_back(layer("elc", {rect(0, 0, 2, 2), rect(1, 0, 3, 2)}));  // overlapping each other on x 1..2
    cs.push_back(layer("parks", {rect(0, 0, 4, 1)}));
    cs[0].overlaps_with = {"parks"};
    geo::measure_overlaps(cs, 1);
    auto const s = geo::summarize_overlaps(cs[0], all(cs[0]), cs);
    ASSERT_EQ(s.groups.size(), 1u);
    EXPECT_EQ(s.groups[0].features.size(), 2u);
    double const once = ha(rect(0, 0, 3, 1));  // not 2 x 1 + 2 x 1
    EXPECT_NEAR(s.groups[0].area_ha, once, 1e-4 * once);
    EXPECT_NEAR(s.groups[0].target_area_ha, ha(rect(0, 0, 4, 1)), 1e-6);
    ASSERT_EQ(s.inside_ha.size(), 1u);
    EXPECT_NEAR(s.inside_ha[0].second, once, 1e-4 * once);
}

TEST(summarize_overlaps, land_in_two_overlapping_areas_counts_once_in_the_total) {
    std::vector<geo::collection> cs;
    cs.push_back(layer("elc", {rect(0, 0, 3, 1)}));
    cs.push_back(layer("parks", {rect(0, 0, 2, 2), rect(1, 0, 3, 2)}));  // overlapping each other on x 1..2
    cs[0].overlaps_with = {"parks"};
    geo::measure_overlaps(cs, 1);
    auto const s = geo::summarize_overlaps(cs[0], all(cs[0]), cs);
    ASSERT_EQ(s.groups.size(), 2u);
    for (auto const& g : s.groups) EXPECT_NEAR(g.area_ha, ha(rect(0, 0, 2, 1)), 1e-4 * ha(rect(0, 0, 2, 1)));
    ASSERT_EQ(s.inside_ha.size(), 1u);
    double const once = ha(rect(0, 0, 3, 1));  // the whole concession, not 2 + 2
    EXPECT_NEAR(s.inside_ha[0].second, once, 1e-4 * once);
    // A selection without the concession holds nothing; one collection only.
    auto const none = geo::summarize_overlaps(cs[0], {}, cs, "parks");
    EXPECT_TRUE(none.groups.empty());
    ASSERT_EQ(none.inside_ha.size(), 1u);
    EXPECT_EQ(none.inside_ha[0].second, 0);
}
