#pragma once
// The one table of output formats: the name a client asks for (f=...), the
// file extension of a download, the media type, and who writes it. Adding
// a format is a row here plus its writer (see docs/DEVELOPING.md).

#include "geo/vector_export.hpp"

#include <optional>
#include <span>
#include <string_view>

namespace server {

enum class output_format { geojson, csv, kml, gpkg, shp, html };

struct format_info {
    output_format format;
    std::string_view name;        // f=<name>, case-insensitive
    std::string_view alias;       // another accepted name ("json"), or empty
    std::string_view extension;   // of a download: "<file stem><extension>"
    std::string_view media_type;  // Content-Type
    // Written by GDAL's own driver into a temporary file; nullopt: written
    // by this server as text (GeoJSON, CSV) or not a data format (HTML).
    std::optional<geo::export_format> gdal;
};

// Every format, in the order error messages and the OpenAPI document list them.
std::span<format_info const> output_formats();
format_info const& info(output_format format);
// By name or alias, case-insensitive; nullptr when none.
format_info const* find_format(std::string_view name);

inline constexpr std::string_view geojson_media_type = "application/geo+json";

}  // namespace server
