#include "geo/geometry.hpp"

namespace geo {

std::string to_string(geometry_type type) {
    switch (type) {
        case geometry_type::none: return "None";
        case geometry_type::point: return "Point";
        case geometry_type::multi_point: return "MultiPoint";
        case geometry_type::line_string: return "LineString";
        case geometry_type::multi_line_string: return "MultiLineString";
        case geometry_type::polygon: return "Polygon";
        case geometry_type::multi_polygon: return "MultiPolygon";
    }
    return "None";
}

std::size_t geometry::vertex_count() const {
    std::size_t n = 0;
    for_each_point([&](point const&) { ++n; });
    return n;
}

box bounds(geometry const& g) {
    box b;
    g.for_each_point([&](point const& p) { b.expand(p); });
    return b;
}

}  // namespace geo
