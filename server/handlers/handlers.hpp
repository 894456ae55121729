#pragma once
// The handlers: free functions, one file per resource, each turning a
// request context (the parsed target, the route, and the dataset the
// request started with) into a response. No sockets and no caches here:
// server/api.cpp routes to them and keeps the caches.
//
//   documents.cpp  landing page, OpenAPI, conformance, collections, queryables, page assets
//   items.cpp      /collections/{c}/items and /items/{id}
//   downloads.cpp  items as an attachment, in every output format; /download (several collections)
//   provinces.cpp  /provinces, /provinces/{p}, /collections/{c}/stats
//   timeline.cpp   /collections/{c}/timeline (per year: granted, cancelled, ended, in force)
//   overlaps.cpp   /collections/{c}/overlaps/{other} (protected land the concessions overlap)
//   companies.cpp  /companies and /companies/{slug} (company profiles)
//   tiles.cpp      /collections/{c}/tiles/{z}/{x}/{y}.{geojson,mvt}, tiles.json
//   health.cpp     /healthz

#include "geo/dataset.hpp"
#include "server/basemaps.hpp"
#include "server/filters.hpp"
#include "server/formats.hpp"
#include "server/http_types.hpp"
#include "server/live_dataset.hpp"
#include "server/projection.hpp"
#include "server/request_params.hpp"
#include "server/router.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace server {

struct request_context {
    request_view const& request;
    target t;
    struct route r;
    std::string base;                            // "http://host:port", or the configured public URL
    std::shared_ptr<geo::dataset const> data;    // taken once, when the request started; used throughout
    bool sample_data = false;                    // serving the bundled synthetic sample
    language lang = language::en;                // what the API's own words are written in (server/language.hpp)
    basemap_options const* basemaps = nullptr;   // the page's basemaps; null: the defaults

    geo::dataset const& dataset() const { return *data; }
    std::string url(std::string_view path, query_list const& q = {}) const;
};

// --- shared by the handlers ---------------------------------------------------
// Whether a route's answer changes with the language (collection titles
// and descriptions, province names): its cache key then carries the language, and it says
// Vary: Accept-Language. Errors always speak the language.
bool speaks_language(route_kind kind);
response json_response(nlohmann::json const& doc, std::string content_type = "application/json");
// A table as CSV (RFC 4180 text, rows ending \r\n), shown inline and saved as <file_stem>.csv.
response csv_response(std::string body, std::string const& file_stem);
// Hectares as answers give them: to the hundredth.
double round2(double v);
std::string now_iso();  // "2026-12-06T01:02:03Z"
// The text of a feature's field that plays `role` (collection::roles), or "".
std::string role_text(geo::collection const& c, std::string const& role, geo::feature const& f);
// Whether the client wants JSON rather than the HTML page (f=, then Accept).
bool wants_json(request_view const& request, query_list const& query);
// The 400 for a crs= that collection c is not offered in (geo::crs_codes),
// or that PROJ cannot reach.
std::optional<response> check_crs(geo::collection const& c, std::string const& crs);
// Content-Crs (OGC API - Features Part 2): the CRS of an answer's coordinates.
void add_content_crs(response& r, feature_projection const& p);
// A route's query parameters, parsed, and their filters resolved.
template <class Params>
struct checked_query {
    Params params;
    filter_set filters;
};
// The 400 for a query on collection c that does not parse, names no such
// province or an overlap c is not measured for; or the query checked.
template <class Params>
std::variant<checked_query<Params>, response> check_query(std::variant<Params, param_error> parsed,
                                                          geo::dataset const& data, geo::collection const& c) {
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->text);
    auto& params = std::get<Params>(parsed);
    if (auto e = check_filters_for(c, params.filters, data)) return std::move(*e);
    auto filters = resolve_filters(params.filters, data);
    if (auto* e = std::get_if<response>(&filters)) return std::move(*e);
    return checked_query<Params>{std::move(params), std::move(std::get<filter_set>(filters))};
}

