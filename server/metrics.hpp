#pragma once
// Counters for /metrics, in the Prometheus text format. Lock-free counters;
// safe from every thread.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace server {

class metrics {
public:
    void record(std::string_view route, unsigned status, std::uint64_t bytes, double seconds);
    void connection_opened() { ++open_connections_; ++connections_total_; }
    void connection_closed() { --open_connections_; }
    void connection_rejected() { ++connections_rejected_; }
    // The answer caches' counters and sizes as they are now (the caches
    // keep them; /metrics copies them here when asked).
    struct cache_figures {
        std::uint64_t hits = 0, misses = 0, bytes = 0;
    };
    void set_caches(cache_figures answers, cache_figures tiles) {
        cache_hits_ = answers.hits, cache_misses_ = answers.misses, cache_bytes_ = answers.bytes;
        tile_cache_hits_ = tiles.hits, tile_cache_misses_ = tiles.misses, tile_cache_bytes_ = tiles.bytes;
    }
    std::int64_t open_connections() const { return open_connections_; }

    std::string prometheus_text() const;

private:
    static constexpr std::array<double, 12> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
    static constexpr std::array<char const*, 8> routes = {"landing", "api",   "collections", "items",
                                                          "tiles",   "stats", "provinces",   "other"};
    static std::size_t route_slot(std::string_view route);

    std::array<std::array<std::atomic<std::uint64_t>, 6>, routes.size()> requests_{};  // by status class 0..5
    std::array<std::array<std::atomic<std::uint64_t>, buckets.size() + 1>, routes.size()> latency_{};
    std::array<std::atomic<std::uint64_t>, routes.size()> latency_sum_us_{};
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> connections_total_{0}, connections_rejected_{0};
    std::atomic<std::uint64_t> cache_hits_{0}, cache_misses_{0}, tile_cache_hits_{0}, tile_cache_misses_{0};
    std::atomic<std::uint64_t> cache_bytes_{0}, tile_cache_bytes_{0};
};

}  // namespace server
