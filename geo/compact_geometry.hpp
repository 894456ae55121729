#pragma once
// A feature's geometry as a loaded collection keeps it: every coordinate a
// 32-bit offset from the feature's origin, in steps of 10^-decimals degrees.
// Decimals is 9 (0.1 mm, the grid every text answer is written on) for any
// feature less than 4.2 degrees across, so text written from this form is
// byte for byte the text written from the doubles it was made from, in half
// their memory. A wider feature takes the most decimals its extent allows (8
// up to 42 degrees, 7 up to 429).

#include "geo/geometry.hpp"

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace geo {

class compact_geometry {
public:
    compact_geometry() = default;
    // Throws std::range_error for a coordinate that is not finite or beyond
    // +-1e9 (nothing a longitude or latitude can be).
    explicit compact_geometry(geometry const& g);

    geometry_type type() const { return type_; }
    bool empty() const { return type_ == geometry_type::none; }
    int decimals() const { return decimals_; }
    std::size_t vertex_count() const { return xy_.size() / 2; }

    // Vertex i (in the order of lines, rings or points: geometry's order) as
    // an integer number of 10^-decimals degrees.
    std::int64_t scaled_x(std::size_t i) const { return origin_x_ + xy_[2 * i]; }
    std::int64_t scaled_y(std::size_t i) const { return origin_y_ + xy_[2 * i + 1]; }
    // The same in bulk: x, y of each vertex from the origin, in order.
    std::int32_t const* offsets() const { return xy_.data(); }
    std::int64_t origin_x() const { return origin_x_; }
    std::int64_t origin_y() const { return origin_y_; }
    // Vertex i in degrees: the double nearest its decimal value.
    point at(std::size_t i) const;

    // The parts: lines: vertices per line; polygons: per polygon its ring
    // count, then the vertices of each ring; points: empty.
    std::span<std::uint32_t const> layout() const { return layout_; }
    // Calls fn(ring_sizes) for each polygon, ring_sizes a span of the
    // vertex counts of its rings (exterior first).
    template <typename Fn>
    void for_each_polygon(Fn&& fn) const {
        if (type_ != geometry_type::polygon && type_ != geometry_type::multi_polygon) return;
        for (std::size_t k = 0; k < layout_.size(); k += 1 + layout_[k])
            fn(std::span(layout_).subspan(k + 1, layout_[k]));
    }
    // Vertex counts of each line (empty unless a (multi)line string).
    std::span<std::uint32_t const> line_sizes() const {
        bool const lines = type_ == geometry_type::line_string || type_ == geometry_type::multi_line_string;
        return lines ? std::span(layout_) : std::span<std::uint32_t const>();
    }
    std::size_t point_count() const {
        return type_ == geometry_type::point || type_ == geometry_type::multi_point ? vertex_count() : 0;
    }

    // Back to doubles, each coordinate as at() gives it.
    geometry expand() const;
    // Bytes held outside the object itself.
    std::size_t heap_bytes() const {
        return layout_.capacity() * sizeof(std::uint32_t) + xy_.capacity() * sizeof(std::int32_t);
    }

private:
    friend struct store_codec;
    geometry_type type_ = geometry_type::none;
    std::int8_t decimals_ = 9;
    std::int64_t origin_x_ = 0, origin_y_ = 0;  // in 10^-decimals degrees
    std::vector<std::uint32_t> layout_;
    std::vector<std::int32_t> xy_;  // x, y of each vertex, from the origin
};

box bounds(compact_geometry const& g);

}  // namespace geo