// "elc, mining, ...": the ids of the collections served, for messages.
std::string known_collections(geo::dataset const& data);
// What the tile properties are (geo::tile_index::property_names), as
// TileJSON's vector_layers give them: {"area_ha": "Number", "name": "String", ...}.
nlohmann::json tile_fields();
// An error answer's description, in English (for the command line).
std::string error_description(response const& r);

// --- documents.cpp -------------------------------------------------------------
response landing(request_context const& ctx);
response openapi(request_context const& ctx);
response conformance(request_context const& ctx);
response collections(request_context const& ctx);
response collection(request_context const& ctx, geo::collection const& c);
response queryables(request_context const& ctx, geo::collection const& c);
response asset(request_context const& ctx);

// --- items.cpp -----------------------------------------------------------------
response items(request_context const& ctx, geo::collection const& c);
response item(request_context const& ctx, geo::collection const& c);

// --- downloads.cpp -------------------------------------------------------------
// Every selected feature as an attachment named <file_stem><extension>,
// streamed; GDAL's formats written to a temporary file first.
// `projection`: skipGeometry and properties= (GeoJSON and CSV only; a
// GDAL-written format with them is a 400).
response download(request_context const& ctx, geo::collection const& c, std::vector<std::uint32_t> selection,
                  format_info const& format, std::string const& file_stem, feature_projection const& projection = {});
// GET /download?collections=a,b&<filters>&f=...: every listed collection
// under one filter, in one file: a GeoPackage with a layer per collection
// (named by its id; README text in its metadata), or for the other formats
// a zip with a file per collection (a shapefile's parts) and README.txt.
// Concession layers take every filter; context layers only bbox,
// intersects, province when context_province=true, and properties named
// for them (id:property).
response multi_download(request_context const& ctx);

// --- provinces.cpp -------------------------------------------------------------
response provinces(request_context const& ctx);
response province(request_context const& ctx);
response stats(request_context const& ctx, geo::collection const& c);

// --- timeline.cpp --------------------------------------------------------------
response timeline(request_context const& ctx, geo::collection const& c);

// --- overlaps.cpp --------------------------------------------------------------
// /collections/{c}/overlaps/{other}: each feature of `other` (ctx.r.id) that
// the selected concessions overlap, with those concessions, their companies
// and hectares inside it; JSON, or CSV a row per pair.
response overlaps(request_context const& ctx, geo::collection const& c);
// Where the overlap numbers come from: which hectares, the source layers of
// c and of what it is measured against (`only` one, or "" for all), the
// data version. In the overlaps table and stats?group=overlap.
nlohmann::json overlap_sources(geo::collection const& c, geo::dataset const& data, std::string_view only = {});

// --- companies.cpp ------------------------------------------------------------
// /companies: every company (q=, sortby=, limit/offset), with its holdings;
// /companies/{slug}: one company's profile (ctx.r.id: a slug or any
// spelling). JSON, or f=csv.
response companies(request_context const& ctx);
response company(request_context const& ctx);

// --- tiles.cpp -----------------------------------------------------------------
// A tile request, checked: which tile, which encoding, which filters.
struct tile_request {
    geo::tiles::tile_id tile;
    bool mvt = false;
    std::string canonical_target;  // "/collections/elc/tiles/8/200/122.mvt"
    filter_set filters;
    std::string version;  // v=: the data version the URL was made for; empty when none
};
// The tile a route names, without its filters: a 400 for z/x/y that are no
// tile, a 404 for a zoom outside min_zoom..max_zoom (at most
// geo::tiles::max_zoom_supported) or an unknown format. A pure function.
std::variant<tile_request, response> parse_tile_address(route const& r, unsigned min_zoom, unsigned max_zoom);
std::variant<tile_request, response> parse_tile(request_context const& ctx, geo::collection const& c);
// allowed: the positions the filters select (sorted), or nullptr for all.
response render_tile(request_context const& ctx, geo::collection const& c, tile_request const& t,
                     std::vector<std::uint32_t> const* allowed);
response tilejson(request_context const& ctx, geo::collection const& c);

// --- health.cpp ----------------------------------------------------------------
response healthz(request_context const& ctx, reload_status const& reload);
// The reload's gauges for /metrics, in the Prometheus text format.
std::string reload_metrics(reload_status const& reload, geo::dataset const& data);

}  // namespace server
