#pragma once
// What `concessions info` reports about a loaded snapshot.

#include "geo/loader.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace geo {

// {"id", "source", "driver", "source_crs", "feature_count", "geometry_types",
//  "extent", "repaired", "null_geometries", "unparseable_dates",
//  "by_province", ...} for one collection.
nlohmann::json summarize(collection const& c, province_index const& provinces);

// {"title", "provinces": {...}, "collections": [...], "failures": [...]}.
nlohmann::json summarize(snapshot const& snap);

// The same, for people.
void print_summary(std::ostream& out, snapshot const& snap);

}  // namespace geo
