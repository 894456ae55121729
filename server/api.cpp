#include "server/api.hpp"

#include "geo/feature_query.hpp"
#include "geo/feature_writer.hpp"
#include "geo/hash.hpp"
#include "geo/parallel.hpp"
#include "geo/vector_export.hpp"
#include "server/assets.hpp"
#include "server/compression.hpp"
#include "server/openapi.hpp"
#include "server/request_params.hpp"
#include "server/router.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>

namespace server {

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr char const* geojson_type = "application/geo+json";
constexpr char const* crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

std::string now_iso() {
    std::time_t const t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The cached entry with its gzip form added (and stored for the next client).
std::shared_ptr<cached_response const> with_gzip(response_cache& cache, std::string const& key, cached_response const& hit) {
    auto entry = std::make_shared<cached_response>(hit);
    entry->gzipped = std::make_shared<std::string const>(gzip(entry->body_bytes()));
    cache.insert(key, entry);
    return entry;
}

// The entry cached under key, or null; with its gzip form made once, when
// this client takes gzip.
std::shared_ptr<cached_response const> cached_answer(response_cache& cache, std::string const& key, bool gzip_wanted) {
    auto hit = cache.find(key);
    if (hit && gzip_wanted && !hit->gzipped && worth_gzip(hit->content_type, hit->body_size())) hit = with_gzip(cache, key, *hit);
    return hit;
}

response from_entry(std::shared_ptr<cached_response const> hit) {
    response out;
    out.status = hit->status;
    out.cacheable = hit->status == 200;
    out.cached = std::move(hit);
    return out;
}

// Streamed downloads are kept too when they turn out small enough: the
// producer is wrapped so that it also records what it hands out, and the
// whole body goes into the cache once the last piece is out. A body that
// outgrows the cache's largest entry stops being recorded (memory stays
// flat); a client that leaves mid-way leaves nothing behind.
std::function<bool(std::string&)> recording(std::function<bool(std::string&)> producer, response_cache& cache, std::string key,
                                            std::shared_ptr<cached_response> entry) {
    std::size_t const limit = std::min<std::size_t>(cache.max_entry_bytes(), 16u << 20);
    auto recorded = std::make_shared<std::string>();
    return [producer = std::move(producer), &cache, key = std::move(key), entry = std::move(entry), recorded,
            limit](std::string& out) mutable {
        std::size_t const before = out.size();
        bool const more = producer(out);
        if (!entry) return more;
        if (recorded->size() + (out.size() - before) > limit) {
            entry.reset();
            recorded.reset();
            return more;
        }
        recorded->append(out, before);
        if (!more) {
            entry->body = std::move(recorded);
            cache.insert(key, std::move(entry));
        }
        return more;
    };
}

// Strong ETag: the data version and a hash of what identifies the answer.
std::string make_etag(std::string const& version, std::string_view what) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "\"%s-%016llx\"", version.c_str(), static_cast<unsigned long long>(geo::hash_bytes(what)));
    return buf;
}

std::string percent_encode(std::string_view s) {
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == ':') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string slug(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c))
            out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.substr(0, 40);
}

json link(std::string href, std::string rel, std::string type, std::string title = {}) {
    json l = {{"href", std::move(href)}, {"rel", std::move(rel)}, {"type", std::move(type)}};
    if (!title.empty()) l["title"] = std::move(title);
    return l;
}

// The same link object, written straight into a response being built.
void append_link(std::string& out, std::string_view href, std::string_view rel, std::string_view type, std::string_view title) {
    out += R"({"href":)";
    geo::append_json_string(out, href);
    out += R"(,"rel":)";
    geo::append_json_string(out, rel);
    if (!title.empty()) {
        out += R"(,"title":)";
        geo::append_json_string(out, title);
    }
    out += R"(,"type":)";
    geo::append_json_string(out, type);
    out += '}';
}

response json_response(json const& doc, std::string content_type = "application/json") {
    response r;
    r.content_type = std::move(content_type);
    r.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    r.cacheable = true;
    return r;
}

std::string query_string(query_list const& q) {
    std::string out;
    for (auto const& [k, v] : q) {
        out += out.empty() ? '?' : '&';
        out += percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
}

query_list with_param(query_list q, std::string const& key, std::string const& value) {
    bool found = false;
    for (auto& [k, v] : q)
        if (k == key) {
            v = value;
            found = true;
        }
    if (!found) q.emplace_back(key, value);
    return q;
}

bool wants_json(request_view const& req, query_list const& q) {
    for (auto const& [k, v] : q)
        if (k == "f") return v != "html";
    std::string_view const a = req.accept;
    auto const html = a.find("text/html");
    auto const js = a.find("json");
    if (js != std::string_view::npos && (html == std::string_view::npos || js < html)) return true;
    return html == std::string_view::npos && !a.empty() && a.find("*/*") == std::string_view::npos;
}

}  // namespace

