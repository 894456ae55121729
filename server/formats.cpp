#include "server/formats.hpp"

#include <algorithm>
#include <array>

namespace server {

namespace {
constexpr std::array<format_info, 6> table = {{
    {output_format::geojson, "geojson", "json", ".geojson", geojson_media_type, std::nullopt},
    {output_format::csv, "csv", "", ".csv", "text/csv; charset=utf-8", std::nullopt},
    {output_format::kml, "kml", "", ".kml", "application/vnd.google-earth.kml+xml", geo::export_format::kml},
    {output_format::gpkg, "gpkg", "", ".gpkg", "application/geopackage+sqlite3", geo::export_format::gpkg},
    {output_format::shp, "shp", "", ".shp.zip", "application/zip", geo::export_format::shp},
    {output_format::html, "html", "", ".html", "text/html; charset=utf-8", std::nullopt},
}};

bool iequals(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}
}  // namespace

std::span<format_info const> output_formats() { return table; }

format_info const& info(output_format format) {
    return *std::find_if(table.begin(), table.end(), [&](format_info const& f) { return f.format == format; });
}

format_info const* find_format(std::string_view name) {
    for (auto const& f : table)
        if (iequals(name, f.name) || (!f.alias.empty() && iequals(name, f.alias))) return &f;
    return nullptr;
}

}  // namespace server
