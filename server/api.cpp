#include "server/api.hpp"

#include "server/language.hpp"
#include "server/router.hpp"

namespace server {

api::api(live_dataset& data, api_options options, metrics& counters)
    : data_(data),
      options_(std::move(options)),
      counters_(counters),
      answers_(options_.cache_bytes, answer_cache::admission::repeated),
      tiles_(options_.tile_cache_bytes, answer_cache::admission::always) {
    swap_listener_ = data_.add_swap_listener([this](geo::dataset const& now) { drop_other_versions(now); });
}

api::~api() { data_.remove_swap_listener(swap_listener_); }

void api::drop_other_versions(geo::dataset const& now) {
    answers_.keep_only(now.version());
    tiles_.keep_only(now.version());
    std::lock_guard lock(filter_mutex_);
    filter_cache_.clear();
}

namespace {
// How long a tile may be kept, by the v= its URL carries (TileJSON's
// templates and the page write the data version there, so a tile's URL
// changes when the data does; issue 14). No v=: the default, a minute.
// The current version: the URL means this answer for good. Another one
// (a replica still on the old data asked for the new version's URL during
// a rolling reload, or a page open since before a reload asking for the
// old one): never kept for good, which would pin the wrong data under that
// URL in a CDN for a year; nor a redirect to this replica's own version,
// which the CDN would keep too and which would send a client that has the
// new version back to the old data. It gets the data this replica has,
// "no-cache": a cache may keep it but asks again (If-None-Match) before
// each use, and the ETag, which names the version, turns that into the
// tile of the new data as soon as the replica answering has it.
char const* tile_cache_control(std::string_view asked, std::string_view current) {
    if (asked.empty()) return nullptr;
    return asked == current ? "public, max-age=31536000, immutable" : "public, no-cache";
}
}  // namespace

// A map asks for the same tiles again and again. A tile is cached under its
// canonical target (see parse_tile), which is what the page and most
// clients send, so a repeat is found by its request target alone, before
// the target is parsed: only a valid tile is ever cached, and the same
// target always parses to the same tile. The page sends it with
// "?v=<data version>" (TileJSON's templates do too): the same entry, under
// the Cache-Control of a versioned URL. Other spellings (%-escapes, "08"
// for 8, another version, a harmless query) are parsed first and find the
// same entry.
std::optional<response> api::cached_tile(request_view const& request, geo::dataset const& data) {
    std::string_view target = request.target;
    if (!target.starts_with("/collections/") || target.find("/tiles/") == std::string_view::npos) return std::nullopt;
    std::string_view version;
    if (auto const q = target.find('?'); q != std::string_view::npos) {
        version = target.substr(q + 1);
        if (!version.starts_with("v=") || version.substr(2) != data.version()) return std::nullopt;
        version.remove_prefix(2);
        target = target.substr(0, q);
    }
    thread_local std::string key;
    key.assign(data.version()).append("|").append(target);
    auto hit = tiles_.find(key, request.accepts_gzip);
    if (hit) {
        hit->label = metrics_label(route_kind::tile);
        hit->cache_control = tile_cache_control(version, data.version());
    }
    return hit;
}

namespace {
// An error in the request's language, saying that it depends on it.
response spoken_error(response r, language lang) {
    speak(r, lang);
    r.headers.emplace_back("Vary", "Accept-Language");
    return r;
}
}  // namespace

response api::handle(request_view const& request) {
    auto data = data_.current();  // this request's dataset, whatever reloads happen meanwhile
    if (auto hit = cached_tile(request, *data)) return std::move(*hit);
    auto t = parse_target(request.target);
    language const header_lang = accepted_language(request.accept_language);
    if (!t) return spoken_error(error_response(400, make_message(message_id::target_malformed)), header_lang);
    auto chosen = choose_language(t->query, request.accept_language);
    if (auto* m = std::get_if<message>(&chosen)) return spoken_error(error_response(400, std::move(*m)), header_lang);
    language const lang = std::get<language>(chosen);
    auto r = match_route(t->path);
    if (!r) return spoken_error(error_response(404, make_message(message_id::no_resource, t->path)), lang);
    std::string const host = request.host.empty() ? "localhost" : std::string(request.host);
    request_context ctx{request, std::move(*t), std::move(*r), options_.public_url.empty() ? "http://" + host : options_.public_url,
                        std::move(data), options_.sample_data, lang, &options_.basemaps};
    response out;
    switch (ctx.r.kind) {
        case route_kind::healthz:
        case route_kind::metrics:
        case route_kind::tile: out = route(ctx); break;
        default: {
            // Answers differ by base URL (links), by HTML or JSON, and for
            // some routes by language (Accept-Language is not in the target).
            bool const json_wanted = wants_json(request, ctx.t.query);
            std::string key = ctx.dataset().version() + "|" + ctx.base + "|" + (json_wanted ? "j|" : "h|");
            if (speaks_language(ctx.r.kind)) key.append(language_code(lang)).append("|");
            key.append(request.target);
            out = answers_.get_or_insert(key, ctx.dataset().version(), request, [&] {
                response made = route(ctx);
                if (speaks_language(ctx.r.kind) && !made.error)
                    made.headers.emplace_back("Vary", "Accept, Accept-Encoding, Accept-Language");
                return made;
            });
        }
    }
    if (out.error) out = spoken_error(std::move(out), lang);
    out.label = metrics_label(ctx.r.kind);
    return out;
}

response api::route(request_context const& ctx) {
    geo::collection const* c = nullptr;
    if (!ctx.r.collection.empty()) {
        c = ctx.dataset().find(ctx.r.collection);
        if (!c) {
            std::string known;
            for (auto const& k : ctx.dataset().collections()) known += (known.empty() ? "" : ", ") + k.id;
            return error_response(404, make_message(message_id::no_collection, ctx.r.collection, known));
        }
    }
    switch (ctx.r.kind) {
        case route_kind::landing: return landing(ctx);
        case route_kind::api: return openapi(ctx);
        case route_kind::conformance: return conformance(ctx);
        case route_kind::collections: return collections(ctx);
        case route_kind::collection: return collection(ctx, *c);
        case route_kind::queryables: return queryables(ctx, *c);
        case route_kind::items: return items(ctx, *c);
        case route_kind::item: return item(ctx, *c);
        case route_kind::stats: return stats(ctx, *c);
        case route_kind::timeline:
            return timeline(ctx, *c);
        case route_kind::overlaps:
            return overlaps(ctx, *c);
        case route_kind::provinces: return provinces(ctx);
        case route_kind::province: return province(ctx);
        case route_kind::companies: return companies(ctx);
        case route_kind::company: return company(ctx);
        case route_kind::healthz: return healthz(ctx, data_.status());
        case route_kind::metrics: return metrics_text(ctx);
        case route_kind::tile: return tile(ctx, *c);
        case route_kind::tilejson: return tilejson(ctx, *c);
        case route_kind::asset: return asset(ctx);
        case route_kind::download: return multi_download(ctx);
    }
    return error_response(404, make_message(message_id::no_such_resource));
}

response api::metrics_text(request_context const& ctx) {
    response m;
    m.content_type = "text/plain; version=0.0.4";
    // The caches' figures as they are now (a download recorded as it
    // streamed enters the cache after its answer was made).
    counters_.set_caches({answers_.hits(), answers_.misses(), answers_.bytes()}, {tiles_.hits(), tiles_.misses(), tiles_.bytes()});
    m.body = counters_.prometheus_text() + reload_metrics(data_.status(), ctx.dataset());
    return m;
}

std::shared_ptr<std::vector<std::uint32_t> const> api::allowed_features(request_context const& ctx, geo::collection const& c,
                                                                        filter_set const& filters) {
    std::string const key = ctx.dataset().version() + "|" + c.id + "|" + filters.key;
    {
        std::lock_guard lock(filter_mutex_);
        if (auto it = filter_cache_.find(key); it != filter_cache_.end()) return it->second;
    }
    auto allowed = std::make_shared<std::vector<std::uint32_t> const>(geo::select(c, filters.query));
    std::lock_guard lock(filter_mutex_);
    if (filter_cache_.size() >= 256) filter_cache_.clear();  // a page's worth of filters; cheap to rebuild
    filter_cache_.emplace(key, allowed);
    return allowed;
}

response api::tile(request_context const& ctx, geo::collection const& c) {
    auto parsed = parse_tile(ctx, c);
    if (auto* e = std::get_if<response>(&parsed)) return std::move(*e);
    auto const& t = std::get<tile_request>(parsed);
    // The key: the data version, the tile's canonical target, then the
    // filters that change it.
    std::string key = ctx.dataset().version() + "|" + t.canonical_target;
    if (!t.filters.empty()) key.append("?").append(t.filters.key);
    response out = tiles_.get_or_insert(key, ctx.dataset().version(), ctx.request, [&] {
        auto const allowed = t.filters.empty() ? nullptr : allowed_features(ctx, c, t.filters);
        return render_tile(ctx, c, t, allowed.get());
    });
    out.cache_control = tile_cache_control(t.version, ctx.dataset().version());
    return out;
}

}  // namespace server
