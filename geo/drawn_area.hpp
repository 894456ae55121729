#pragma once
// A drawn area as a filter: a polygon or multipolygon in longitude/latitude,
// read from Well-Known Text (OGC 06-103r4 section 7), the same text CQL2
// (OGC 21-065) writes S_INTERSECTS(geometry, POLYGON((...))) with, so its
// filter can reuse feature_query::area as it is.

#include "geo/geometry.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace geo {

// A drawn polygon has tens of vertices; a request target is at most 8 KB,
// which holds about 300 of them anyway.
inline constexpr std::size_t drawn_area_vertex_limit = 1000;

// POLYGON((lon lat, ...), (hole ...)) or MULTIPOLYGON(((...)), ((...))),
// keywords in any case. Every ring closed and of at least 4 points,
// longitudes within -180..180 and latitudes within -90..90, valid in the OGC
// sense (GEOS: no self-intersection). On failure, a message for the client.
std::variant<geometry, std::string> read_drawn_area(std::string_view wkt);

// One canonical spelling (shortest round-trip numbers): cache keys use it.
std::string to_wkt(geometry const& area);

}  // namespace geo
