#pragma once
// What `concessions info` reports about a loaded snapshot.

#include "geo/loader.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace geo {

// Which source field plays which part: {"name": "Name", ...}, every role.
nlohmann::json roles_json(field_roles const& r);

// {"id", "source", "driver", "source_crs", "feature_count", "geometry_types",
//  "extent", "repaired", "null_geometries", "unparseable_dates",
//  "by_province", ...} for one collection.
nlohmann::json summarize(collection const& c, province_index const& provinces);

// {"title", "provinces": {...}, "collections": [...], "failures": [...]}.
nlohmann::json summarize(snapshot const& snap);

// The same, for people.
void print_summary(std::ostream& out, snapshot const& snap);

// One line per collection with something a person running the program
// should know (geometries repaired, features without geometry, text recoded,
// dates that could not be read), counts and the first few feature ids,
// whatever the report on stdout is (text or --json). Nothing when all is well.
void print_problems(std::ostream& err, std::vector<collection> const& collections);

}  // namespace geo