struct api::context {
    request_view const& request;
    target t;
    struct route r;
    std::string base;  // "http://host:port"
    std::string url(std::string_view path, query_list const& q = {}) const { return base + std::string(path) + query_string(q); }
};

api::api(std::shared_ptr<geo::snapshot const> data, api_options options, metrics& counters)
    : data_(std::move(data)),
      options_(std::move(options)),
      counters_(counters),
      cache_(options_.cache_bytes),
      tile_cache_(options_.tile_cache_bytes) {
    for (auto const& c : data_->collections) {
        auto& ids = by_id_[c.id];
        for (std::uint32_t i = 0; i < c.features.size(); ++i) ids.emplace(c.features[i].id, i);
        tiles_[c.id] = std::make_unique<geo::tile_index>(c, data_->provinces, options_.tiles);
        queryable_names_[c.id] = geo::queryable_names(c);
    }
    keep_feature_text();
}

void api::keep_feature_text() {
    std::size_t estimate = 0;  // ~24 bytes a coordinate pair, plus the properties
    for (auto const& c : data_->collections)
        for (auto const& f : c.features) estimate += f.geom.vertex_count() * 24 + 512;
    if (estimate > options_.feature_text_bytes) return;
    std::size_t kept = 0;
    for (auto const& c : data_->collections) {
        auto& texts = feature_text_[c.id];
        texts.resize(c.features.size());
        geo::parallel_ranges(c.features.size(), 0, 10'000, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                geo::append_feature_json(texts[i], c, c.features[i], data_->provinces);
                texts[i].shrink_to_fit();
            }
        });
        for (auto const& t : texts) kept += t.capacity() + sizeof t;
        if (kept > options_.feature_text_bytes) {  // the estimate was short: write features per request instead
            feature_text_.clear();
            return;
        }
    }
}

void api::append_feature(std::string& out, geo::collection const& c, std::uint32_t i) const {
    if (auto const it = feature_text_.find(c.id); it != feature_text_.end())
        out += it->second[i];
    else
        geo::append_feature_json(out, c, c.features[i], data_->provinces);
}

void api::tile_key(std::string& key, std::string_view target) const {
    key.assign(data_->version).append("|").append(target);
}

// A map asks for the same tiles again and again. A tile is cached under its
// canonical target (see tile()), which is what the page and most clients
// send, so a repeat is found by its request target alone, before the target
// is parsed: only a valid tile is ever cached, and the same target always
// parses to the same tile. Other spellings (%-escapes, "08" for 8, a
// harmless query) are parsed first and find the same entry in tile().
std::optional<response> api::cached_tile(request_view const& request) {
    std::string_view const target = request.target;
    if (!target.starts_with("/collections/") || target.find("/tiles/") == std::string_view::npos ||
        target.find('?') != std::string_view::npos)
        return std::nullopt;
    thread_local std::string key;
    tile_key(key, target);
    auto hit = cached_answer(tile_cache_, key, request.accepts_gzip);
    if (!hit) return std::nullopt;
    counters_.tile_cache_hit();
    response out = from_entry(std::move(hit));
    out.label = metrics_label(route_kind::tile);
    return out;
}

response api::handle(request_view const& request) {
    if (auto hit = cached_tile(request)) return std::move(*hit);
    auto t = parse_target(request.target);
    if (!t) return error_response(400, "malformed or unsafe request target (bad %-escape, control character, or a '.'/'..' path segment)");
    auto r = match_route(t->path);
    if (!r) return error_response(404, "no resource at " + t->path + "; the API is described at /api");
    std::string host = request.host.empty() ? "localhost" : std::string(request.host);
    context ctx{request, std::move(*t), std::move(*r), options_.public_url.empty() ? "http://" + host : options_.public_url};
    response out = cached_or_routed(ctx);
    out.label = metrics_label(ctx.r.kind);
    return out;
}

