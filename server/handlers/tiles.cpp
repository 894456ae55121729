// /collections/{c}/tiles/{z}/{x}/{y}.geojson|.mvt (cut by the dataset's
// tile index, filtered like items) and /collections/{c}/tiles.json.

#include "server/handlers/handlers.hpp"
#include "server/links.hpp"

#include <algorithm>
#include <cctype>

namespace server {

using json = nlohmann::json;

namespace {
// A tile coordinate: digits only, at most 9 of them.
bool tile_number(std::string const& s, unsigned& out) {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); }))
        return false;
    out = static_cast<unsigned>(std::stoul(s));
    return true;
}
}  // namespace

std::variant<tile_request, response> parse_tile_address(route const& r, unsigned min_zoom, unsigned max_zoom) {
    tile_request out;
    auto& t = out.tile;
    if (!tile_number(r.z, t.z) || !tile_number(r.x, t.x) || !tile_number(r.y, t.y))
        return error_response(400, make_message(message_id::tile_not_numbers));
    if (r.extension != "geojson" && r.extension != "mvt" && r.extension != "pbf")
        return error_response(404, make_message(message_id::tile_format, r.extension));
    if (t.z < min_zoom || t.z > max_zoom)
        return error_response(404, make_message(message_id::zoom_range, std::to_string(t.z), std::to_string(min_zoom),
                                                std::to_string(max_zoom)));
    if (!geo::tiles::valid(t))
        return error_response(400, make_message(message_id::no_tile, r.z, r.x, r.y, std::to_string((1u << t.z) - 1), r.z));
    out.mvt = r.extension != "geojson";
    out.canonical_target = "/collections/" + r.collection + "/tiles/" + std::to_string(t.z) + "/" +
                           std::to_string(t.x) + "/" + std::to_string(t.y) + "." + r.extension;
    return out;
}

std::variant<tile_request, response> parse_tile(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto const& opt = data.tiles(c).options();
    auto address = parse_tile_address(ctx.r, opt.min_zoom, opt.max_zoom);
    if (auto* e = std::get_if<response>(&address)) return std::move(*e);
    auto& out = std::get<tile_request>(address);
    // Tiles take the parameters items do (a map passes its filters
    // unchanged); only the filters change a tile. v= changes nothing in it.
    auto parsed = parse_tile_params(ctx.t.query, data.queryables(c));
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto& params = std::get<tile_params>(parsed);
    out.version = std::move(params.version);
    auto checked = check_query(std::variant<items_params, param_error>(std::move(params.items)), data, c);
    if (auto* e = std::get_if<response>(&checked)) return std::move(*e);
    out.filters = std::move(std::get<checked_query<items_params>>(checked).filters);
    return out;
}

response render_tile(request_context const& ctx, geo::collection const& c, tile_request const& t,
                     std::vector<std::uint32_t> const* allowed) {
    auto const& tiler = ctx.dataset().tiles(c);
    geo::tile_result rendered = t.mvt ? tiler.mvt(t.tile, allowed) : tiler.geojson(t.tile, allowed);
    response out;
    out.status = t.mvt && rendered.features == 0 ? 204 : 200;
    out.content_type = t.mvt ? "application/vnd.mapbox-vector-tile" : std::string(geojson_media_type);
    out.body = std::move(rendered.body);
    out.cacheable = true;
    out.headers = {{"X-Tile-Features", std::to_string(rendered.features)},
                   {"X-Tile-Omitted", std::to_string(rendered.omitted)},
                   {"X-Tile-Dropped", std::to_string(rendered.dropped)}};
    return out;
}

json tile_fields() {
    json fields = json::object();
    for (auto const& name : geo::tile_index::property_names()) fields[name] = name == "area_ha" ? "Number" : "String";
    return fields;
}

response tilejson(request_context const& ctx, geo::collection const& c) {
    auto const& data = ctx.dataset();
    auto const& opt = data.tiles(c).options();
    // The templates are versioned: v= names this data, so a tile's URL
    // changes when the data does and its answer may be kept for good
    // (api::tile); the request's own v= (tiles.json takes what tiles take)
    // is not copied. v= comes last, after the filters, as the page writes it.
    std::string query;
    for (auto const& [k, v] : ctx.t.query)
        if (k != "v") query += percent_encode(k) + "=" + percent_encode(v) + "&";
    std::string const filters = "?" + query + "v=" + percent_encode(data.version());
    std::string const base = ctx.base + "/collections/" + c.id + "/tiles/{z}/{x}/{y}";
    json const fields = tile_fields();
    json doc = {{"tilejson", "3.0.0"},
                {"name", c.title},
                {"description", c.title + ", clipped and simplified per zoom"},
                {"version", data.version()},
                {"scheme", "xyz"},
                {"tiles", {base + ".mvt" + filters}},
                {"geojson_tiles", {base + ".geojson" + filters}},
                {"minzoom", opt.min_zoom},
                {"maxzoom", opt.max_zoom},
                {"vector_layers", {{{"id", c.id}, {"fields", fields}, {"minzoom", opt.min_zoom}, {"maxzoom", opt.max_zoom}}}}};
    if (c.extent.valid()) {
        doc["bounds"] = {c.extent.min_x, c.extent.min_y, c.extent.max_x, c.extent.max_y};
        doc["center"] = {(c.extent.min_x + c.extent.max_x) / 2, (c.extent.min_y + c.extent.max_y) / 2, std::min(8u, opt.max_zoom)};
    }
    return json_response(doc);
}

}  // namespace server
