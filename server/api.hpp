#pragma once
// The HTTP API over a loaded snapshot: OGC API - Features Part 1 (landing
// page, OpenAPI, conformance, collections, queryables, items, item), plus
// provinces, statistics, downloads, health and metrics. Routes in, responses
// out; the connection layer does the rest.

#include "geo/feature_query.hpp"
#include "geo/loader.hpp"
#include "geo/tiler.hpp"
#include "server/http_types.hpp"
#include "server/metrics.hpp"
#include "server/response_cache.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace server {

struct api_options {
    std::string public_url;  // e.g. "https://maps.example.org"; empty: from the Host header
    std::size_t cache_bytes = 256u << 20;
    bool sample_data = false;  // serving the bundled synthetic sample
    geo::tile_options tiles;
    std::size_t tile_cache_bytes = 256u << 20;  // 0 disables the tile cache
    // Every feature kept as GeoJSON text when all of them fit: items and
    // downloads then copy bytes instead of writing numbers.
    std::size_t feature_text_bytes = 256u << 20;
};

class api {
public:
    api(std::shared_ptr<geo::snapshot const> data, api_options options, metrics& counters);

    response handle(request_view const& request);

private:
    struct context;  // one request's parsed target and base URL
    std::optional<response> cached_tile(request_view const& request);
    void tile_key(std::string& key, std::string_view target) const;  // the tile cache's key for a target without a query
    response cached_or_routed(context const& ctx);
    response route(context const& ctx);
    response landing(context const& ctx);
    response openapi(context const& ctx);
    response conformance(context const& ctx);
    response collections(context const& ctx);
    response collection(context const& ctx, geo::collection const& c);
    response queryables(context const& ctx, geo::collection const& c);
    response items(context const& ctx, geo::collection const& c);
    response item(context const& ctx, geo::collection const& c, std::string const& id);
    response stats(context const& ctx, geo::collection const& c);
    response provinces(context const& ctx);
    response province(context const& ctx, std::string const& name);
    response healthz();
    response tile(context const& ctx, geo::collection const& c);
    response tilejson(context const& ctx, geo::collection const& c);
    std::shared_ptr<std::vector<std::uint32_t> const> allowed_features(geo::collection const& c, geo::feature_query const& q,
                                                                       std::string const& key);
    response download(context const& ctx, geo::collection const& c, std::vector<std::uint32_t> selection, int format,
                      std::string const& file_stem);

    std::shared_ptr<geo::snapshot const> data_;
    api_options options_;
    metrics& counters_;
    response_cache cache_;
    std::unordered_map<std::string, std::unordered_map<std::int64_t, std::uint32_t>> by_id_;  // collection -> id -> index
    std::unordered_map<std::string, std::unique_ptr<geo::tile_index>> tiles_;                  // collection -> tiler
    std::unordered_map<std::string, std::vector<std::string>> queryable_names_;               // collection -> names
    std::unordered_map<std::string, std::vector<std::string>> feature_text_;  // collection -> GeoJSON per feature, if kept
    // Appends feature i of c as GeoJSON: the kept text, or written now.
    void keep_feature_text();
    void append_feature(std::string& out, geo::collection const& c, std::uint32_t i) const;
    response_cache tile_cache_;
    std::mutex filter_mutex_;  // guards filter_cache_: filter -> allowed features, for tiles
    std::unordered_map<std::string, std::shared_ptr<std::vector<std::uint32_t> const>> filter_cache_;
};

}  // namespace server
