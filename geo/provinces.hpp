#pragma once
// The provinces a feature lies in. With a boundary layer they come from
// geometry (the share of the feature's area in each province); without one,
// from the feature's province attribute, parsed and matched by name.

#include "geo/collection.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace geo {

struct province {
    std::string code;         // NIS code ("16") when recognised, else the layer's own code
    std::string name;         // display name ("Ratanakiri")
    std::string source_name;  // as the boundary layer spells it ("Ratanak Kiri")
    geometry geom;            // lon/lat; empty when provinces come from text
    box bbox;
    double area_ha = 0;
};

struct province_options {
    // Overlaps smaller than this share of a feature's area are digitising
    // slivers along shared boundaries, not a second province.
    double min_share = 0.001;
    unsigned threads = 0;  // 0: one per core
};

class province_index {
public:
    // The 25 provinces of the gazetteer, without geometry: assignment parses
    // the province attribute.
    province_index();

    // Provinces from a boundary layer. name_field/code_field may be empty
    // (then guessed: PROV_NAME, shapeName, NAME_1, ...).
    static province_index from_boundaries(collection const& layer, std::string name_field = {},
                                          std::string code_field = {});

    bool has_geometry() const { return has_geometry_; }
    std::vector<province> const& provinces() const { return provinces_; }
    std::string const& source() const { return source_; }

    // Any spelling, NIS code or ISO code.
    std::optional<std::uint32_t> find(std::string_view name_or_code) const;
    // The nearest names to a string that matched nothing, best first.
    std::vector<std::string> closest(std::string_view text, std::size_t count = 3) const;

    // Fills feature::provinces for every feature of `c` and the report's
    // without_province / unknown_province_names.
    void assign(collection& c, province_options const& options = {}) const;
    // The same for many collections at once, cutting the boundaries into
    // overlay pieces once per thread rather than once per collection.
    void assign(std::span<collection* const> collections, province_options const& options = {}) const;

private:
    friend struct store_codec;
    void assign_from_text(collection& c) const;
    void add_keys(std::uint32_t index, std::string_view extra_name, std::string_view extra_code);
    std::vector<province> provinces_;
    std::unordered_map<std::string, std::uint32_t> by_key_;
    bool has_geometry_ = false;
    std::string source_;
};

}  // namespace geo