response api::cached_or_routed(context const& ctx) {
    auto const& request = ctx.request;
    bool const uncached = ctx.r.kind == route_kind::healthz || ctx.r.kind == route_kind::metrics || ctx.r.kind == route_kind::tile;
    if (uncached) return route(ctx);
    bool const json_wanted = wants_json(request, ctx.t.query);
    std::string const key = data_->version + "|" + ctx.base + "|" + (json_wanted ? "j|" : "h|") + std::string(request.target);
    bool const gzip_wanted = request.accepts_gzip;
    if (auto hit = cached_answer(cache_, key, gzip_wanted)) {
        counters_.cache_hit();
        return from_entry(std::move(hit));
    }
    counters_.cache_miss();
    auto const started = std::chrono::steady_clock::now();
    response out = route(ctx);
    bool const slow = std::chrono::steady_clock::now() - started > std::chrono::milliseconds(1);
    if (out.cacheable && out.stream && out.status == 200 && request.method != "HEAD") {
        auto entry = std::make_shared<cached_response>();
        entry->content_type = out.content_type;
        entry->etag = out.etag;
        entry->headers = out.headers;
        out.stream = recording(std::move(out.stream), cache_, key, std::move(entry));
    }
    if (out.cacheable && !out.stream && out.status == 200) {
        // The answer is a function of the data version and the key (only its
        // timeStamp moves): the ETag says so, cached or not.
        out.etag = make_etag(data_->version, key);
        // Kept when it was costly to make, or asked for before.
        if (!slow && !cache_.seen_before(key)) return out;
        auto entry = std::make_shared<cached_response>();
        entry->status = out.status;
        entry->content_type = out.content_type;
        entry->body = std::make_shared<std::string const>(std::move(out.body));
        out.shared_body = entry->body;
        entry->etag = out.etag;
        entry->headers = out.headers;  // e.g. an asset's own Cache-Control
        // Compressed once, when a client first asks for gzip.
        if (gzip_wanted && worth_gzip(entry->content_type, entry->body->size())) {
            entry->gzipped = std::make_shared<std::string const>(gzip(*entry->body));
            out.gzipped = entry->gzipped;
        }
        cache_.insert(key, std::move(entry));
    }
    return out;
}

