#pragma once
// Reading with GDAL/OGR: every layer of a vector source into collections of
// lon/lat features (reprojected through geo/projection), repairing invalid
// polygons with OGR's MakeValid (GEOS) and counting what was repaired, null
// or re-encoded.

#include "geo/collection.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

// Thrown when a source cannot be loaded; the message names the file (and
// layer/feature where known) and says what to do about it.
struct load_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct source_options {
    std::string crs;       // assign this CRS ("EPSG:32648"), overriding what the layer declares
    std::string encoding;  // shapefile text encoding, overriding .cpg/.dbf ("CP1252", "UTF-8")
    std::string layer;     // read only this layer; empty reads all
    unsigned threads = 0;  // 0: one per core
};

// Reads one file or OGR connection string; one collection per layer, with
// id, title, roles and provinces left for the caller to fill.
std::vector<collection> read_vector_source(std::string const& path, source_options const& options);

// Vector files directly inside `dir` that read_vector_source can open,
// sorted by name (only the .shp of a shapefile's set).
std::vector<std::filesystem::path> list_vector_files(std::filesystem::path const& dir);

}  // namespace geo
