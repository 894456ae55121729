#pragma once
// Geometry as the rest of the project sees it: plain coordinate arrays in
// longitude/latitude (WGS 84) once loaded. No GDAL, GEOS or PROJ types leak
// out of the files that wrap those libraries.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace geo {

struct point {
    double x = 0;  // longitude (or easting before reprojection)
    double y = 0;  // latitude (or northing before reprojection)
    friend bool operator==(point const&, point const&) = default;
};

using ring = std::vector<point>;        // closed: first == last
using line_string = std::vector<point>;

struct polygon {
    std::vector<ring> rings;  // rings[0] is the exterior, the rest are holes
};

enum class geometry_type : std::uint8_t {
    none,  // null or empty geometry: kept and counted, never dropped
    point,
    multi_point,
    line_string,
    multi_line_string,
    polygon,
    multi_polygon,
};

std::string to_string(geometry_type type);

// One feature's geometry. Only the member matching `type` is filled:
// points for (multi)points, lines for (multi)line strings, polygons for
// (multi)polygons.
struct geometry {
    geometry_type type = geometry_type::none;
    std::vector<point> points;
    std::vector<line_string> lines;
    std::vector<polygon> polygons;

    bool empty() const { return type == geometry_type::none; }

    template <typename Fn>
    void for_each_point(Fn&& fn) {
        for (auto& p : points) fn(p);
        for (auto& l : lines)
            for (auto& p : l) fn(p);
        for (auto& poly : polygons)
            for (auto& r : poly.rings)
                for (auto& p : r) fn(p);
    }
    template <typename Fn>
    void for_each_point(Fn&& fn) const {
        const_cast<geometry*>(this)->for_each_point([&](point const& p) { fn(p); });
    }
    std::size_t vertex_count() const;
};

struct box {
    double min_x = std::numeric_limits<double>::infinity();
    double min_y = std::numeric_limits<double>::infinity();
    double max_x = -std::numeric_limits<double>::infinity();
    double max_y = -std::numeric_limits<double>::infinity();

    bool valid() const { return min_x <= max_x && min_y <= max_y; }
    void expand(point const& p) {
        min_x = std::min(min_x, p.x);
        min_y = std::min(min_y, p.y);
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
    }
    void expand(box const& b) {
        if (!b.valid()) return;
        expand(point{b.min_x, b.min_y});
        expand(point{b.max_x, b.max_y});
    }
    bool intersects(box const& b) const {
        return valid() && b.valid() && min_x <= b.max_x && b.min_x <= max_x && min_y <= b.max_y &&
               b.min_y <= max_y;
    }
};

box bounds(geometry const& g);

}  // namespace geo
