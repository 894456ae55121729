#pragma once
// Web Mercator tile maths (XYZ scheme, y counted from the north), in the
// small constexpr-style functions libosmium's geom/tile.hpp keeps. "Unit"
// coordinates are Web Mercator scaled to [0, 1] on both axes, x eastwards
// and y southwards, so tile (z, x, y) covers [x, x+1] / 2^z by [y, y+1] / 2^z.

#include "geo/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace geo::tiles {

inline constexpr double max_latitude = 85.05112877980659;  // where Web Mercator is square
inline constexpr unsigned max_zoom_supported = 24;

struct tile_id {
    unsigned z = 0, x = 0, y = 0;
    friend bool operator==(tile_id const&, tile_id const&) = default;
};

// Whether x and y lie in 0..2^z-1 (and z is supported).
constexpr bool valid(tile_id t) {
    return t.z <= max_zoom_supported && t.x < (1u << t.z) && t.y < (1u << t.z);
}

// lon/lat -> unit. Latitudes beyond max_latitude are clamped.
inline point to_unit(point lonlat) {
    double const lat = std::clamp(lonlat.y, -max_latitude, max_latitude) * std::numbers::pi / 180;
    return {lonlat.x / 360 + 0.5, 0.5 - std::log(std::tan(std::numbers::pi / 4 + lat / 2)) / (2 * std::numbers::pi)};
}

// unit -> lon/lat.
inline point to_lonlat(point unit) {
    double const n = std::numbers::pi * (1 - 2 * unit.y);
    return {unit.x * 360 - 180, std::atan(std::sinh(n)) * 180 / std::numbers::pi};
}

// unit y -> latitude in degrees, for long runs of nearby points (a tile's
// vertices): a degree-4 Taylor series of the Gudermannian, gd(t) =
// atan(sinh t), about the middle of the 1/256-high band of the world that
// holds y, re-centred only when y moves to another band. |t - t0| <= pi/256,
// so the first term left out is below 24/120 (pi/256)^5, about 6e-11 rad
// (4e-9 degrees, half a millimetre); the series costs a few multiplications
// where atan(sinh()) costs two library calls.
class latitude_series {
public:
    double operator()(double unit_y) {
        double const band = std::floor(unit_y * bands);
        if (band != band_) centre(band);
        double const d = std::numbers::pi * (1 - 2 * unit_y) - t0_;
        return c_[0] + d * (c_[1] + d * (c_[2] + d * (c_[3] + d * c_[4])));
    }

private:
    static constexpr double bands = 256;
    void centre(double band) {
        band_ = band;
        t0_ = std::numbers::pi * (1 - 2 * (band + 0.5) / bands);
        // The derivatives of gd: sech; -sech tanh; sech (2 tanh^2 - 1);
        // sech tanh (5 - 6 tanh^2); each over its factorial, in degrees.
        double const sech = 1 / std::cosh(t0_), tanh = std::tanh(t0_), k = 180 / std::numbers::pi;
        c_[0] = std::atan(std::sinh(t0_)) * k;
        c_[1] = sech * k;
        c_[2] = -sech * tanh * k / 2;
        c_[3] = sech * (2 * tanh * tanh - 1) * k / 6;
        c_[4] = sech * tanh * (5 - 6 * tanh * tanh) * k / 24;
    }
    double band_ = std::numeric_limits<double>::quiet_NaN();  // NaN equals nothing: centred on first use
    double t0_ = 0;
    double c_[5] = {};
};

// The tile containing a lon/lat point at zoom z (points on an edge go east/south).
inline tile_id tile_for(point lonlat, unsigned z) {
    point const u = to_unit(lonlat);
    double const n = std::ldexp(1.0, static_cast<int>(z));
    auto clampi = [&](double v) { return static_cast<unsigned>(std::clamp(std::floor(v * n), 0.0, n - 1)); };
    return {z, clampi(u.x), clampi(u.y)};
}

// Tile bounds in unit coordinates: min_y is the north edge.
inline box unit_bounds(tile_id t) {
    double const n = std::ldexp(1.0, static_cast<int>(t.z));
    return {t.x / n, t.y / n, (t.x + 1) / n, (t.y + 1) / n};
}

// Tile bounds in lon/lat (min_y is the south edge).
inline box lonlat_bounds(tile_id t) {
    box const u = unit_bounds(t);
    point const nw = to_lonlat({u.min_x, u.min_y});
    point const se = to_lonlat({u.max_x, u.max_y});
    return {nw.x, se.y, se.x, nw.y};
}

}  // namespace geo::tiles
