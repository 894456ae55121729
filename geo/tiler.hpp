#pragma once
// Vector tiles of one collection, after geojson-vt's stages: project to Web
// Mercator, simplify (Douglas-Peucker importance per vertex, computed once,
// so each zoom is a filter), clip to the tile plus a buffer, and encode as
// GeoJSON (lon/lat) or Mapbox Vector Tile 2.1. Tiles stay under a byte
// bound: when a low-zoom tile would exceed it, the smallest features are
// left out first (as tippecanoe does) and the tile says how many.

#include "geo/collection.hpp"
#include "geo/memory_size.hpp"
#include "geo/provinces.hpp"
#include "geo/tile_math.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace geo {

struct tile_options {
    unsigned extent = 4096;      // tile units per side (MVT extent)
    unsigned buffer = 64;        // tile units drawn beyond each edge
    double tolerance = 3;        // simplification, in tile units (geojson-vt's default)
    unsigned min_zoom = 0;
    unsigned max_zoom = 14;      // tiles above it are refused (404)
    std::size_t max_tile_bytes = 500 * 1024;  // bound on a tile's encoded size, either format
};

struct tile_result {
    std::string body;          // GeoJSON text or MVT bytes (empty MVT: no features)
    std::size_t features = 0;  // features in the tile
    std::size_t omitted = 0;   // left out to respect max_tile_bytes (smallest first)
    std::size_t dropped = 0;   // features meeting the tile but smaller than a tile unit at this zoom
};

// A vertex in unit coordinates as 32-bit fixed point (2^-32 of the world,
// about 9 mm): projected once at start-up, half the memory of doubles.
struct unit_point {
    std::uint32_t x, y;
};

class tile_index {
public:
    // Keeps references to c and provinces: they must outlive the index.
    tile_index(collection const& c, province_index const& provinces, tile_options options = {});

    tile_options const& options() const { return options_; }

    // allowed: positions in c.features the filters let through (sorted),
    // or nullptr for all.
    tile_result geojson(tiles::tile_id t, std::vector<std::uint32_t> const* allowed = nullptr) const;
    tile_result mvt(tiles::tile_id t, std::vector<std::uint32_t> const* allowed = nullptr) const;

    // Bytes held: vertices in unit coordinates with their zoom levels, and
    // the rest (rings, display properties, ranks).
    std::size_t vertex_bytes() const;
    std::size_t other_bytes() const;

    // The display properties tiles carry.
    static std::vector<std::string> const& property_names();

private:
    friend struct store_codec;
    struct prepared {};  // the arrays come from a store (geo/store.cpp)
    tile_index(collection const& c, province_index const& provinces, tile_options options, prepared)
        : c_(c), provinces_(provinces), options_(options) {}
    struct part {  // one feature's geometry in unit coordinates, clipped, ready to encode
        geometry_type type = geometry_type::none;
        std::vector<std::vector<point>> rings_or_lines;  // polygons: rings, exterior first per polygon
        std::vector<std::size_t> polygon_starts;         // index of each polygon's exterior in rings_or_lines
        std::vector<point> points;
    };
    struct prepared_tile;
    prepared_tile prepare(tiles::tile_id t, std::vector<std::uint32_t> const* allowed) const;
    bool cut(std::uint32_t i, prepared_tile const& pt, part& out, bool& dropped) const;

    collection const& c_;
    province_index const& provinces_;
    tile_options options_;
    std::vector<unit_point> units_;               // every feature's vertices (lines, rings, points in order), projected
    // Per vertex, in the same order: the lowest zoom whose simplification
    // keeps it (from its Douglas-Peucker importance; max_zoom + 1: none).
    // A byte, so a tile's scan reads eight vertices a word.
    std::vector<std::uint8_t> level_;
    std::vector<std::size_t> unit_start_;         // per feature: where its vertices begin in units_
    // Per polygon ring (features' rings in order, from ring_start_ per
    // feature), in unit coordinates: what bounds how far simplification can
    // move its area (see cut).
    std::vector<float> ring_area_, ring_length_;
    std::vector<std::size_t> ring_start_;
    std::vector<std::string> display_json_;       // per feature: the properties object for GeoJSON tiles
    std::vector<std::uint32_t> rank_;             // per feature: position by area, largest first
};

}  // namespace geo
