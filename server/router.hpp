#pragma once
// URL handling as pure functions: a request target in, a route and its
// parameters out. No sockets, no geo/ types: unit-tested on strings alone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

using query_list = std::vector<std::pair<std::string, std::string>>;

struct target {
    std::string path;   // percent-decoded, always starting with '/', no trailing '/' except for "/"
    query_list query;   // in order, percent-decoded ('+' is a space), keys and values
};

// Splits and decodes a request target ("/collections/elc/items?limit=5").
// nullopt (-> 400) for anything malformed or hostile: not starting with '/',
// bad or NUL %-escapes, "." or ".." segments (encoded or not), backslashes,
// control characters.
std::optional<target> parse_target(std::string_view raw);

enum class route_kind {
    landing,      // /
    api,          // /api
    conformance,  // /conformance
    collections,  // /collections
    collection,   // /collections/{c}
    queryables,   // /collections/{c}/queryables
    items,        // /collections/{c}/items
    item,         // /collections/{c}/items/{id}
    stats,        // /collections/{c}/stats
    timeline,     // /collections/{c}/timeline
    overlaps,     // /collections/{c}/overlaps/{other}  (other in route::id)
    tilejson,     // /collections/{c}/tiles.json
    tile,         // /collections/{c}/tiles/{z}/{x}/{y}.{ext}
    provinces,    // /provinces
    province,     // /provinces/{p}
    companies,    // /companies
    company,      // /companies/{slug}  (slug in route::id)
    healthz,      // /healthz
    metrics,      // /metrics
    download,     // /download?collections=a,b  (several collections in one file)
    asset,        // /assets/{path...}  (the bundled web page's files)
};

struct route {
    route_kind kind = route_kind::landing;
    std::string collection;  // {c}
    std::string id;          // {id} of an item, {p} of a province, {path} of an asset
    // Tiles: z/x/y as given (validated by the handler against the zoom
    // range), and the extension ("geojson", "mvt", ...).
    std::string z, x, y, extension;
};

// nullopt (-> 404) when the path matches no route.
std::optional<route> match_route(std::string_view path);

// The name requests of this kind are counted under in /metrics.
char const* metrics_label(route_kind kind);

}  // namespace server
