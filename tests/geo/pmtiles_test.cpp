// PMTiles v3 pieces (geo/pmtiles.hpp) against the specification's own
// numbers; the whole archive is read back by the `pmtiles` npm package in
// tests/server/export_e2e_test.cpp.

#include "geo/pmtiles.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

using geo::pmtiles::entry;

TEST(pmtiles, TileIdsFollowTheHilbertCurveOfEachZoom) {
    EXPECT_EQ(geo::pmtiles::tile_id({0, 0, 0}), 0u);
    // Zoom 1's curve: the four tiles in Hilbert order after zoom 0's one.
    EXPECT_EQ(geo::pmtiles::tile_id({1, 0, 0}), 1u);
    EXPECT_EQ(geo::pmtiles::tile_id({1, 0, 1}), 2u);
    EXPECT_EQ(geo::pmtiles::tile_id({1, 1, 1}), 3u);
    EXPECT_EQ(geo::pmtiles::tile_id({1, 1, 0}), 4u);
    // Zoom z starts after the 4^0 + ... + 4^(z-1) tiles of the zooms above.
    EXPECT_EQ(geo::pmtiles::tile_id({2, 0, 0}), 5u);
    EXPECT_EQ(geo::pmtiles::tile_id({12, 0, 0}), (std::uint64_t{1} << 24) / 3);
    // The last tile of zoom 26 still fits 53 bits (JavaScript readers).
    EXPECT_LT(geo::pmtiles::tile_id({26, (1u << 26) - 1, 0}), std::uint64_t{1} << 53);
    // Each zoom's ids are a permutation of its range, neighbours on the curve adjacent tiles.
    for (unsigned z = 1; z <= 5; ++z) {
        std::uint64_t const first = geo::pmtiles::tile_id({z, 0, 0});
        std::vector<bool> seen(1u << (2 * z));
        for (unsigned x = 0; x < (1u << z); ++x)
            for (unsigned y = 0; y < (1u << z); ++y) seen.at(geo::pmtiles::tile_id({z, x, y}) - first) = true;
        EXPECT_EQ(std::count(seen.begin(), seen.end(), false), 0) << "zoom " << z;
        for (std::uint64_t i = first; i + 1 < first + seen.size(); ++i) {
            auto const a = geo::pmtiles::tile_at(i), b = geo::pmtiles::tile_at(i + 1);
            EXPECT_EQ(std::abs(int(a.x) - int(b.x)) + std::abs(int(a.y) - int(b.y)), 1) << i;
        }
    }
}

TEST(pmtiles, TileAtInvertsTileId) {
    std::mt19937 random(14);
    for (int i = 0; i < 20000; ++i) {
        unsigned const z = random() % 27;
        geo::tiles::tile_id const t{z, static_cast<unsigned>(random() & ((1u << z) - 1)), static_cast<unsigned>(random() & ((1u << z) - 1))};
        EXPECT_EQ(geo::pmtiles::tile_at(geo::pmtiles::tile_id(t)), t) << t.z << "/" << t.x << "/" << t.y;
    }
}

TEST(pmtiles, DirectoriesAreVarintColumns) {
    // Three entries: the second follows the first's bytes (offset 0), the
    // third points back to the first (a duplicate: offset + 1).
    std::vector<entry> const entries = {{5, 0, 100, 1}, {6, 100, 50, 3}, {20, 0, 100, 1}};
    std::string const bytes = geo::pmtiles::serialize_directory(entries);
    std::string const expected = {3,                 // entries
                                  5, 1, 14,          // tile id deltas
                                  1, 3, 1,           // run lengths
                                  100, 50, 100,      // lengths
                                  1, 0, 1};          // offsets: 0+1, follows, 0+1
    EXPECT_EQ(bytes, expected);
    EXPECT_EQ(geo::pmtiles::parse_directory(bytes), entries);
    EXPECT_THROW(geo::pmtiles::parse_directory(bytes.substr(0, 7)), std::runtime_error);
    EXPECT_THROW(geo::pmtiles::parse_directory(bytes + "x"), std::runtime_error);
}

TEST(pmtiles, RootDirectoryStaysInItsBudgetWithLeaves) {
    std::vector<entry> entries;
    std::uint64_t offset = 0;
    for (std::uint64_t id = 0; id < 100000; id += 1 + id % 3) {
        entries.push_back({id, offset, static_cast<std::uint32_t>(200 + id % 97), 1});
        offset += entries.back().length;
    }
    auto const identity = [](std::string_view b) { return std::string(b); };
    auto const small = geo::pmtiles::build_directories({entries.begin(), entries.begin() + 100}, identity);
    EXPECT_EQ(small.leaf_count, 0u);
    EXPECT_EQ(geo::pmtiles::parse_directory(small.root).size(), 100u);

    auto const dirs = geo::pmtiles::build_directories(entries, identity);
    EXPECT_LE(dirs.root.size(), 16384u - 127);
    ASSERT_GT(dirs.leaf_count, 1u);
    // The root lists the leaves (run length 0) by their first tile; the
    // leaves together hold every entry, in order.
    auto const root = geo::pmtiles::parse_directory(dirs.root);
    ASSERT_EQ(root.size(), dirs.leaf_count);
    std::vector<entry> all;
    for (auto const& r : root) {
        EXPECT_EQ(r.run_length, 0u);
        auto const leaf = geo::pmtiles::parse_directory(std::string_view(dirs.leaves).substr(r.offset, r.length));
        EXPECT_EQ(leaf.front().tile_id, r.tile_id);
        all.insert(all.end(), leaf.begin(), leaf.end());
    }
    EXPECT_EQ(all, entries);
}

TEST(pmtiles, HeaderIs127LittleEndianBytes) {
    geo::pmtiles::header h;
    h.root_offset = 127;
    h.root_length = 300;
    h.data_length = 0x0102030405060708ull;
    h.min_zoom = 0;
    h.max_zoom = 14;
    h.bounds = {102.3, 10.4, 107.6, 14.7};
    h.center = {104.9, -12.5};
    h.center_zoom = 7;
    std::string const b = geo::pmtiles::serialize_header(h);
    ASSERT_EQ(b.size(), geo::pmtiles::header_bytes);
    EXPECT_EQ(b.substr(0, 8), std::string("PMTiles\x03", 8));
    EXPECT_EQ(static_cast<unsigned char>(b[8]), 127);
    EXPECT_EQ(static_cast<unsigned char>(b[64]), 0x08);  // tile data length, least significant byte first
    EXPECT_EQ(static_cast<unsigned char>(b[71]), 0x01);
    EXPECT_EQ(b[99], 1);   // MVT
    EXPECT_EQ(b[101], 14);
    auto const back = geo::pmtiles::parse_header(b);
    EXPECT_EQ(back.data_length, h.data_length);
    EXPECT_DOUBLE_EQ(back.bounds.min_x, 102.3);
    EXPECT_DOUBLE_EQ(back.center.y, -12.5);
    EXPECT_EQ(back.center_zoom, 7);
    EXPECT_THROW(geo::pmtiles::parse_header("PMTiles"), std::runtime_error);
}

}  // namespace