response api::route(context const& ctx) {
    auto const& r = ctx.r;
    geo::collection const* c = nullptr;
    if (!r.collection.empty()) {
        c = data_->find(r.collection);
        if (!c) {
            std::string known;
            for (auto const& k : data_->collections) known += (known.empty() ? "" : ", ") + k.id;
            return error_response(404, "no collection '" + r.collection + "'; collections: " + known);
        }
    }
    switch (r.kind) {
        case route_kind::landing: return landing(ctx);
        case route_kind::api: return openapi(ctx);
        case route_kind::conformance: return conformance(ctx);
        case route_kind::collections: return collections(ctx);
        case route_kind::collection: return collection(ctx, *c);
        case route_kind::queryables: return queryables(ctx, *c);
        case route_kind::items: return items(ctx, *c);
        case route_kind::item: return item(ctx, *c, r.id);
        case route_kind::stats: return stats(ctx, *c);
        case route_kind::provinces: return provinces(ctx);
        case route_kind::province: return province(ctx, r.id);
        case route_kind::healthz: return healthz();
        case route_kind::metrics: {
            response m;
            m.content_type = "text/plain; version=0.0.4";
            // The caches' sizes as they are now (a download recorded as it
            // streamed enters the cache after its answer was made).
            counters_.set_cache_bytes(cache_.bytes());
            counters_.set_tile_cache_bytes(tile_cache_.bytes());
            m.body = counters_.prometheus_text();
            return m;
        }
        case route_kind::tile: return tile(ctx, *c);
        case route_kind::tilejson: return tilejson(ctx, *c);
        case route_kind::asset: {
            auto const found = find_asset(r.id);
            if (!found) return error_response(404, "no asset " + r.id);
            response a;
            a.content_type = std::string(found->content_type);
            a.body = std::string(found->body);
            a.cacheable = true;
            // index.html names assets with ?v=<hash of every asset>: such URLs never change meaning.
            bool const versioned = std::any_of(ctx.t.query.begin(), ctx.t.query.end(), [](auto const& kv) { return kv.first == "v"; });
            a.headers.emplace_back("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
            return a;
        }
    }
    return error_response(404, "no such resource");
}

response api::landing(context const& ctx) {
    if (!wants_json(ctx.request, ctx.t.query)) {
        if (auto page = find_asset("index.html")) {  // the map page
            response r;
            r.content_type = std::string(page->content_type);
            r.body = std::string(page->body);
            r.cacheable = true;
            r.headers.emplace_back("Cache-Control", "public, max-age=60");
            return r;
        }
        response r;
        r.content_type = "text/html; charset=utf-8";
        r.cacheable = true;
        std::string title = data_->title;
        r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                 "</title></head><body><h1>" + title + "</h1>" +
                 (options_.sample_data ? "<p><strong>Showing the bundled synthetic sample data, not real concessions.</strong></p>" : "") +
                 "<ul><li><a href=\"/collections\">Collections</a></li><li><a href=\"/provinces\">Provinces</a></li>"
                 "<li><a href=\"/api\">API definition (OpenAPI 3.0)</a></li><li><a href=\"/conformance\">Conformance</a></li>"
                 "</ul></body></html>";
        return r;
    }
    json doc = {{"title", data_->title},
                {"description", options_.sample_data ? "Bundled synthetic sample data (not real concessions)"
                                                      : "Land concessions and related layers, served by concessions"},
                {"links", json::array({link(ctx.url("/", {{"f", "json"}}), "self", "application/json", "This document"),
                                       link(ctx.url("/"), "alternate", "text/html", "This document as HTML"),
                                       link(ctx.url("/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0",
                                            "The API definition"),
                                       link(ctx.url("/conformance"), "conformance", "application/json", "Conformance classes"),
                                       link(ctx.url("/collections"), "data", "application/json", "Collections"),
                                       link(ctx.url("/provinces"), "provinces", geojson_type, "Province boundaries")})}};
    return json_response(doc);
}

response api::openapi(context const& ctx) {
    std::vector<openapi_collection> cols;
    for (auto const& c : data_->collections) cols.push_back({c.id, c.title, queryable_names_.at(c.id)});
    return json_response(openapi_document(data_->title, ctx.base, cols), "application/vnd.oai.openapi+json;version=3.0");
}

response api::conformance(context const&) {
    json doc = {{"conformsTo",
                 {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
                  "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters"}}};
    return json_response(doc);
}

namespace {
json collection_json(geo::collection const& c, std::string const& base) {
    std::string const self = base + "/collections/" + c.id;
    json j = {{"id", c.id},
              {"title", c.title},
              {"description", c.title + " (" + std::to_string(c.features.size()) + " features from " +
                                  fs::path(c.source).filename().string() + ")"},
              {"itemType", "feature"},
              {"crs", {crs84}},
              {"storageCrs", crs84}};
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
    j["roles"] = {{"name", c.roles.name},       {"company", c.roles.company},     {"province", c.roles.province},
                  {"area_ha", c.roles.area_ha}, {"purpose", c.roles.purpose},     {"contract_date", c.roles.contract_date},
                  {"nationality", c.roles.nationality}};
    if (!c.color.empty()) j["color"] = c.color;
    j["links"] = json::array({link(self, "self", "application/json", "This collection"),
                              link(self + "/items", "items", geojson_type, "Features as GeoJSON"),
                              link(self + "/items?f=csv", "items", "text/csv", "Features as CSV"),
                              link(self + "/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                                   "application/schema+json", "Queryable properties"),
                              link(self + "/stats", "statistics", "application/json", "Statistics"),
                              link(self + "/tiles.json", "tiles", "application/json", "Vector tiles (TileJSON)")});
    return j;
}
}  // namespace

response api::collections(context const& ctx) {
    json doc;
    doc["collections"] = json::array();
    for (auto const& c : data_->collections) doc["collections"].push_back(collection_json(c, ctx.base));
    doc["links"] = json::array({link(ctx.url("/collections"), "self", "application/json", "Collections")});
    return json_response(doc);
}

response api::collection(context const& ctx, geo::collection const& c) { return json_response(collection_json(c, ctx.base)); }

response api::queryables(context const& ctx, geo::collection const& c) {
    json props = json::object();
    for (auto const& f : c.fields) {
        char const* type = f.type == geo::field_type::integer ? "integer" : f.type == geo::field_type::real ? "number" : "string";
        props[f.name] = {{"title", f.name}, {"type", type}};
        if (f.type == geo::field_type::date) props[f.name]["format"] = "date";
    }
    if (!props.contains("id")) props["id"] = {{"title", "Feature id"}, {"type", "integer"}};
    if (!props.contains("area_ha")) props["area_ha"] = {{"title", "Area in hectares, computed from the geometry"}, {"type", "number"}};
    if (!props.contains("contract_date"))
        props["contract_date"] = {{"title", "Contract date"}, {"type", "string"}, {"format", "date"}};
    json doc = {{"$schema", "https://json-schema.org/draft/2019-09/schema"},
                {"$id", ctx.url("/collections/" + c.id + "/queryables")},
                {"type", "object"},
                {"title", c.title},
                {"properties", props}};
    return json_response(doc, "application/schema+json");
}

namespace {
struct resolved_filters {
    geo::feature_query query;
    std::string stem_suffix;  // for download file names: "-koh-kong"
};

std::variant<resolved_filters, response> resolve(feature_filters const& f, geo::province_index const& provinces) {
    resolved_filters out;
    if (f.bbox) {
        out.query.bbox = geo::box{(*f.bbox)[0], (*f.bbox)[1], (*f.bbox)[2], (*f.bbox)[3]};
        out.stem_suffix += "-bbox";
    }
    if (f.province) {
        auto const p = provinces.find(*f.province);
        if (!p) {
            std::string closest;
            for (auto const& n : provinces.closest(*f.province)) closest += (closest.empty() ? "" : ", ") + n;
            return error_response(400, "unknown province '" + *f.province + "'; closest: " + closest);
        }
        out.query.province = *p;
        out.stem_suffix += "-" + slug(provinces.provinces()[*p].name);
    }
    if (f.q) {
        out.query.text = *f.q;
        out.stem_suffix += "-q-" + slug(*f.q);
    }
    for (auto const& [k, v] : f.properties) {
        out.query.equals.emplace_back(k, v);
        out.stem_suffix += "-" + slug(k) + "-" + slug(v);
    }
    out.query.date_from = f.date_from;
    out.query.date_to = f.date_to;
    if (f.date_from || f.date_to) out.stem_suffix += "-" + f.date_from.value_or("") + "-" + f.date_to.value_or("");
    return out;
}
}  // namespace

response api::items(context const& ctx, geo::collection const& c) {
    auto parsed = parse_items_params(ctx.t.query, queryable_names_.at(c.id));
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->description);
    auto const& p = std::get<items_params>(parsed);
    auto filters = resolve(p.filters, data_->provinces);
    if (auto* e = std::get_if<response>(&filters)) return std::move(*e);
    auto const& rf = std::get<resolved_filters>(filters);
    std::vector<geo::sort_key> sort;
    for (auto const& k : p.sortby) sort.push_back({k.field, k.descending});
    std::vector<std::uint32_t> selection = geo::select(c, rf.query, sort);

    if (p.format == output_format::html) return error_response(406, "HTML items come with the map page; use f=json");
    bool const binary = p.format == output_format::kml || p.format == output_format::gpkg || p.format == output_format::shp;
    if (p.download || binary) return download(ctx, c, std::move(selection), static_cast<int>(p.format), c.id + rf.stem_suffix);

    std::size_t const total = selection.size();
    std::size_t const begin = std::min(p.offset, total);
    std::size_t const end = std::min(total, begin + p.limit);
    std::string const path = "/collections/" + c.id + "/items";
    if (p.format == output_format::csv) {
        response r;
        r.content_type = "text/csv; charset=utf-8";
        r.cacheable = true;
        r.body = geo::csv_header(c);
        for (std::size_t i = begin; i < end; ++i) geo::append_csv_row(r.body, c.features[selection[i]], data_->provinces);
        return r;
    }
    response r;
    r.content_type = geojson_type;
    r.cacheable = true;
    std::string& out = r.body;
    out = R"({"type":"FeatureCollection","numberMatched":)" + std::to_string(total) +
          R"(,"numberReturned":)" + std::to_string(end - begin) + R"(,"timeStamp":")" + now_iso() + R"(","links":[)";
    append_link(out, ctx.url(path, ctx.t.query), "self", geojson_type, "This page");
    out += ',';
    append_link(out, ctx.url(path, with_param(ctx.t.query, "f", "csv")), "alternate", "text/csv", "This page as CSV");
    out += ',';
    append_link(out, ctx.url("/collections/" + c.id), "collection", "application/json", c.title);
    if (end < total) {
        out += ',';
        append_link(out, ctx.url(path, with_param(ctx.t.query, "offset", std::to_string(end))), "next", geojson_type, "Next page");
    }
    if (begin > 0) {
        out += ',';
        append_link(out, ctx.url(path, with_param(ctx.t.query, "offset", std::to_string(begin > p.limit ? begin - p.limit : 0))),
                    "prev", geojson_type, "Previous page");
    }
    out += R"(],"features":[)";
    if (auto const it = feature_text_.find(c.id); it != feature_text_.end()) {  // one allocation for the page
        std::size_t bytes = out.size() + 2;
        for (std::size_t i = begin; i < end; ++i) bytes += it->second[selection[i]].size() + 1;
        out.reserve(bytes);
    }
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin) out += ',';
        append_feature(out, c, selection[i]);
    }
    out += "]}";
    return r;
}

