#pragma once
// PMTiles v3 (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// tile ids on the Hilbert curves of each zoom, directories (varints, deltas,
// columns) and the 127-byte header. Pure functions over bytes: compression
// is the caller's (a directory is written compressed, as the header says),
// and the archive's file is written by server/tile_archive.cpp.

#include "geo/tile_math.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace geo::pmtiles {

// The tile's position on the series of Hilbert curves from zoom 0:
// 4^0 + ... + 4^(z-1) plus its index on zoom z's curve. Precondition:
// tiles::valid(t), z <= 26 (the ids then fit 53 bits, as readers in
// JavaScript need).
std::uint64_t tile_id(tiles::tile_id t);
// The inverse.
tiles::tile_id tile_at(std::uint64_t id);

// A directory entry (spec "Entries"): run_length 0 points to a leaf
// directory whose first tile is tile_id; otherwise tiles tile_id ..
// tile_id + run_length - 1 all hold the bytes at offset (from the start of
// the tile data), length > 0.
struct entry {
    std::uint64_t tile_id = 0;
    std::uint64_t offset = 0;
    std::uint32_t length = 0;
    std::uint32_t run_length = 1;
    friend bool operator==(entry const&, entry const&) = default;
};

// A directory serialised (before compression): the entry count, then tile
// id deltas, run lengths, lengths and offsets (0 when an entry follows the
// previous one's bytes, else offset + 1), each a varint. entries: sorted by
// tile id, not empty.
std::string serialize_directory(std::vector<entry> const& entries);
// The inverse, for tests and readers; throws std::runtime_error on bytes
// that are not a directory.
std::vector<entry> parse_directory(std::string_view bytes);

using compressor = std::function<std::string(std::string_view)>;

// The root directory and, when the entries do not fit the root's budget,
// the leaf directories it points to (each compressed by `compress`).
struct directories {
    std::string root;
    std::string leaves;  // concatenated; root entries' offsets count from its start
    std::size_t leaf_count = 0;
};
// The root stays within root_budget bytes compressed (the spec: header and
// root within the first 16,384 bytes), leaves growing from 4,096 entries
// until it does.
directories build_directories(std::vector<entry> const& entries, compressor const& compress,
                              std::size_t root_budget = 16384 - 127);

enum class compression : std::uint8_t { unknown = 0, none = 1, gzip = 2, brotli = 3, zstd = 4 };
enum class tile_type : std::uint8_t { unknown = 0, mvt = 1, png = 2, jpeg = 3, webp = 4, avif = 5 };

struct header {
    std::uint64_t root_offset = 0, root_length = 0;
    std::uint64_t metadata_offset = 0, metadata_length = 0;
    std::uint64_t leaves_offset = 0, leaves_length = 0;
    std::uint64_t data_offset = 0, data_length = 0;
    std::uint64_t addressed_tiles = 0;  // tiles before run-length encoding
    std::uint64_t tile_entries = 0;     // entries with run_length > 0
    std::uint64_t tile_contents = 0;    // distinct blobs in the tile data
    bool clustered = true;              // blobs in tile id order (duplicates point back)
    compression internal = compression::gzip;
    compression tiles = compression::gzip;
    tile_type type = tile_type::mvt;
    std::uint8_t min_zoom = 0, max_zoom = 0;
    box bounds;  // lon/lat
    std::uint8_t center_zoom = 0;
    point center;
};
inline constexpr std::size_t header_bytes = 127;
std::string serialize_header(header const& h);
header parse_header(std::string_view bytes);  // throws std::runtime_error

}  // namespace geo::pmtiles
