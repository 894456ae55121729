// The documents that describe the service: landing page, OpenAPI,
// conformance, collections, queryables, and the map page's assets.

#include "geo/crs.hpp"
#include "geo/purpose_class.hpp"
#include "geo/summary.hpp"
#include "server/assets.hpp"
#include "server/handlers/handlers.hpp"
#include "server/links.hpp"
#include "server/openapi.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace server {

using json = nlohmann::json;

namespace {
constexpr char const* crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
constexpr auto geojson_type = geojson_media_type;

// The title and description in `lang`: the catalog's, in Khmer when it
// gives them (English otherwise), or a description made here.
std::pair<std::string, std::string> title_and_description(geo::collection const& c, language lang) {
    bool const km = lang == language::km;
    std::string title = km && !c.title_km.empty() ? c.title_km : c.title;
    std::string description = km && !c.description_km.empty() ? c.description_km : c.description;
    if (description.empty())
        description = make_message(message_id::collection_description, title, std::to_string(c.features.size()),
                                   std::filesystem::path(c.source).filename().string())
                          .in(lang);
    return {std::move(title), std::move(description)};
}

json collection_json(geo::collection const& c, std::string const& base, language lang) {
    std::string const self = base + "/collections/" + c.id;
    auto [title, description] = title_and_description(c, lang);
    json j = {{"id", c.id}, {"title", title}, {"description", description}, {"itemType", "feature"}};
    // OGC API - Features Part 2: what crs= offers, and the source's own CRS.
    j["crs"] = json::array();
    for (auto const& code : geo::crs_codes(c)) j["crs"].push_back(geo::crs_uri(code));
    if (auto own = geo::storage_crs(c)) j["storageCrs"] = geo::crs_uri(*own);
    if (c.extent.valid())
        j["extent"]["spatial"] = {{"bbox", {{c.extent.min_x, c.extent.min_y, c.extent.max_x, c.extent.max_y}}}, {"crs", crs84}};
    std::string first, last;
    for (auto const& f : c.features) {
        if (!f.contract_date) continue;
        if (first.empty() || *f.contract_date < first) first = *f.contract_date;
        if (last.empty() || *f.contract_date > last) last = *f.contract_date;
    }
    if (!first.empty())
        j["extent"]["temporal"] = {{"interval", json::array({json::array({first + "T00:00:00Z", last + "T00:00:00Z"})})}};
    // Which source field plays which part, for clients such as the map page.
    j["roles"] = geo::roles_json(c.roles);
    if (!c.color.empty()) j["color"] = c.color;
    j["kind"] = c.kind;  // concession layers take the page's filters; context layers are shown whole
    // The collections its features' overlaps are measured against (overlaps=).
    if (!c.overlaps_with.empty()) j["overlaps_with"] = c.overlaps_with;
    // Provenance, for a credit line and a citation.
    auto const& pv = c.provenance;
    if (!pv.attribution.empty()) j["attribution"] = pv.attribution;
    if (!pv.license.empty()) j["license"] = pv.license;
    if (!pv.as_of.empty()) j["as_of"] = pv.as_of;
    if (!pv.document_url.empty()) j["document_url"] = pv.document_url;
    j["links"] = json::array(
        {link(self, "self", "application/json", "This collection"),
         link(self + "/items", "items", std::string(geojson_type), "Features as GeoJSON"),
         link(self + "/items?f=csv", "items", "text/csv", "Features as CSV"),
         link(self + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json",
              "Queryable properties"),
         link(self + "/stats", "statistics", "application/json", "Statistics"),
         link(self + "/timeline", "timeline", "application/json", "Granted, cancelled, ended and in force, per year"),
         link(self + "/tiles.json", "tiles", "application/json", "Vector tiles (TileJSON)")});
    if (!pv.source_url.empty()) j["links"].push_back(link(pv.source_url, "describedby", "text/html", "Where the data was published"));
    return j;
}
// The basemaps the map page offers, in the order of its picker; "none"
// (a plain background) needs no entry.
json basemaps_json(basemap_options const& b) {
    auto entry = [](char const* id, char const* title, tile_source const& s) {
        return json{{"id", id}, {"title", title}, {"url", s.url}, {"attribution", s.attribution}};
    };
    return json::array({entry("osm", "OpenStreetMap", b.osm), entry("satellite", "Satellite imagery", b.imagery)});
}
}  // namespace

