#pragma once
// Areas of lon/lat geometry in square metres on the WGS 84 ellipsoid.
//
// Each vertex goes through the Lambert cylindrical equal-area projection
// (ellipsoidal form, Snyder 1987, "Map Projections: A Working Manual",
// eq. 3-12 and 10-15), where planar area equals ellipsoidal area, so the
// shoelace sum is exact for edges straight in that projection. For the
// kilometre-scale edges of concessions this differs from geodesic edges by
// far less than the digitising error of the source.

#include "geo/geometry.hpp"

namespace geo {

double ring_area_m2(ring const& r);           // absolute value
double polygon_area_m2(polygon const& p);     // exterior minus holes
double area_m2(geometry const& g);            // 0 for points and lines
inline double area_ha(geometry const& g) { return area_m2(g) / 10'000.0; }

}  // namespace geo
