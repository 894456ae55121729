#pragma once
// Features as text: GeoJSON (RFC 7946) and CSV with a WKT column, written
// straight into a string buffer (no DOM) so large responses stream.

#include "geo/collection.hpp"
#include "geo/provinces.hpp"

#include <string>
#include <string_view>

namespace geo {

class crs_transform;  // geo/projection.hpp

// A feature's geometry written in another CRS (OGC API - Features Part 2's
// crs=): reprojected from longitude/latitude by `to`, each coordinate with
// `decimals` decimals. A geometry PROJ cannot take there is written as
// null (none of the offered CRSs refuses a point in Cambodia).
struct reprojection {
    crs_transform const& to;
    int decimals;
};

// Coordinates carry 9 decimals (0.1 mm), as PostGIS's ST_AsGeoJSON.
void append_coordinate(std::string& out, double v);  // at most 9 decimals
// A JSON array of [x, y] pairs, each number with at most `decimals` decimals.
void append_points(std::string& out, std::vector<point> const& pts, int decimals = 9);
void append_json_string(std::string& out, std::string_view s);
void append_json_value(std::string& out, value const& v);

// "null" for no geometry; coordinates with at most `decimals` decimals.
void append_geometry_json(std::string& out, geometry const& g, int decimals = 9);
// The same for a feature's compact geometry: coordinates with its
// decimals (9, as above, for any feature under 4 degrees across).
void append_geometry_json(std::string& out, compact_geometry const& g);
// The most characters a vertex takes in it.
inline constexpr std::size_t max_vertex_chars = 38;

// {"type":"Feature","id":..,"geometry":..,"properties":{source fields...,
//  "area_ha", "contract_date", "provinces":[{"name","code","share"}]}}
// The added properties take `names` (added_property_names(c)).
void append_feature_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                         added_names const& names);
// The same in another CRS.
void append_feature_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                         added_names const& names, reprojection const& crs);
// The same with the properties object already written.
void append_feature_json(std::string& out, feature const& f, std::string_view properties_json);

// The properties object alone, as above.
void append_properties_json(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                            added_names const& names);

// CSV (RFC 4180): id, the source fields, area_ha, contract_date, provinces,
// WKT. GDAL's CSV driver reads the WKT column as the geometry.
// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
void append_csv_field(std::string& out, std::string_view s);
std::string csv_header(collection const& c);
// The WKT in another CRS when `crs` is given.
void append_csv_row(std::string& out, collection const& c, feature const& f, province_index const& provinces,
                    reprojection const* crs = nullptr);

void append_wkt(std::string& out, compact_geometry const& g);
// Nothing for an empty geometry; coordinates with at most `decimals` decimals.
void append_wkt(std::string& out, geometry const& g, int decimals);

}  // namespace geo