response api::item(context const& ctx, geo::collection const& c, std::string const& id_text) {
    std::int64_t id = 0;
    auto const [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    auto const& ids = by_id_.at(c.id);
    auto const it = ec == std::errc() && end == id_text.data() + id_text.size() ? ids.find(id) : ids.end();
    if (it == ids.end()) return error_response(404, "no feature '" + id_text + "' in collection '" + c.id + "'");
    std::string const self = ctx.url("/collections/" + c.id + "/items/" + id_text);
    response r;
    r.content_type = geojson_type;
    r.cacheable = true;
    append_feature(r.body, c, it->second);
    r.body.pop_back();  // add links inside the feature object
    r.body += R"(,"links":)" +
              json::array({link(self, "self", geojson_type), link(ctx.url("/collections/" + c.id), "collection", "application/json")}).dump(-1, ' ', false, json::error_handler_t::replace) +
              "}";
    return r;
}

response api::stats(context const& ctx, geo::collection const& c) {
    auto parsed = parse_stats_params(ctx.t.query, queryable_names_.at(c.id));
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->description);
    auto const& p = std::get<stats_params>(parsed);
    auto filters = resolve(p.filters, data_->provinces);
    if (auto* e = std::get_if<response>(&filters)) return std::move(*e);
    auto const selection = geo::select(c, std::get<resolved_filters>(filters).query);
    geo::stats_group group = geo::stats_group::province;
    if (p.group == "company") group = geo::stats_group::company;
    if (p.group == "purpose") group = geo::stats_group::purpose;
    if (p.group == "nationality") group = geo::stats_group::nationality;
    if (p.group == "year") group = geo::stats_group::year;
    double area = 0, declared = 0;
    for (auto i : selection) {
        area += c.features[i].area_ha;
        declared += geo::declared_ha(c, c.features[i]).value_or(0);
    }
    auto round2 = [](double v) { return std::round(v * 100) / 100; };
    json groups = json::array();
    for (auto const& g : geo::statistics(c, selection, group, data_->provinces))
        groups.push_back({{"key", g.key}, {"count", g.count}, {"area_ha", round2(g.area_ha)}, {"declared_ha", round2(g.declared_ha)}});
    json doc = {{"collection", c.id},
                {"group", p.group},
                {"numberMatched", selection.size()},
                {"area_ha", round2(area)},
                {"declared_ha", round2(declared)},
                {"groups", groups},
                {"links", json::array({link(ctx.url("/collections/" + c.id + "/stats", ctx.t.query), "self", "application/json")})}};
    return json_response(doc);
}

