#pragma once
// From the command line's sources (catalogs and vector paths) to a snapshot:
// every collection loaded, reprojected, given its field roles, dates and
// provinces. A source that fails is recorded with its message; the others
// still load.

#include "geo/catalog.hpp"
#include "geo/collection.hpp"
#include "geo/provinces.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace geo {

struct load_options {
    std::string crs;             // --crs: for every layer that declares none... and overrides those that do
    std::string encoding;        // --encoding: shapefile text encoding
    std::string provinces_path;  // --provinces: boundary layer, overriding the catalog's
    unsigned threads = 0;        // 0: one per core
};

struct source_failure {
    std::string source;
    std::string message;
};

struct snapshot {
    std::string title;
    std::string version;  // current_version(sources) as it was before reading them (ETags)
    std::vector<collection> collections;
    province_index provinces;  // gazetteer only when no boundary layer was given
    std::vector<source_failure> failures;
    struct {
        double read = 0;       // GDAL reading, repair, reprojection, areas
        double provinces = 0;  // province overlay
        double index = 0;      // R-trees
        double overlaps = 0;   // measure_overlaps
    } timings;                 // seconds, for benchmarks

    collection const* find(std::string const& id) const;
};

snapshot load(std::vector<std::string> const& sources, load_options const& options);

// The data version of `sources` now, without loading them: catalogs read,
// files stat'ed (path, size, modification time of every file watched_paths
// names), one or two small queries per database source (database_version,
// or the catalog's "version_sql"). load() computes the same before it reads,
// so `current_version(s, o) != snap.version` means the data has changed
// since `snap` was loaded (or a change made while it loaded is not in its
// version yet: a reload too many, never one too few). Stable across
// restarts and replicas for the same data; a source that cannot be reached
// or read contributes its error, so the version changes when it fails and
// when it comes back. Does not throw.
std::string current_version(std::vector<std::string> const& sources, load_options const& options);

// What a file watcher should watch for `sources`: the catalog files, the
// directories given as sources (a new file in one is a new collection),
// every file source with a shapefile's sidecars (.shp, .shx, .dbf, .prj,
// .cpg, whether or not they exist yet: watch their folders to see one
// appear) and the province layer. Database sources are not files: see
// has_database_sources.
std::vector<std::filesystem::path> watched_paths(std::vector<std::string> const& sources, load_options const& options);

// Whether any source (collection or province layer) is a database, whose
// changes no file watcher sees: then poll current_version.
bool has_database_sources(std::vector<std::string> const& sources, load_options const& options);

// Fills contract_date from the role field and counts what could not be read.
void parse_contract_dates(collection& c);
// Fills end_date (the end_date field, else the contract date plus the
// duration_years field) and cancelled_date (the earliest date the cancelled
// field names), counting what could not be read. After parse_contract_dates.
void parse_life_dates(collection& c);
// Fills purpose_classes from the purpose role's text (geo/purpose_class).
void classify_purposes(collection& c);

}  // namespace geo
