#include "geo/compact_geometry.hpp"

#include "geo/number_format.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace geo {

namespace {

// Every vertex of g, in geometry's order.
template <typename Fn>
void for_each_vertex(geometry const& g, Fn&& fn) {
    for (auto const& p : g.points) fn(p);
    for (auto const& l : g.lines)
        for (auto const& p : l) fn(p);
    for (auto const& poly : g.polygons)
        for (auto const& r : poly.rings)
            for (auto const& p : r) fn(p);
}

}  // namespace

compact_geometry::compact_geometry(geometry const& g) : type_(g.type) {
    if (g.type == geometry_type::none) return;
    for (auto const& l : g.lines) layout_.push_back(static_cast<std::uint32_t>(l.size()));
    for (auto const& poly : g.polygons) {
        layout_.push_back(static_cast<std::uint32_t>(poly.rings.size()));
        for (auto const& r : poly.rings) layout_.push_back(static_cast<std::uint32_t>(r.size()));
    }
    box extent;
    for_each_vertex(g, [&](point const& p) {
        if (!(std::fabs(p.x) < 1e6 && std::fabs(p.y) < 1e6))
            throw std::range_error("coordinate " + std::to_string(p.x) + ", " + std::to_string(p.y) +
                                   " is not a longitude and latitude");
        extent.expand(p);
    });
    // The most decimals (at most 9) at which every offset from the middle
    // fits in 32 bits.
    constexpr double reach = std::numeric_limits<std::int32_t>::max() - 1;
    double const half_span = std::max(extent.max_x - extent.min_x, extent.max_y - extent.min_y) / 2;
    int decimals = 9;
    while (decimals > 0 && half_span * detail::decimal_scale[decimals] >= reach) --decimals;
    decimals_ = static_cast<std::int8_t>(decimals);
    auto const scaled = [&](double v) { return scaled_round(v, decimals); };
    origin_x_ = (scaled(extent.min_x) + scaled(extent.max_x)) / 2;
    origin_y_ = (scaled(extent.min_y) + scaled(extent.max_y)) / 2;
    xy_.reserve(2 * g.vertex_count());
    for_each_vertex(g, [&](point const& p) {
        xy_.push_back(static_cast<std::int32_t>(scaled(p.x) - origin_x_));
        xy_.push_back(static_cast<std::int32_t>(scaled(p.y) - origin_y_));
    });
}

point compact_geometry::at(std::size_t i) const {
    double const scale = detail::decimal_scale[decimals_];
    return {static_cast<double>(scaled_x(i)) / scale, static_cast<double>(scaled_y(i)) / scale};
}

geometry compact_geometry::expand() const {
    geometry g;
    g.type = type_;
    std::size_t at_vertex = 0;
    auto take = [&](std::size_t n) {
        std::vector<point> pts(n);
        for (auto& p : pts) p = at(at_vertex++);
        return pts;
    };
    switch (type_) {
        case geometry_type::none:
            break;
        case geometry_type::point:
        case geometry_type::multi_point:
            g.points = take(vertex_count());
            break;
        case geometry_type::line_string:
        case geometry_type::multi_line_string:
            for (auto n : layout_) g.lines.push_back(take(n));
            break;
        case geometry_type::polygon:
        case geometry_type::multi_polygon:
            for_each_polygon([&](std::span<std::uint32_t const> rings) {
                polygon& poly = g.polygons.emplace_back();
                for (auto n : rings) poly.rings.push_back(take(n));
            });
            break;
    }
    return g;
}

box bounds(compact_geometry const& g) {
    box b;
    for (std::size_t i = 0; i < g.vertex_count(); ++i) b.expand(g.at(i));
    return b;
}

}  // namespace geo