namespace {
void append_province_feature(std::string& out, geo::province const& p, std::vector<geo::collection> const& collections,
                             std::uint32_t index) {
    json props = {{"name", p.name}, {"code", p.code}, {"source_name", p.source_name}, {"area_ha", std::round(p.area_ha)}};
    json per = json::object();
    for (auto const& c : collections) {
        std::size_t count = 0;
        double ha = 0;
        for (auto const& f : c.features)
            for (auto const& s : f.provinces)
                if (s.province == index) {
                    ++count;
                    ha += f.area_ha * (std::isnan(s.share) ? 1.0 / static_cast<double>(f.provinces.size()) : s.share);
                }
        per[c.id] = {{"count", count}, {"area_ha", std::round(ha * 100) / 100}};
    }
    props["collections"] = per;
    out += R"({"type":"Feature","id":)";
    geo::append_json_string(out, p.code);
    out += R"(,"geometry":)";
    geo::append_geometry_json(out, p.geom);
    out += R"(,"properties":)" + props.dump(-1, ' ', false, json::error_handler_t::replace) + "}";
}
}  // namespace

response api::provinces(context const& ctx) {
    response r;
    r.content_type = geojson_type;
    r.cacheable = true;
    r.body = R"({"type":"FeatureCollection","source":)";
    geo::append_json_string(r.body, data_->provinces.source());
    r.body += R"(,"links":)" + json::array({link(ctx.url("/provinces"), "self", geojson_type)}).dump(-1, ' ', false, json::error_handler_t::replace) + R"(,"features":[)";
    auto const& all = data_->provinces.provinces();
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        if (i) r.body += ',';
        append_province_feature(r.body, all[i], data_->collections, i);
    }
    r.body += "]}";
    return r;
}

response api::province(context const&, std::string const& name) {
    auto const p = data_->provinces.find(name);
    if (!p) {
        std::string closest;
        for (auto const& n : data_->provinces.closest(name)) closest += (closest.empty() ? "" : ", ") + n;
        return error_response(404, "no province '" + name + "'; closest: " + closest);
    }
    response r;
    r.content_type = geojson_type;
    r.cacheable = true;
    append_province_feature(r.body, data_->provinces.provinces()[*p], data_->collections, *p);
    return r;
}

