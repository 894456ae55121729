#pragma once
// Where `concessions export` puts the tiles it cuts: a PMTiles v3 archive
// (geo/pmtiles.hpp), an MBTiles 1.3 database, or a folder of z/x/y.mvt
// files. Tiles arrive in PMTiles tile id order (zoom by zoom, along each
// zoom's Hilbert curve). Nothing is visible at the output's path until
// finish() succeeds: the archive is written under a temporary name (or as an
// unnamed file) and renamed into place, so an interrupted export leaves
// nothing half-written behind.

#include "geo/tile_math.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace server {

// What an archive says of itself (PMTiles metadata, MBTiles metadata rows,
// tiles.json): TileJSON's members.
struct archive_info {
    std::string name, description, attribution, version;
    unsigned min_zoom = 0, max_zoom = 14;
    double bounds[4] = {-180, -85.05112878, 180, 85.05112878};  // west, south, east, north
    double center[3] = {0, 0, 0};                                // lon, lat, zoom
    nlohmann::json vector_layers = nlohmann::json::array();
};

enum class archive_format { pmtiles, mbtiles, dir };

class tile_sink {
public:
    virtual ~tile_sink() = default;  // an unfinished archive is removed
    // mvt: the tile as serve answers it; gzipped: the same, gzipped (what
    // PMTiles and MBTiles keep). Precondition: ids ascending, mvt not empty.
    virtual void add(geo::tiles::tile_id t, std::uint64_t id, std::string_view mvt, std::string_view gzipped) = 0;
    // Writes the directories and metadata and moves the archive into place.
    virtual void finish(archive_info const& info) = 0;
    // Bytes written so far (tile data), for progress.
    virtual std::uint64_t bytes() const = 0;
    // Tiles stored once for several addresses (PMTiles only).
    virtual std::uint64_t duplicates() const { return 0; }
};

// Throws std::runtime_error when the output cannot be made (a folder that
// does not exist, no permission, an existing output without `replace`).
std::unique_ptr<tile_sink> make_tile_sink(archive_format format, std::filesystem::path const& output, bool replace);

// TileJSON 3.0 for info, its tiles at `tiles_url` (a {z}/{x}/{y} template).
nlohmann::json tilejson_of(archive_info const& info, std::string const& tiles_url);

}  // namespace server
