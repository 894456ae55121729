// A feature's compact geometry against the doubles it was made from: the
// text written from it is the text written from them, and what it gives
// back lies on their 1e-9 degree grid.

#include "geo/compact_geometry.hpp"
#include "geo/feature_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <regex>

namespace {

std::mt19937_64 rng(19);

double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// n vertices within `radius` degrees of (x, y); closed when `ring`.
std::vector<geo::point> wander(double x, double y, double radius, std::size_t n, bool ring) {
    std::vector<geo::point> pts;
    for (std::size_t i = 0; i < n; ++i) pts.push_back({x + uniform(-radius, radius), y + uniform(-radius, radius)});
    if (ring) pts.push_back(pts.front());
    return pts;
}

geo::geometry random_geometry(geo::geometry_type type, double radius) {
    geo::geometry g;
    g.type = type;
    double const x = uniform(-179 + radius, 179 - radius), y = uniform(-89 + radius, 89 - radius);
    switch (type) {
        case geo::geometry_type::point:
            g.points = wander(x, y, radius, 1, false);
            break;
        case geo::geometry_type::multi_point:
            g.points = wander(x, y, radius, 7, false);
            break;
        case geo::geometry_type::line_string:
            g.lines.push_back(wander(x, y, radius, 20, false));
            break;
        case geo::geometry_type::multi_line_string:
            for (int k = 0; k < 3; ++k) g.lines.push_back(wander(x, y, radius, 5 + k, false));
            break;
        case geo::geometry_type::polygon:
            g.polygons.push_back({{wander(x, y, radius, 30, true), wander(x, y, radius / 9, 5, true)}});
            break;
        case geo::geometry_type::multi_polygon:
            for (int k = 0; k < 3; ++k) g.polygons.push_back({{wander(x, y, radius, 10 + k, true)}});
            break;
        case geo::geometry_type::none:
            break;
    }
    return g;
}

constexpr geo::geometry_type every_type[] = {geo::geometry_type::point,       geo::geometry_type::multi_point,
                                             geo::geometry_type::line_string, geo::geometry_type::multi_line_string,
                                             geo::geometry_type::polygon,     geo::geometry_type::multi_polygon};

}  // namespace

TEST(compact_geometry, writes_the_same_geojson_as_the_doubles_it_was_made_from) {
    for (int round = 0; round < 2000; ++round)
        for (auto type : every_type) {
            geo::geometry const g = random_geometry(type, uniform(1e-6, 2));
            geo::compact_geometry const c(g);
            ASSERT_EQ(c.decimals(), 9);
            ASSERT_EQ(c.vertex_count(), g.vertex_count());
            std::string from_doubles, from_compact;
            geo::append_geometry_json(from_doubles, g, 9);
            geo::append_geometry_json(from_compact, c);
            ASSERT_EQ(from_compact, from_doubles);
            // And back: the doubles again, to within half the grid.
            geo::geometry const back = c.expand();
            std::size_t i = 0;
            g.for_each_point([&](geo::point const& p) {
                geo::point const q = c.at(i++);
                ASSERT_LE(std::abs(q.x - p.x), 0.5e-9 + 1e-12);
                ASSERT_LE(std::abs(q.y - p.y), 0.5e-9 + 1e-12);
            });
            std::string again;
            geo::append_geometry_json(again, back, 9);
            ASSERT_EQ(again, from_doubles);
        }
}

TEST(compact_geometry, writes_wkt_with_the_same_numbers) {
    for (auto type : every_type) {
        geo::geometry const g = random_geometry(type, 0.5);
        geo::compact_geometry const c(g);
        std::string wkt, json;
        geo::append_wkt(wkt, c);
        geo::append_geometry_json(json, c);
        static std::regex const number(R"(-?[0-9]+(\.[0-9]+)?)");
        auto numbers = [&](std::string const& s) {
            std::vector<std::string> out;
            for (auto it = std::sregex_iterator(s.begin(), s.end(), number); it != std::sregex_iterator(); ++it)
                out.push_back(it->str());
            return out;
        };
        EXPECT_EQ(numbers(wkt), numbers(json)) << wkt;
    }
    auto wkt_of = [](geo::geometry const& g) {
        std::string out;
        geo::append_wkt(out, geo::compact_geometry(g));
        return out;
    };
    geo::geometry p;
    p.type = geo::geometry_type::multi_point;
    p.points = {{104.5, 11.25}, {-0.5, 2}};
    EXPECT_EQ(wkt_of(p), "MULTIPOINT((104.5 11.25),(-0.5 2))");
    geo::geometry poly;
    poly.type = geo::geometry_type::multi_polygon;
    poly.polygons.push_back({{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}});
    poly.polygons.push_back({{{{2, 2}, {3, 2}, {3, 3}, {2, 2}}, {{{2.1, 2.1}, {2.2, 2.1}, {2.2, 2.2}, {2.1, 2.1}}}}});
    EXPECT_EQ(wkt_of(poly), "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2),(2.1 2.1,2.2 2.1,2.2 2.2,2.1 2.1)))");
    geo::geometry line;
    line.type = geo::geometry_type::line_string;
    line.lines = {{{1, 2}, {3, 4}}};
    EXPECT_EQ(wkt_of(line), "LINESTRING(1 2,3 4)");
    EXPECT_EQ(wkt_of(geo::geometry{}), "");
}

TEST(compact_geometry, a_feature_wider_than_four_degrees_keeps_fewer_decimals_not_wrong_ones) {
    for (double radius : {3.0, 30.0, 170.0}) {
        geo::geometry const g = random_geometry(geo::geometry_type::polygon, radius);
        geo::compact_geometry const c(g);
        int const expected = radius < 20 ? 8 : radius < 200 ? 7 : 6;
        EXPECT_EQ(c.decimals(), expected) << radius;
        double const half_step = 0.5 * std::pow(10.0, -c.decimals());
        std::size_t i = 0;
        g.for_each_point([&](geo::point const& p) {
            geo::point const q = c.at(i++);
            EXPECT_LE(std::abs(q.x - p.x), half_step * (1 + 1e-9));
            EXPECT_LE(std::abs(q.y - p.y), half_step * (1 + 1e-9));
        });
    }
}

TEST(compact_geometry, refuses_coordinates_that_are_no_longitude_or_latitude) {
    geo::geometry g;
    g.type = geo::geometry_type::point;
    for (double bad : {double(NAN), double(INFINITY), 2e6}) {
        g.points = {{104, bad}};
        EXPECT_THROW(geo::compact_geometry{g}, std::range_error) << bad;
    }
    EXPECT_TRUE(geo::compact_geometry(geo::geometry{}).empty());
}
