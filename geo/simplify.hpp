#pragma once
// Douglas-Peucker simplification of a whole geometry, in its own units (here
// longitude/latitude degrees), for drawing it at a known scale: the province
// boundaries of /provinces?zoom=z, which a phone loads for the country view
// instead of 2.5 MB of surveyed vertices (issue 18, part 3).

#include "geo/geometry.hpp"

namespace geo {

// Every vertex left out lies within `tolerance` of the simplified line.
// Rings whose box is under `tolerance` both ways (islets smaller than a
// pixel) are dropped, and a polygon whose exterior is dropped goes with its
// holes; a ring that simplification would flatten to a line keeps more of
// its vertices. The largest part of a polygonal geometry is always kept,
// whole if it must be, so a province never disappears. Points are kept as
// they are. tolerance <= 0: the geometry unchanged.
geometry simplified(geometry const& g, double tolerance);

// The tolerance, in degrees, that keeps simplification under half a pixel of
// a 256-pixel Web Mercator tile at `zoom` (at the equator; less elsewhere).
constexpr double tolerance_at_zoom(int zoom) {
    return 360.0 / (256.0 * static_cast<double>(1ull << zoom)) / 2;
}

// The squared distance from p to the segment a-b.
double sq_segment_distance(point const& p, point const& a, point const& b);

// Douglas-Peucker importance of each of pts' vertices into out (pts.size()
// floats): the squared distance (at most 1) beyond which the vertex stops
// mattering; 0 for those within min_sq of the line; the ends are 1. The
// tiler keeps it per vertex for every zoom; simplified() keeps those above
// its tolerance.
void importance_of(std::vector<point> const& pts, float* out, double min_sq);

// The decimals a coordinate needs to stay within a tenth of `tolerance`
// (1 to 9).
int decimals_for(double tolerance);

}  // namespace geo