response api::healthz() {
    std::size_t features = 0;
    for (auto const& c : data_->collections) features += c.features.size();
    json doc = {{"status", "ok"}, {"version", data_->version}, {"collections", data_->collections.size()}, {"features", features}};
    response r = json_response(doc);
    r.cacheable = false;
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

std::shared_ptr<std::vector<std::uint32_t> const> api::allowed_features(geo::collection const& c, geo::feature_query const& q,
                                                                        std::string const& key) {
    {
        std::lock_guard lock(filter_mutex_);
        if (auto it = filter_cache_.find(key); it != filter_cache_.end()) return it->second;
    }
    auto allowed = std::make_shared<std::vector<std::uint32_t> const>(geo::select(c, q));
    std::lock_guard lock(filter_mutex_);
    if (filter_cache_.size() >= 256) filter_cache_.clear();  // a page's worth of filters; cheap to rebuild
    filter_cache_.emplace(key, allowed);
    return allowed;
}

response api::tile(context const& ctx, geo::collection const& c) {
    auto const& r = ctx.r;
    auto number = [](std::string const& s, unsigned& out) {
        if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isdigit(ch); }))
            return false;
        out = static_cast<unsigned>(std::stoul(s));
        return true;
    };
    geo::tiles::tile_id t;
    if (!number(r.z, t.z) || !number(r.x, t.x) || !number(r.y, t.y))
        return error_response(400, "tile coordinates must be whole numbers: /tiles/{z}/{x}/{y}.geojson");
    if (r.extension != "geojson" && r.extension != "mvt" && r.extension != "pbf")
        return error_response(404, "unknown tile format '" + r.extension + "'; tiles come as .geojson or .mvt");
    auto const& opt = options_.tiles;
    if (t.z < opt.min_zoom || t.z > opt.max_zoom)
        return error_response(404, "zoom " + std::to_string(t.z) + " is outside this server's range " +
                                       std::to_string(opt.min_zoom) + ".." + std::to_string(opt.max_zoom));
    if (!geo::tiles::valid(t))
        return error_response(400, "tile " + r.z + "/" + r.x + "/" + r.y + " does not exist: x and y run from 0 to " +
                                       std::to_string((1u << t.z) - 1) + " at zoom " + r.z);
    bool const mvt = r.extension != "geojson";
    std::string filter_key;  // the query string without what does not change the tile
    for (auto const& [k, v] : ctx.t.query)
        if (k != "f" && k != "limit" && k != "offset" && k != "sortby" && k != "download") filter_key += k + "=" + v + "&";
    // The key: the tile's canonical target, then the filters that change it.
    std::string key;
    tile_key(key, "/collections/" + c.id + "/tiles/" + std::to_string(t.z) + "/" + std::to_string(t.x) + "/" + std::to_string(t.y) +
                      "." + r.extension);
    if (!filter_key.empty()) key.append("?").append(filter_key);
    bool const gzip_wanted = ctx.request.accepts_gzip;
    auto cached = [&]() -> std::optional<response> {
        auto hit = cached_answer(tile_cache_, key, gzip_wanted);
        if (!hit) return std::nullopt;
        counters_.tile_cache_hit();
        return from_entry(std::move(hit));
    };
    // Without a query there is nothing to validate, so the cache is asked
    // at once. A query is checked first, as a parameter left out of the key
    // (limit=abc) must still be refused.
    if (ctx.t.query.empty())
        if (auto hit = cached()) return std::move(*hit);
    auto parsed = parse_items_params(ctx.t.query, queryable_names_.at(c.id));
    if (auto const* e = std::get_if<param_error>(&parsed)) return error_response(400, e->description);
    auto filters = resolve(std::get<items_params>(parsed).filters, data_->provinces);
    if (auto* e = std::get_if<response>(&filters)) return std::move(*e);
    auto const& query = std::get<resolved_filters>(filters).query;
    if (!ctx.t.query.empty())
        if (auto hit = cached()) return std::move(*hit);
    counters_.tile_cache_miss();
    std::shared_ptr<std::vector<std::uint32_t> const> allowed;
    if (query.province || !query.text.empty() || !query.equals.empty() || query.date_from || query.date_to)
        allowed = allowed_features(c, query, c.id + "|" + filter_key);
    auto const& tiler = *tiles_.at(c.id);
    geo::tile_result rendered = mvt ? tiler.mvt(t, allowed.get()) : tiler.geojson(t, allowed.get());

    auto entry = std::make_shared<cached_response>();
    entry->status = mvt && rendered.features == 0 ? 204 : 200;
    entry->content_type = mvt ? "application/vnd.mapbox-vector-tile" : geojson_type;
    entry->body = std::make_shared<std::string const>(std::move(rendered.body));
    entry->etag = make_etag(data_->version, *entry->body);
    if (gzip_wanted && worth_gzip(entry->content_type, entry->body->size()))
        entry->gzipped = std::make_shared<std::string const>(gzip(*entry->body));
    entry->headers = {{"X-Tile-Features", std::to_string(rendered.features)},
                      {"X-Tile-Omitted", std::to_string(rendered.omitted)},
                      {"X-Tile-Dropped", std::to_string(rendered.dropped)}};
    response out = from_entry(entry);
    tile_cache_.insert(key, std::move(entry));
    return out;
}

