#pragma once
// What an answer writes of each feature (issue 13 parts 2 and 3):
// skipGeometry=true leaves the geometry out (null in GeoJSON, no WKT column
// in CSV), properties=a,b keeps only those properties, for smaller answers
// for tables and spreadsheets, and crs= writes the geometry in another CRS
// (geo/crs.hpp). The features are written whole as always (reprojected
// when crs= says), then cut to the members asked for: the writers' fast
// path stays as it is.

#include "geo/crs.hpp"
#include "geo/dataset.hpp"
#include "geo/projection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

struct feature_projection {
    bool geometry = true;
    std::optional<std::vector<std::string>> properties;  // nullopt: every one
    std::string crs{geo::crs84_code};                    // a code of geo::crs_codes
    // Answers: the CRS's own axis order (EPSG:4326 latitude first, as OGC
    // API - Features Part 2 asks); files: east before north.
    geo::axis_order order = geo::axis_order::authority;

    bool cut() const { return !geometry || properties; }
    bool whole() const { return !cut() && crs == geo::crs84_code; }
};

// One feature (c.features[position]) as `p` asks: in its CRS (the kept
// text when that is CRS84), cut to its members.
void append_feature(std::string& out, geo::dataset const& data, geo::collection const& c, std::uint32_t position,
                    feature_projection const& p);
// One CSV row (ending in "\r\n") as `p` asks; `columns` from csv_columns
// when p.cut().
void append_csv_row(std::string& out, geo::dataset const& data, geo::collection const& c, std::uint32_t position,
                    feature_projection const& p, std::vector<std::size_t> const& columns);

// The top-level members of a JSON object written by this server, as
// (name, value text) pairs; names are unescaped only for plain ASCII keys.
std::vector<std::pair<std::string, std::string_view>> object_members(std::string_view object);

// A GeoJSON feature object cut to the projection.
void append_projected_feature(std::string& out, std::string_view feature, feature_projection const& p);

// The CSV columns to keep, from the header row (without its line end):
// the id always, the properties asked for, the WKT unless skipGeometry.
std::vector<std::size_t> csv_columns(std::string_view header, feature_projection const& p);
// One CSV row (without its line end) cut to the columns, with "\r\n".
void append_projected_csv_row(std::string& out, std::string_view row, std::vector<std::size_t> const& keep);

}  // namespace server
