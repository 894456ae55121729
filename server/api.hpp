#pragma once
// The HTTP API: OGC API - Features Part 1 (landing page, OpenAPI,
// conformance, collections, queryables, items, item), plus provinces,
// statistics, tiles, downloads, health and metrics. The route table and
// the caches live here; the handlers (server/handlers/) do the work, each
// on the dataset the request started with.

#include "server/answer_cache.hpp"
#include "server/basemaps.hpp"
#include "server/handlers/handlers.hpp"
#include "server/http_types.hpp"
#include "server/live_dataset.hpp"
#include "server/metrics.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace server {

struct api_options {
    std::string public_url;  // e.g. "https://maps.example.org"; empty: from the Host header
    std::size_t cache_bytes = 256u << 20;
    std::size_t tile_cache_bytes = 256u << 20;  // 0 disables the tile cache
    bool sample_data = false;                   // serving the bundled synthetic sample
    basemap_options basemaps;                   // offered to the map page in the landing page
};

class api {
public:
    // data outlives the api; after each reload the caches drop the old version's answers.
    api(live_dataset& data, api_options options, metrics& counters);
    ~api();  // waits for a reload's call into the caches to end; none comes after
    api(api const&) = delete;
    api& operator=(api const&) = delete;

    response handle(request_view const& request);

private:
    std::optional<response> cached_tile(request_view const& request, geo::dataset const& data);
    response route(request_context const& ctx);
    response tile(request_context const& ctx, geo::collection const& c);
    std::shared_ptr<std::vector<std::uint32_t> const> allowed_features(request_context const& ctx, geo::collection const& c,
                                                                       filter_set const& filters);
    response metrics_text(request_context const& ctx);
    void drop_other_versions(geo::dataset const& now);

    live_dataset& data_;
    std::size_t swap_listener_ = 0;
    api_options options_;
    metrics& counters_;
    answer_cache answers_;
    answer_cache tiles_;
    std::mutex filter_mutex_;  // guards filter_cache_: version|collection|filters -> selected features, for tiles
    std::unordered_map<std::string, std::shared_ptr<std::vector<std::uint32_t> const>> filter_cache_;
};

}  // namespace server
