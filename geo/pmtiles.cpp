#include "geo/pmtiles.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace geo::pmtiles {

namespace {
// Tiles on the curves of zooms below z: (4^z - 1) / 3.
constexpr std::uint64_t tiles_below(unsigned z) { return ((std::uint64_t{1} << (2 * z)) - 1) / 3; }

// The Hilbert curve's turn of the square of side s: the quadrant (rx, ry)
// is entered flipped or transposed (Wikipedia, "Hilbert curve", rot()).
void rotate(std::uint32_t s, std::uint32_t& x, std::uint32_t& y, std::uint32_t rx, std::uint32_t ry) {
    if (ry != 0) return;
    if (rx != 0) {
        x = s - 1 - x;
        y = s - 1 - y;
    }
    std::swap(x, y);
}

void put_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

struct reader {
    std::string_view bytes;
    std::size_t pos = 0;
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (pos >= bytes.size()) throw std::runtime_error("PMTiles directory: a varint runs past the end");
            auto const b = static_cast<unsigned char>(bytes[pos++]);
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (b < 0x80) return v;
        }
        throw std::runtime_error("PMTiles directory: a varint longer than 10 bytes");
    }
};

template <class T>
void put_le(std::string& out, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
}
template <class T>
T get_le(std::string_view b, std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
    return static_cast<T>(v);
}
std::int32_t e7(double degrees) { return static_cast<std::int32_t>(std::lround(degrees * 1e7)); }
}  // namespace

std::uint64_t tile_id(tiles::tile_id t) {
    std::uint64_t d = 0;
    std::uint32_t x = t.x, y = t.y;
    for (std::uint32_t s = (1u << t.z) >> 1; s > 0; s >>= 1) {
        std::uint32_t const rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += std::uint64_t{s} * s * ((3 * rx) ^ ry);
        rotate(s, x, y, rx, ry);
    }
    return tiles_below(t.z) + d;
}

tiles::tile_id tile_at(std::uint64_t id) {
    unsigned z = 0;
    while (z < 31 && tiles_below(z + 1) <= id) ++z;
    std::uint64_t t = id - tiles_below(z);
    std::uint32_t x = 0, y = 0;
    for (std::uint32_t s = 1; s < (1u << z); s <<= 1) {
        auto const rx = static_cast<std::uint32_t>(1 & (t / 2));
        auto const ry = static_cast<std::uint32_t>(1 & (t ^ rx));
        rotate(s, x, y, rx, ry);
        x += s * rx;
        y += s * ry;
        t /= 4;
    }
    return {z, x, y};
}

std::string serialize_directory(std::vector<entry> const& entries) {
    std::string out;
    out.reserve(entries.size() * 6 + 4);
    put_varint(out, entries.size());
    std::uint64_t last_id = 0;
    for (auto const& e : entries) {
        put_varint(out, e.tile_id - last_id);
        last_id = e.tile_id;
    }
    for (auto const& e : entries) put_varint(out, e.run_length);
    for (auto const& e : entries) put_varint(out, e.length);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        bool const follows = i > 0 && entries[i].offset == entries[i - 1].offset + entries[i - 1].length;
        put_varint(out, follows ? 0 : entries[i].offset + 1);
    }
    return out;
}

std::vector<entry> parse_directory(std::string_view bytes) {
    reader r{bytes};
    std::uint64_t const n = r.varint();
    if (n > bytes.size()) throw std::runtime_error("PMTiles directory: more entries than bytes");
    std::vector<entry> out(n);
    std::uint64_t id = 0;
    for (auto& e : out) e.tile_id = id += r.varint();
    for (auto& e : out) e.run_length = static_cast<std::uint32_t>(r.varint());
    for (auto& e : out) e.length = static_cast<std::uint32_t>(r.varint());
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::uint64_t const v = r.varint();
        if (v == 0 && i == 0) throw std::runtime_error("PMTiles directory: the first offset cannot follow a previous one");
        out[i].offset = v == 0 ? out[i - 1].offset + out[i - 1].length : v - 1;
    }
    if (r.pos != bytes.size()) throw std::runtime_error("PMTiles directory: bytes left after the last entry");
    return out;
}

