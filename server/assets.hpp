#pragma once
// The map page and Leaflet, embedded at build time (web/CMakeLists.txt
// generates the definitions from web/ and web/node_modules/leaflet/dist), so
// that the one binary serves everything (DESIGN.md, "The page").

#include <optional>
#include <string_view>

namespace server {

struct asset {
    std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
    std::string_view body;          // static storage: valid for the whole run
};

// The asset at `path`, relative to /assets/ ("index.html", "app.js",
// "leaflet/leaflet.js", "leaflet/images/marker-icon.png"); nullopt if none.
// Exact match only: no "..", no leading '/', no query string.
std::optional<asset> find_asset(std::string_view path);

// A short hash of every embedded file, changing whenever any of them does;
// index.html asks for its files with "?v=<this>", so they can be cached
// for a long time ("Cache-Control: max-age=31536000, immutable").
std::string_view asset_version();

}  // namespace server
