#pragma once
// Clipping to an axis-aligned box, as geojson-vt's clip stage: polygon rings
// with Sutherland-Hodgman (a clipped ring stays one closed ring; it may run
// along the box edge, which renders correctly and keeps areas exact), lines
// into the pieces inside the box.

#include "geo/geometry.hpp"

#include <vector>

namespace geo {

// The ring clipped to `b`: closed, or empty when nothing is left.
ring clip_ring(ring const& r, box const& b);

// Liang-Barsky: whether segment pq meets `b`, and the parameters (0..1
// along pq) where it enters and leaves.
bool clip_segment(point const& p, point const& q, box const& b, double& t0, double& t1);

// The parts of a polyline inside `b`.
std::vector<line_string> clip_line(line_string const& l, box const& b);

}  // namespace geo
