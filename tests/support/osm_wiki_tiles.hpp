#pragma once
// The slippy-map tile formulas as the OpenStreetMap wiki gives them
// (wiki.openstreetmap.org/wiki/Slippy_map_tilenames): an oracle written
// apart from geo/tile_math.hpp, for the tile tests.

#include <algorithm>
#include <cmath>

namespace test {

inline constexpr double wiki_pi = 3.14159265358979323846;

// West edge of tile column x, north edge of tile row y, in degrees.
inline double wiki_lon(unsigned x, unsigned z) { return x / std::pow(2.0, z) * 360 - 180; }
inline double wiki_lat(unsigned y, unsigned z) {
    return std::atan(std::sinh(wiki_pi * (1 - 2 * y / std::pow(2.0, z)))) * 180 / wiki_pi;
}

// The column and row holding a longitude and a latitude at zoom z.
inline unsigned wiki_x(double lon, unsigned z) {
    double const n = std::pow(2.0, z);
    return static_cast<unsigned>(std::clamp(std::floor((lon + 180) / 360 * n), 0.0, n - 1));
}
inline unsigned wiki_y(double lat, unsigned z) {
    double const n = std::pow(2.0, z);
    return static_cast<unsigned>(
        std::clamp(std::floor((1 - std::asinh(std::tan(lat * wiki_pi / 180)) / wiki_pi) / 2 * n), 0.0, n - 1));
}

}  // namespace test