response api::tilejson(context const& ctx, geo::collection const& c) {
    auto const& opt = options_.tiles;
    std::string filters;
    for (auto const& [k, v] : ctx.t.query) filters += (filters.empty() ? "?" : "&") + percent_encode(k) + "=" + percent_encode(v);
    std::string const base = ctx.base + "/collections/" + c.id + "/tiles/{z}/{x}/{y}";
    json fields = json::object();
    for (auto const& name : geo::tile_index::property_names())
        fields[name] = name == "area_ha" ? "Number" : "String";
    json doc = {{"tilejson", "3.0.0"},
                {"name", c.title},
                {"description", c.title + ", clipped and simplified per zoom"},
                {"version", data_->version},
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

response api::download(context const& ctx, geo::collection const& c, std::vector<std::uint32_t> selection, int format_int,
                       std::string const& file_stem) {
    auto const format = static_cast<output_format>(format_int);
    auto const snap = data_;  // the stream outlives this call: keep the data alive
    auto const shared_selection = std::make_shared<std::vector<std::uint32_t>>(std::move(selection));
    std::string const extracted = now_iso();
    std::string const query(ctx.request.target);
    response r;
    r.cacheable = true;
    r.etag = "\"" + snap->version + "-" + std::to_string(std::hash<std::string>{}(query)) + "\"";
    r.headers.emplace_back("X-Features", std::to_string(shared_selection->size()));

    if (format == output_format::geojson || format == output_format::csv) {
        bool const csv = format == output_format::csv;
        r.content_type = csv ? "text/csv; charset=utf-8" : geojson_type;
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_stem + (csv ? ".csv\"" : ".geojson\""));
        std::string prologue;
        if (csv) {
            std::string header = geo::csv_header(c);
            header.insert(header.size() - 2, ",source_layer,extracted_at");  // provenance on every row
            prologue = std::move(header);
        } else {
            prologue = R"({"type":"FeatureCollection","name":)";
            geo::append_json_string(prologue, c.id);
            prologue += R"(,"source":{"layer":)";
            geo::append_json_string(prologue, c.source);
            prologue += R"(,"collection":)";
            geo::append_json_string(prologue, c.id);
            prologue += R"(,"extracted_at":")" + extracted + R"(","query":)";
            geo::append_json_string(prologue, query);
            prologue += R"(,"data_version":")" + snap->version + R"("},"numberMatched":)" +
                        std::to_string(shared_selection->size()) + R"(,"features":[)";
        }
        std::string provenance_cells;
        if (csv) {
            std::string quoted = "\"";
            for (char ch : c.source) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            provenance_cells = "," + quoted + "\"," + extracted;
        }
        auto position = std::make_shared<std::size_t>(0);
        auto started = std::make_shared<bool>(false);
        geo::collection const* cp = &c;
        api const* self = this;  // the server, and so this api, outlives every response stream
        r.stream = [self, snap, cp, shared_selection, position, started, prologue, csv, provenance_cells](std::string& out) {
            if (!*started) {
                out += prologue;
                *started = true;
            }
            auto const& sel = *shared_selection;
            while (*position < sel.size() && out.size() < 512 * 1024) {
                auto const& f = cp->features[sel[*position]];
                if (csv) {
                    geo::append_csv_row(out, f, snap->provinces);
                    out.insert(out.size() - 2, provenance_cells);
                } else {
                    if (*position > 0) out += ',';
                    self->append_feature(out, *cp, sel[*position]);
                }
                ++*position;
            }
            if (*position < sel.size()) return true;
            if (!csv) out += "]}";
            return false;
        };
        return r;
    }

    // Binary formats are written by GDAL's own drivers to a temporary file,
    // which is unlinked once open and streamed from there.
    geo::export_format const ef = format == output_format::kml ? geo::export_format::kml
                                  : format == output_format::gpkg ? geo::export_format::gpkg
                                                                  : geo::export_format::shp;
    char const* ext = format == output_format::kml ? ".kml" : format == output_format::gpkg ? ".gpkg" : ".shp.zip";
    char const* type = format == output_format::kml ? "application/vnd.google-earth.kml+xml"
                       : format == output_format::gpkg ? "application/geopackage+sqlite3"
                                                       : "application/zip";
    std::random_device rd;
    fs::path const tmp = fs::temp_directory_path() / ("concessions-" + std::to_string(rd()) + std::to_string(rd()) + ext);
    try {
        geo::export_features(c, *shared_selection, snap->provinces, ef, tmp,
                             {c.source, c.id, extracted, query});
    } catch (std::exception const& e) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return error_response(500, std::string("export failed: ") + e.what());
    }
    auto file = std::make_shared<std::ifstream>(tmp, std::ios::binary);
    std::error_code ignored;
    auto const size = fs::file_size(tmp, ignored);
    fs::remove(tmp, ignored);  // the open stream keeps the data until it closes
    if (!*file) return error_response(500, "export failed: cannot reopen the written file");
    r.content_type = type;
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_stem + ext + "\"");
    r.headers.emplace_back("X-Content-Bytes", std::to_string(size));
    r.stream = [file](std::string& out) {
        out.resize(64 * 1024);
        file->read(out.data(), static_cast<std::streamsize>(out.size()));
        out.resize(static_cast<std::size_t>(file->gcount()));
        return static_cast<bool>(*file);
    };
    return r;
}

}  // namespace server
