#pragma once
// From the command line's sources (catalogs and vector paths) to a snapshot:
// every collection loaded, reprojected, given its field roles, dates and
// provinces. A source that fails is recorded with its message; the others
// still load.

#include "geo/catalog.hpp"
#include "geo/collection.hpp"
#include "geo/provinces.hpp"

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
    std::string version;  // changes when any source file does; stable across restarts (ETags)
    std::vector<collection> collections;
    province_index provinces;  // gazetteer only when no boundary layer was given
    std::vector<source_failure> failures;
    struct {
        double read = 0;       // GDAL reading, repair, reprojection, areas
        double provinces = 0;  // province overlay
        double index = 0;      // R-trees
    } timings;                 // seconds, for benchmarks

    collection const* find(std::string const& id) const;
};

snapshot load(std::vector<std::string> const& sources, load_options const& options);

// Fills contract_date from the role field and counts what could not be read.
void parse_contract_dates(collection& c);

}  // namespace geo