directories build_directories(std::vector<entry> const& entries, compressor const& compress, std::size_t root_budget) {
    directories out;
    out.root = compress(serialize_directory(entries));
    if (out.root.size() <= root_budget) return out;
    // Leaves of leaf_size entries, the root listing them; grown until the
    // root fits (go-pmtiles does the same).
    for (std::size_t leaf_size = 4096;; leaf_size *= 2) {
        std::vector<entry> root;
        out.leaves.clear();
        out.leaf_count = 0;
        for (std::size_t i = 0; i < entries.size(); i += leaf_size) {
            std::vector<entry> const leaf(entries.begin() + static_cast<std::ptrdiff_t>(i),
                                          entries.begin() + static_cast<std::ptrdiff_t>(std::min(entries.size(), i + leaf_size)));
            std::string const bytes = compress(serialize_directory(leaf));
            root.push_back({leaf.front().tile_id, out.leaves.size(), static_cast<std::uint32_t>(bytes.size()), 0});
            out.leaves += bytes;
            ++out.leaf_count;
        }
        out.root = compress(serialize_directory(root));
        if (out.root.size() <= root_budget) return out;
    }
}

std::string serialize_header(header const& h) {
    std::string out = "PMTiles";
    out.push_back(3);
    for (std::uint64_t v : {h.root_offset, h.root_length, h.metadata_offset, h.metadata_length, h.leaves_offset, h.leaves_length,
                            h.data_offset, h.data_length, h.addressed_tiles, h.tile_entries, h.tile_contents})
        put_le(out, v);
    for (std::uint8_t v : {std::uint8_t{h.clustered}, static_cast<std::uint8_t>(h.internal), static_cast<std::uint8_t>(h.tiles),
                           static_cast<std::uint8_t>(h.type), h.min_zoom, h.max_zoom})
        put_le(out, v);
    for (double v : {h.bounds.min_x, h.bounds.min_y, h.bounds.max_x, h.bounds.max_y}) put_le(out, e7(v));
    put_le(out, h.center_zoom);
    put_le(out, e7(h.center.x));
    put_le(out, e7(h.center.y));
    return out;
}

header parse_header(std::string_view b) {
    if (b.size() < header_bytes || b.substr(0, 7) != "PMTiles") throw std::runtime_error("not a PMTiles archive");
    if (b[7] != 3) throw std::runtime_error("PMTiles version " + std::to_string(static_cast<int>(b[7])) + ", not 3");
    header h;
    std::uint64_t* fields[] = {&h.root_offset,  &h.root_length, &h.metadata_offset, &h.metadata_length,
                               &h.leaves_offset, &h.leaves_length, &h.data_offset,   &h.data_length,
                               &h.addressed_tiles, &h.tile_entries, &h.tile_contents};
    std::size_t at = 8;
    for (auto* f : fields) {
        *f = get_le<std::uint64_t>(b, at);
        at += 8;
    }
    h.clustered = b[96] != 0;
    h.internal = static_cast<compression>(b[97]);
    h.tiles = static_cast<compression>(b[98]);
    h.type = static_cast<tile_type>(b[99]);
    h.min_zoom = static_cast<std::uint8_t>(b[100]);
    h.max_zoom = static_cast<std::uint8_t>(b[101]);
    h.bounds = {get_le<std::int32_t>(b, 102) / 1e7, get_le<std::int32_t>(b, 106) / 1e7, get_le<std::int32_t>(b, 110) / 1e7,
                get_le<std::int32_t>(b, 114) / 1e7};
    h.center_zoom = static_cast<std::uint8_t>(b[118]);
    h.center = {get_le<std::int32_t>(b, 119) / 1e7, get_le<std::int32_t>(b, 123) / 1e7};
    return h;
}

}  // namespace geo::pmtiles
