#include "geo/area.hpp"

#include <cmath>
#include <numbers>

namespace geo {

namespace {
constexpr double semi_major = 6378137.0;
constexpr double flattening = 1 / 298.257223563;
constexpr double e2 = flattening * (2 - flattening);
double const e = std::sqrt(e2);
constexpr double deg = std::numbers::pi / 180.0;

// Snyder eq. 3-12: q as a function of geodetic latitude.
double authalic_q(double lat_deg) {
    double const s = std::sin(lat_deg * deg);
    double const es = e * s;
    return (1 - e2) * (s / (1 - e2 * s * s) - (1 / (2 * e)) * std::log((1 - es) / (1 + es)));
}

// Cylindrical equal-area, true scale at the equator: x = a*lambda, y = a*q/2.
point equal_area(point const& p) { return {semi_major * p.x * deg, semi_major * authalic_q(p.y) / 2}; }
}  // namespace

double ring_area_m2(ring const& r) {
    if (r.size() < 3) return 0;
    // Shoelace on coordinates relative to the first vertex keeps the
    // products small and the sum precise.
    point const origin = equal_area(r.front());
    point prev{0, 0};
    double twice = 0;
    for (std::size_t i = 1; i < r.size(); ++i) {
        point q = equal_area(r[i]);
        q.x -= origin.x;
        q.y -= origin.y;
        twice += prev.x * q.y - q.x * prev.y;
        prev = q;
    }
    return std::abs(twice) / 2;
}

double polygon_area_m2(polygon const& p) {
    if (p.rings.empty()) return 0;
    double a = ring_area_m2(p.rings.front());
    for (std::size_t i = 1; i < p.rings.size(); ++i) a -= ring_area_m2(p.rings[i]);
    return a > 0 ? a : 0;
}

double area_m2(geometry const& g) {
    double a = 0;
    for (auto const& p : g.polygons) a += polygon_area_m2(p);
    return a;
}

}  // namespace geo