namespace {

// The map page's own defences. Scripts, styles and requests come from this
// server only: no inline script runs, whatever a source attribute holds.
// Images may come from anywhere: basemap tiles are images, and a link may
// name any tile server (basemap=<tile URL>); an image cannot run script.
// Inline styles are allowed (Leaflet and the page position elements with
// them). No frame-ancestors: the page is made to be embedded. The referrer
// stays the origin, which tile servers such as OpenStreetMap's ask for.
void add_page_policy(response& r) {
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; "
                           "connect-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'");
    r.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
}

}  // namespace

response landing(request_context const& ctx) {
    auto const& data = ctx.dataset();
    if (!wants_json(ctx.request, ctx.t.query)) {
        if (auto page = find_asset("index.html")) {  // the map page
            response r;
            r.content_type = std::string(page->content_type);
            r.body = std::string(page->body);
            r.cacheable = true;
            r.headers.emplace_back("Cache-Control", "public, max-age=60");
            add_page_policy(r);
            return r;
        }
        response r;
        r.content_type = "text/html; charset=utf-8";
        r.cacheable = true;
        std::string const& title = data.title();
        r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                 "</title></head><body><h1>" + title + "</h1>" +
                 (ctx.sample_data ? "<p><strong>Showing the bundled synthetic sample data, not real concessions.</strong></p>" : "") +
                 "<ul><li><a href=\"/collections\">Collections</a></li><li><a href=\"/provinces\">Provinces</a></li>"
                 "<li><a href=\"/api\">API definition (OpenAPI 3.0)</a></li><li><a href=\"/conformance\">Conformance</a></li>"
                 "</ul></body></html>";
        return r;
    }
    json doc = {{"title", data.title()},
                {"description", ctx.sample_data ? "Bundled synthetic sample data (not real concessions)"
                                                : "Land concessions and related layers, served by concessions"},
                {"links", json::array({link(ctx.url("/", {{"f", "json"}}), "self", "application/json", "This document"),
                                       link(ctx.url("/"), "alternate", "text/html", "This document as HTML"),
                                       link(ctx.url("/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                                            "The API definition"),
                                       link(ctx.url("/conformance"), "conformance", "application/json", "Conformance classes"),
                                       link(ctx.url("/collections"), "data", "application/json", "Collections"),
                                       link(ctx.url("/provinces"), "provinces", std::string(geojson_type), "Province boundaries")})},
                {"basemaps", basemaps_json(ctx.basemaps ? *ctx.basemaps : basemap_options{})}};
    return json_response(doc);
}

response openapi(request_context const& ctx) {
    auto const& data = ctx.dataset();
    std::vector<openapi_collection> cols;
    for (auto const& c : data.collections()) cols.push_back({c.id, c.title, data.queryables(c)});
    return json_response(openapi_document(data.title(), ctx.base, cols), "application/vnd.oai.openapi+json;version=3.0");
}

response conformance(request_context const&) {
    json doc = {{"conformsTo",
                 {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                  "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
                  "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
                  "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
                  "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
                  "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
                  "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
                  "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
                  "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
                  "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
                  "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
                  "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
                  "http://www.opengis.net/spec/cql2/1.0/conf/property-property",
                  "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic"}}};
    return json_response(doc);
}

response collections(request_context const& ctx) {
    json doc;
    doc["collections"] = json::array();
    for (auto const& c : ctx.dataset().collections()) doc["collections"].push_back(collection_json(c, ctx.base, ctx.lang));
    doc["links"] = json::array({link(ctx.url("/collections"), "self", "application/json", "Collections")});
    // What the map page writes into its tile URLs (v=), as TileJSON does,
    // so that they change when the data does (issue 14).
    doc["data_version"] = ctx.dataset().version();
    return json_response(doc);
}

response collection(request_context const& ctx, geo::collection const& c) { return json_response(collection_json(c, ctx.base, ctx.lang)); }

response queryables(request_context const& ctx, geo::collection const& c) {
    json props = json::object();
    for (auto const& f : c.fields) {
        char const* type = f.type == geo::field_type::integer ? "integer" : f.type == geo::field_type::real ? "number" : "string";
        props[f.name] = {{"title", f.name}, {"type", type}};
        if (f.type == geo::field_type::date) props[f.name]["format"] = "date";
    }
    // Text of few values (a nationality, a status) lists them, so that a
    // client's filter dialog can offer them: at most 24 values, each used
    // three times on average; as the source spells them, most used first.
    for (std::size_t i = 0; i < c.fields.size(); ++i) {
        if (c.fields[i].type != geo::field_type::string) continue;
        std::map<std::string, std::size_t> seen;
        std::size_t filled = 0;
        for (auto const& ft : c.features) {
            auto const* text = std::get_if<std::string>(&ft.properties[i]);
            if (!text || text->empty()) continue;
            ++filled;
            if (++seen[*text] == 1 && seen.size() > 24) break;
        }
        if (seen.empty() || seen.size() > 24 || seen.size() * 3 > filled) continue;
        std::vector<std::pair<std::string, std::size_t>> values(seen.begin(), seen.end());
        std::stable_sort(values.begin(), values.end(),
                         [](auto const& a, auto const& b) { return a.second > b.second; });
        json names = json::array();
        for (auto const& [name, count] : values) names.push_back(name);
        props[c.fields[i].name]["enum"] = names;
    }
    if (!props.contains("id")) props["id"] = {{"title", "Feature id"}, {"type", "integer"}, {"x-ogc-role", "id"}};
    if (!props.contains("geometry"))  // what filter='s spatial functions test (S_INTERSECTS(geometry, ...))
        props["geometry"] = {{"title", "The feature's geometry, longitude latitude (CRS84)"},
                             {"format", "geometry-any"},
                             {"x-ogc-role", "primary-geometry"}};
    if (!props.contains("area_ha")) props["area_ha"] = {{"title", "Area in hectares, computed from the geometry"}, {"type", "number"}};
    if (!props.contains("contract_date"))
        props["contract_date"] = {{"title", "Contract date"}, {"type", "string"}, {"format", "date"}};
    if (geo::has_end_dates(c) && !props.contains("end_date"))
        props["end_date"] = {{"title", "End of the contract, from " + geo::end_source(c)}, {"type", "string"}, {"format", "date"}};
    if (geo::has_cancellations(c) && !props.contains("cancelled_date"))
        props["cancelled_date"] = {{"title", "Cancelled or cut: the earliest date the " + c.roles.cancelled + " field names"},
                                   {"type", "string"},
                                   {"format", "date"}};
    if (c.field_index(c.roles.purpose) >= 0 && !props.contains("purpose_class")) {
        json names = json::array(), names_km = json::array();
        for (auto const& k : geo::purpose_classes()) {
            names.push_back(k.name);
            names_km.push_back(k.name_km);
        }
        props["purpose_class"] = {
            {"title", "Purpose class, from the " + c.roles.purpose + " field's words; a concession can be in several"},
            {"type", "string"},
            {"enum", names},
            {"x-enum-km", names_km}};  // the same classes' names in Khmer, in order
    }
    // The provinces, flat as items write them (CQL2 filter= reads them).
    json province_names = json::array();
    for (auto const& p : ctx.dataset().provinces().provinces()) province_names.push_back(p.name);
    if (!props.contains("main_province") && !province_names.empty())
        props["main_province"] = {{"title", "The province holding most of it (by area)"}, {"type", "string"}, {"enum", province_names}};
    if (!props.contains("province_names"))
        props["province_names"] = {{"title", "Every province it lies in, most of it first: 'Kratie; Mondulkiri'"}, {"type", "string"}};
    json doc = {{"$schema", "https://json-schema.org/draft/2019-09/schema"},
                {"$id", ctx.url("/collections/" + c.id + "/queryables")},
                {"type", "object"},
                {"title", c.title},
                {"properties", props}};
    return json_response(doc, "application/schema+json");
}

response asset(request_context const& ctx) {
    auto const found = find_asset(ctx.r.id);
    if (!found) return error_response(404, make_message(message_id::no_asset, ctx.r.id));
    response a;
    a.content_type = std::string(found->content_type);
    a.body = std::string(found->body);
    a.cacheable = true;
    // index.html names assets with ?v=<hash of every asset>: such URLs never change meaning.
    bool const versioned = std::any_of(ctx.t.query.begin(), ctx.t.query.end(), [](auto const& kv) { return kv.first == "v"; });
    a.headers.emplace_back("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
    return a;
}

}  // namespace server
