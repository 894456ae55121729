#pragma once
// Exporting with GDAL/OGR: selected features of a collection written out
// with GDAL's own drivers (KML, GeoPackage, zipped shapefile).

#include "geo/collection.hpp"
#include "geo/provinces.hpp"

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {

// Thrown when an export cannot be written; the message names the output
// file and the format (and the layer, field or feature where known).
struct export_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Where an export came from, written where each format keeps such things:
// KML: the <Document>'s <name> (collection id) and <description>;
// GeoPackage: dataset metadata (gpkg_metadata) and the layer's description
// (gpkg_contents); shapefile: source.txt inside the zip.
struct export_provenance {
    std::string source;        // the source layer's path as loaded (collection::source)
    std::string collection;    // collection id
    std::string extracted_at;  // ISO 8601 UTC time of extraction, e.g. "2026-11-29T01:02:03Z"
    std::string query;         // the request that selected them: "/collections/elc/items?province=Koh%20Kong"
};

enum class export_format { kml, gpkg, shp };

// Writes the features c.features[i] for i in `selection` (in that order) to
// `out` with GDAL's own drivers, in WGS 84 lon/lat (EPSG:4326):
//   kml:  the KML driver (not LIBKML, whose writer is quadratic in GDAL 3.6);
//         one Folder named after the collection id, '-' written as '_';
//   gpkg: the GPKG driver, one table named after the collection id;
//   shp:  a .zip holding <id>.shp/.shx/.dbf/.prj/.cpg (UTF-8) and source.txt.
// Features without geometry are written without geometry, never dropped.
//
// Fields: `id` (feature::id), the source fields with their types, `area_ha`,
// `contract_date` (a date) and `provinces` ("Kratie (60.0%); Mondulkiri
// (40.0%)", names alone where shares are unknown). An added field whose name
// a source field already has gets a suffix (`id_1`): the source's names stay.
// Dates are dates, except in KML (no date type there) and for date-times in
// dBASE, where they are ISO 8601 text. Shapefiles: the driver cuts names to
// dBASE's 10 characters and numbers clashes (source.txt lists the renames);
// text fields are as wide as their longest value, up to dBASE's 254 bytes,
// and source.txt counts the values cut there.
//
// Geometry: polygons go in a MultiPolygon layer (GPKG, KML), lines in a
// MultiLineString one, points in a Point (or MultiPoint) one, and a layer
// mixing them in a generic one; the kinds are counted over the whole
// collection, so the type does not change with the selection. A shapefile
// holds a single kind: the collection's most common one (a Polygon
// shapefile takes multipolygons). Selected features of another kind are
// written with null geometry and source.txt names their ids: the rows are
// still there and the loss is said (export as GPKG or KML to keep them).
//
// `out` is replaced only once the file is complete; a failure leaves no
// partial file. Throws export_error naming `out`. Safe to call from several
// threads at once for different files.
void export_features(collection const& c, std::vector<std::uint32_t> const& selection, province_index const& provinces,
                     export_format format, std::filesystem::path const& out, export_provenance const& provenance);

}  // namespace geo
