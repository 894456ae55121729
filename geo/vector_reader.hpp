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
    std::string layer;     // read only this layer (a database: table or view, "schema.table"); empty reads all
    std::string sql;       // read the result of this query instead of a layer (the source's SQL dialect)
    unsigned threads = 0;  // 0: one per core
};

// Reads one file or OGR connection string; one collection per layer, with
// id, title, roles and provinces left for the caller to fill. A database's
// ids are its primary key, which OGR takes as the feature id (for a query:
// the column named ogc_fid); without one they are row numbers, and the
// collection's report says so.
std::vector<collection> read_vector_source(std::string const& path, source_options const& options);

// "PG:host=... dbname=..." (any case), read through OGR's PostgreSQL driver:
// a connection, not a path; its version comes from the database.
bool is_database_source(std::string const& source);

// The source as it may be shown (messages, collection::source, provenance
// in downloads): a connection string's password replaced by "***".
std::string source_label(std::string const& source);

// The current data version of a database source, as text to hash: the rows
// of `version_sql` when it is given, else those of a query that changes
// whenever a row of the source is inserted, updated or deleted (see
// vector_reader.cpp for which and why). One connection, one or two small
// queries, nothing loaded. Throws load_error naming the source.
std::string database_version(std::string const& source, source_options const& options, std::string const& version_sql);

// Vector files directly inside `dir` that read_vector_source can open,
// sorted by name (only the .shp of a shapefile's set).
std::vector<std::filesystem::path> list_vector_files(std::filesystem::path const& dir);

}  // namespace geo
