#pragma once
// The coordinate reference systems an answer can be written in, and a box
// given in (OGC API - Features Part 2), with the names clients use for
// them. The loaded data is WGS 84 longitude/latitude (CRS84, the default);
// the others are reached through geo/projection's crs_transform.

#include "geo/collection.hpp"
#include "geo/geometry.hpp"

#include <array>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

inline constexpr std::string_view crs84_code = "OGC:CRS84";

// Offered for every collection: CRS84, WGS 84 in its authority's axis order
// (latitude first), web Mercator, WGS 84 / UTM zone 48N (what Cambodian GIS
// offices use) and Indian 1960 / UTM zone 48N (older Cambodian maps).
inline constexpr std::array<std::string_view, 5> offered_crs = {crs84_code, "EPSG:4326", "EPSG:3857", "EPSG:32648",
                                                                "EPSG:3148"};

// The code ("EPSG:32648", "OGC:CRS84") of any spelling a client may use:
// the URI (http://www.opengis.net/def/crs/EPSG/0/32648, also https), a URN
// (urn:ogc:def:crs:EPSG::32648), a safe CURIE ([EPSG:32648]), the code
// itself, or "CRS84". Nullopt when it is none of these.
std::optional<std::string> crs_code(std::string_view text);

// The URI of a code: "EPSG:32648" -> "http://www.opengis.net/def/crs/EPSG/0/32648",
// "OGC:CRS84" -> "http://www.opengis.net/def/crs/OGC/1.3/CRS84".
std::string crs_uri(std::string_view code);

// The source's own CRS as a code, when it has an EPSG one (collection::source_crs).
std::optional<std::string> storage_crs(collection const& c);

// What c can be written in: offered_crs, then its storage CRS when that is
// another one.
std::vector<std::string> crs_codes(collection const& c);

// A box given in another CRS (x1 <= x2, y1 <= y2 in that CRS's axis order)
// as a closed, counter-clockwise lon/lat ring: its edges in 16 steps each,
// each point taken to lon/lat by to_lon_lat (false: outside the CRS's
// reach, then nullopt). A UTM rectangle is no lon/lat one: this is the box
// itself, where its envelope in degrees would take in more.
std::optional<ring> box_in_lon_lat(double x1, double y1, double x2, double y2,
                                   std::function<bool(std::span<point>)> const& to_lon_lat);

// Coordinates in a projected CRS carry centimetres; in a geographic one
// the 9 decimals (0.1 mm) of CRS84 answers.
inline int crs_decimals(bool geographic) {
    return geographic ? 9 : 2;
}

}  // namespace geo
