#pragma once
// The catalog: which layers to serve as which collections, what their
// fields mean, and where the province boundaries are. A JSON file:
//
//   {
//     "title": "Cambodia's concessions",
//     "data_root": "${CONCESSIONS_SHARED_DATA:-../../shared/data}",
//     "provinces": {"source": "nis-census2008-provinces/Provinces.shp",
//                   "name_field": "PROV_NAME", "code_field": "PROV_CODE"},
//     "collections": [
//       {"id": "elc", "title": "Economic land concessions",
//        "source": "odc-elc/elc_complete_utm48n.shp", "color": "#d95f02",
//        "fields": {"name": "Name", "province": "Provinces", ...}}]
//   }
//
// Relative sources resolve against data_root, itself relative to the
// catalog's folder; ${VAR} and ${VAR:-default} expand from the environment.
// Optional per source: "layer", "crs" (for a layer without one), "encoding".

#include "geo/collection.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

struct catalog_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct source_config {
    std::string source;  // resolved path or OGR connection string
    std::string layer;
    std::string crs;
    std::string encoding;
};

struct collection_config : source_config {
    std::string id;  // empty: from the file name
    std::string title;
    std::string color;
    std::optional<field_roles> roles;  // nullopt: guessed from field names
};

struct province_config : source_config {
    std::string name_field;
    std::string code_field;
};

struct catalog {
    std::string title;
    std::vector<collection_config> collections;
    std::optional<province_config> provinces;
};

// A .json file whose top-level object has "collections".
bool is_catalog_file(std::filesystem::path const& path);
catalog read_catalog(std::filesystem::path const& path);

// Plain paths: each vector file, or each vector file in a directory.
catalog catalog_from_paths(std::vector<std::string> const& paths);

// "${CONCESSIONS_SHARED_DATA:-../shared/data}/x" -> expanded from the environment.
std::string expand_variables(std::string const& text);

// "elc_complete_utm48n.shp" -> "elc-complete-utm48n".
std::string id_from_name(std::string const& name);

// Roles from common field names (Name, Provinces, Hectares, con_date, ...).
field_roles guess_roles(std::vector<field> const& fields);

}  // namespace geo
