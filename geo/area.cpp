#include "geo/area.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace geo {

namespace {
constexpr double semi_major = 6378137.0;
constexpr double flattening = 1 / 298.257223563;
constexpr double e2 = flattening * (2 - flattening);
constexpr double deg = std::numbers::pi / 180.0;

// Snyder eq. 3-12, q as a function of geodetic latitude, with
// atanh(e s)/e expanded in powers of e^2 (e^2 s^2 < 0.0068, so five terms
// leave an error below 1e-16): one sine per vertex and no logarithm.
double authalic_q(double lat_deg) {
    double const s = std::sin(lat_deg * deg);
    double const x = e2 * s * s;
    double const atanh_es_over_e = s * (1 + x * (1.0 / 3 + x * (1.0 / 5 + x * (1.0 / 7 + x * (1.0 / 9 + x / 11)))));
    return (1 - e2) * (s / (1 - x) + atanh_es_over_e);
}

// Cylindrical equal-area, true scale at the equator: x = a*lambda, y = a*q/2.
point equal_area(point const& p) { return {semi_major * p.x * deg, semi_major * authalic_q(p.y) / 2}; }
}  // namespace

namespace {
// Vertices between a and b on the great circle, so that edges straight in
// the equal-area projection follow the (near-geodesic) edge the data means.
// Long edges are common in hand-digitised concessions: 15 km edges bow by
// metres, which adds up to hectares.
constexpr double max_edge_deg = 0.01;  // about 1.1 km

// coslat: cosine of the ring's latitude, near enough to decide what is long.
template <typename Fn>
void densify(point const& a, point const& b, double coslat, Fn&& emit) {
    double const dx = (b.x - a.x) * coslat, dy = b.y - a.y;
    if (dx * dx + dy * dy <= max_edge_deg * max_edge_deg) return;
    double const len = std::sqrt(dx * dx + dy * dy);
    auto const steps = static_cast<int>(std::ceil(len / max_edge_deg));
    auto to_xyz = [](point const& p, double v[3]) {
        double const lat = p.y * deg, lon = p.x * deg;
        v[0] = std::cos(lat) * std::cos(lon);
        v[1] = std::cos(lat) * std::sin(lon);
        v[2] = std::sin(lat);
    };
    double va[3], vb[3];
    to_xyz(a, va);
    to_xyz(b, vb);
    double const omega = std::acos(std::clamp(va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2], -1.0, 1.0));
    if (omega < 1e-12) return;
    double const so = std::sin(omega);
    for (int i = 1; i < steps; ++i) {
        double const t = static_cast<double>(i) / steps;
        double const wa = std::sin((1 - t) * omega) / so, wb = std::sin(t * omega) / so;
        double const x = wa * va[0] + wb * vb[0], y = wa * va[1] + wb * vb[1], z = wa * va[2] + wb * vb[2];
        emit(point{std::atan2(y, x) / deg, std::atan2(z, std::hypot(x, y)) / deg});
    }
}
}  // namespace

double ring_area_m2(ring const& r) {
    if (r.size() < 3) return 0;
    // Shoelace on coordinates relative to the first vertex keeps the
    // products small and the sum precise.
    point const origin = equal_area(r.front());
    point prev{0, 0};
    double twice = 0;
    auto add = [&](point const& lonlat) {
        point q = equal_area(lonlat);
        q.x -= origin.x;
        q.y -= origin.y;
        twice += prev.x * q.y - q.x * prev.y;
        prev = q;
    };
    double const coslat = std::cos(r.front().y * deg);
    for (std::size_t i = 1; i < r.size(); ++i) {
        densify(r[i - 1], r[i], coslat, add);
        add(r[i]);
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
