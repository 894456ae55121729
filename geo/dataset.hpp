#pragma once
// The unit a reload replaces: the loaded collections and everything derived
// from them (feature ids, tile indexes, queryable names, kept feature text,
// provinces). Built once by one function, immutable afterwards, and shared:
// a server holds the current one behind an atomically swapped pointer, and
// each request keeps the one it started with until it is answered.

#include "geo/collection.hpp"
#include "geo/companies.hpp"
#include "geo/loader.hpp"
#include "geo/tiler.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace geo {

struct dataset_options {
    tile_options tiles;
    // Every feature kept as GeoJSON text when all of them fit: items and
    // downloads then copy bytes instead of writing numbers. Otherwise only
    // each feature's properties object is kept as text, and coordinates are
    // written from the compact geometry per request.
    std::size_t feature_text_bytes = 64u << 20;
};

// Text kept per feature, in one buffer: piece i is bytes[starts[i], starts[i + 1]).
struct kept_text {
    std::string bytes;
    std::vector<std::uint64_t> starts;  // empty: nothing kept

    bool empty() const { return starts.empty(); }
    std::string_view at(std::size_t i) const {
        return std::string_view(bytes).substr(starts[i], starts[i + 1] - starts[i]);
    }
    std::size_t memory() const { return bytes.capacity() + starts.capacity() * sizeof(std::uint64_t); }
};

// Bytes one kind of structure holds, for /metrics and bench/scale (counted
// from sizes and capacities; the R-tree's and hash map's nodes estimated).
struct memory_part {
    std::string structure;
    std::size_t bytes = 0;
};

class dataset {
public:
    // Loads the sources (see geo::load) and derives the rest. Never throws
    // for a source that fails: it is listed in failures().
    static std::shared_ptr<dataset const> load(std::vector<std::string> const& sources, load_options const& load,
                                               dataset_options const& options);
    // Derives from a loaded snapshot.
    static std::shared_ptr<dataset const> build(snapshot loaded, dataset_options const& options);

    dataset(dataset const&) = delete;  // the tile indexes refer into it: it never moves
    dataset& operator=(dataset const&) = delete;

    std::string const& title() const { return snap_.title; }
    // Changes when any source does; the same sources give the same version
    // on every replica and across restarts (ETags and cache keys carry it).
    std::string const& version() const { return snap_.version; }
    std::vector<collection> const& collections() const { return snap_.collections; }
    province_index const& provinces() const { return snap_.provinces; }
    // The companies of every collection with a company role, grouped by
    // normalised name (geo/companies.hpp). Derived at build and when read
    // from a store (cheap: one key per distinct name), never stored.
    company_index const& companies() const { return companies_; }
    std::vector<source_failure> const& failures() const { return snap_.failures; }
    snapshot const& loaded() const { return snap_; }
    std::size_t feature_count() const;
    std::size_t vertex_count() const;
    // Where the bytes go, structure by structure.
    std::vector<memory_part> memory() const;

    collection const* find(std::string_view id) const;
    // Position in c.features of the feature with this id.
    std::optional<std::uint32_t> position_of(collection const& c, std::int64_t id) const;
    tile_index const& tiles(collection const& c) const { return *derived_of(c).tiles; }
    // Names a client may filter and sort on (geo::queryable_names).
    std::vector<std::string> const& queryables(collection const& c) const { return derived_of(c).queryables; }
    // The names its features' added properties take (provinces_1 beside a source's Provinces).
    added_names const& added_names_of(collection const& c) const { return derived_of(c).names; }
    // Appends feature i of c as GeoJSON: the kept text, or written now.
    void append_feature(std::string& out, collection const& c, std::uint32_t i) const;
    // Bytes of feature i's GeoJSON: exact when kept as text, else at least
    // as many as it will take (to reserve a page in one allocation).
    std::size_t feature_bytes(collection const& c, std::uint32_t i) const;

private:
    friend struct store_codec;
    struct derived {
        std::unordered_map<std::int64_t, std::uint32_t> by_id;
        std::unique_ptr<tile_index> tiles;
        std::vector<std::string> queryables;
        added_names names;     // the added properties' names (added_property_names)
        kept_text features;    // whole features as GeoJSON (when they all fit the budget)
        kept_text properties;  // else each feature's properties object
    };
    dataset(snapshot loaded, dataset_options const& options);
    explicit dataset(snapshot loaded) : snap_(std::move(loaded)) {}  // the rest from a store
    // The shared pointers' deleter: deletes, then gives the freed pages back to the system.
    static void release(dataset const* d);
    // The feature id map and queryable names of c, into d.
    void derive_lookups(collection const& c, derived& d) const;
    derived const& derived_of(collection const& c) const { return derived_[static_cast<std::size_t>(&c - snap_.collections.data())]; }
    void keep_feature_text(std::size_t budget);

    snapshot snap_;
    std::vector<derived> derived_;  // aligned with snap_.collections
    company_index companies_;
};

}  // namespace geo
