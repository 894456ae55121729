#include "geo/crs.hpp"

#include <algorithm>
#include <cctype>

namespace geo {

namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> epsg(std::string_view number) {
    if (!all_digits(number)) return std::nullopt;
    return "EPSG:" + std::string(number);
}

}  // namespace

std::optional<std::string> crs_code(std::string_view text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    for (std::string_view scheme : {"http://", "https://"}) {
        if (!starts_with_nocase(text, scheme)) continue;
        std::string_view path = text.substr(scheme.size());
        if (!starts_with_nocase(path, "www.opengis.net/def/crs/")) return std::nullopt;
        path.remove_prefix(std::string_view("www.opengis.net/def/crs/").size());
        if (path == "OGC/1.3/CRS84" || path == "OGC/0/CRS84") return std::string(crs84_code);
        if (path.starts_with("EPSG/0/")) return epsg(path.substr(7));
        return std::nullopt;
    }
    if (starts_with_nocase(text, "urn:ogc:def:crs:")) {
        std::string_view rest = text.substr(16);
        if (rest == "OGC:1.3:CRS84" || rest == "OGC::CRS84") return std::string(crs84_code);
        if (starts_with_nocase(rest, "EPSG:")) {
            rest.remove_prefix(5);
            std::size_t const colon = rest.find(':');  // an optional version between the colons
            if (colon != std::string_view::npos) return epsg(rest.substr(colon + 1));
        }
        return std::nullopt;
    }
    if (text == "CRS84" || text == "OGC:CRS84") return std::string(crs84_code);
    if (starts_with_nocase(text, "EPSG:")) return epsg(text.substr(5));
    return std::nullopt;
}

std::string crs_uri(std::string_view code) {
    if (code == crs84_code) return "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    if (code.starts_with("EPSG:")) return "http://www.opengis.net/def/crs/EPSG/0/" + std::string(code.substr(5));
    return std::string(code);
}

std::optional<std::string> storage_crs(collection const& c) {
    return crs_code(c.source_crs);
}

std::vector<std::string> crs_codes(collection const& c) {
    std::vector<std::string> out(offered_crs.begin(), offered_crs.end());
    if (auto own = storage_crs(c); own && std::find(out.begin(), out.end(), *own) == out.end()) out.push_back(*own);
    return out;
}

std::optional<ring> box_in_lon_lat(double x1, double y1, double x2, double y2,
                                   std::function<bool(std::span<point>)> const& to_lon_lat) {
    constexpr int steps = 16;
    ring edge;
    edge.reserve(4 * steps + 1);
    for (int side = 0; side < 4; ++side)
        for (int i = 0; i < steps; ++i) {
            double const t = static_cast<double>(i) / steps;
            edge.push_back(side == 0   ? point{x1 + (x2 - x1) * t, y1}
                           : side == 1 ? point{x2, y1 + (y2 - y1) * t}
                           : side == 2 ? point{x2 - (x2 - x1) * t, y2}
                                       : point{x1, y2 - (y2 - y1) * t});
        }
    if (!to_lon_lat(edge)) return std::nullopt;
    edge.push_back(edge.front());
    // Counter-clockwise whatever the axis order made of it.
    double twice_area = 0;
    for (std::size_t i = 0; i + 1 < edge.size(); ++i)
        twice_area += edge[i].x * edge[i + 1].y - edge[i + 1].x * edge[i].y;
    if (twice_area < 0) std::reverse(edge.begin(), edge.end());
    return edge;
}

}  // namespace geo
