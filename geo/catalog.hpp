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
// Per collection, "title_km", "description" and "description_km" (the
// title and a description in Khmer, served for lang=km; see
// server/language.hpp). Per collection, "kind": "concession" (the default: the page's filters
// apply to it) or "context" (protected areas, forests, dams: shown whole).
//
// A source may be a PostGIS database, as an OGR connection string (taken as
// it is, never resolved against data_root; put the password in ~/.pgpass or
// PGPASSWORD rather than here):
//
//       {"id": "elc", "source": "PG:host=db port=5432 dbname=odc user=reader",
//        "layer": "elc"}                          a table or view ("schema.table")
//       {"id": "elc-active", "source": "PG:...",  or the rows of a query (then
//        "sql": "SELECT fid AS ogc_fid, * FROM elc WHERE \"Cancelled\" IS NULL"}
//                                                 "id" is required, and the key
//                                                 selected AS ogc_fid is the id)
//
// Ids are the table's integer primary key, which OGR takes as feature id.
// The data version (ETags, reload polling) comes from the database: by
// default a query that changes with every INSERT, UPDATE and DELETE
// (geo::database_version); "version_sql" replaces it, e.g.
// "SELECT count(*), max(updated_at) FROM elc", which any change must alter.

#include "geo/collection.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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
    std::string sql;          // read this query's rows instead of a layer
    std::string version_sql;  // database sources: the query whose rows are the data version
};

struct collection_config : source_config {
    std::string id;  // empty: from the file name
    std::string title;
    std::string title_km;        // the title in Khmer ("title_km"), for lang=km
    std::string description;     // "description"; empty: the server writes one
    std::string description_km;  // "description_km"
    std::string color;
    std::string kind = "concession";  // "concession" (filters apply) or "context" (shown whole: protected areas, dams...)
    struct provenance provenance;     // "attribution", "license", "source_url", "as_of", "document_url"
    std::optional<field_roles> roles;  // nullopt: guessed from field names
    std::vector<std::string> overlaps;  // "overlaps": ids of collections it is measured against
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
// The catalog in `text`, read as if from the file `path` (relative sources
// are under its folder; messages name it). Throws catalog_error.
catalog parse_catalog(std::string_view text, std::filesystem::path const& path);

// Plain paths: each vector file, each vector file in a directory, or an
// OGR connection string ("PG:dbname=odc tables=elc": every table listed, or
// all of them; each becomes a collection named after its table).
catalog catalog_from_paths(std::vector<std::string> const& paths);

// "${CONCESSIONS_SHARED_DATA:-../shared/data}/x" -> expanded from the environment.
std::string expand_variables(std::string const& text);

// "elc_complete_utm48n.shp" -> "elc-complete-utm48n".
std::string id_from_name(std::string const& name);

// Roles from common field names (Name, Provinces, Hectares, con_date, ...).
field_roles guess_roles(std::vector<field> const& fields);

}  // namespace geo
