#pragma once
// Exporting with GDAL/OGR: selected features of a collection written out
// with GDAL's own drivers (KML, GeoPackage, zipped shapefile), one
// collection to a file or several to one file (GET /download).

#include "geo/collection.hpp"
#include "geo/crs.hpp"
#include "geo/provinces.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
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
// `out` with GDAL's own drivers, in WGS 84 lon/lat (EPSG:4326), or in `crs`
// (a code of geo/crs.hpp; not for KML, always lon/lat), east before north
// whatever the CRS's axis order, with the CRS in the file (.prj, gpkg_spatial_ref_sys):
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
                     export_format format, std::filesystem::path const& out, export_provenance const& provenance,
                     std::string const& crs = std::string(crs84_code));

// --- several collections in one file (GET /download) ------------------------------

// The name a collection's layer (and a zip's file stem) takes in an
// export: the id with anything but letters, digits, '_', '-' and '.' as '_'.
std::string export_name(std::string const& collection_id);

// One collection's part of a download of several.
struct export_layer {
    collection const* c = nullptr;
    std::vector<std::uint32_t> const* selection = nullptr;  // positions in c->features, in order
    export_provenance provenance;
    std::string description;  // one line: the layer's description where the format keeps one (GeoPackage)
    std::string crs{crs84_code};  // as export_features' crs
};

// One GeoPackage at `out` with a table per layer, in the order given, each
// named after its collection id and written as export_features writes one.
// `readme` (the download's provenance: what a zip carries as README.txt)
// goes into the dataset's metadata (gpkg_metadata, item README); each
// layer's description into gpkg_contents, and its publisher, licence,
// data date, source URL and feature count into its own metadata. Replaced
// only once complete; throws export_error naming `out` and the collection.
void export_geopackage(std::vector<export_layer> const& layers, province_index const& provinces,
                       std::filesystem::path const& out, std::string const& readme);

// One layer as the files a zip of several layers holds, in memory.
struct layer_files {
    std::vector<std::pair<std::string, std::string>> files;  // name -> bytes
    // Shapefile: what its source.txt would say beyond provenance (renamed
    // fields, cut text, geometry left out); empty when nothing was lost.
    std::string notes;
};
// kml: "<id>.kml"; shp: "<id>.shp", ".shx", ".dbf", ".prj", ".cpg" (no zip
// inside the zip). Not for gpkg (export_geopackage). Throws export_error
// naming the collection.
layer_files export_layer_files(export_layer const& layer, province_index const& provinces, export_format format);

// A zip entry whose bytes come in pieces: produce appends the next piece to
// its argument and returns whether more follow (the shape of a streamed
// response, so the server's GeoJSON and CSV writers feed it directly).
struct zip_entry {
    std::string name;
    std::function<bool(std::string&)> produce;
};
// Writes the entries, deflated, to `out` (GDAL's zip writer, CPLCreateZip),
// replaced only once complete; throws export_error naming `out`.
void write_zip(std::filesystem::path const& out, std::vector<zip_entry> const& entries);

}  // namespace geo
