#include "server/metrics.hpp"

#include "server/cache_file.hpp"

#include <sstream>

namespace server {

std::size_t metrics::route_slot(std::string_view route) {
    for (std::size_t i = 0; i < routes.size(); ++i)
        if (route == routes[i]) return i;
    return routes.size() - 1;
}

void metrics::record(std::string_view route, unsigned status, std::uint64_t bytes, double seconds) {
    std::size_t const r = route_slot(route);
    ++requests_[r][std::min<std::size_t>(status / 100, 5)];
    std::size_t b = 0;
    while (b < buckets.size() && seconds > buckets[b]) ++b;
    ++latency_[r][b];
    latency_sum_us_[r] += static_cast<std::uint64_t>(seconds * 1e6);
    bytes_ += bytes;
}

std::string metrics::prometheus_text() const {
    std::ostringstream out;
    out << "# HELP concessions_http_requests_total HTTP requests answered, by route and status class.\n"
           "# TYPE concessions_http_requests_total counter\n";
    for (std::size_t r = 0; r < routes.size(); ++r)
        for (std::size_t s = 1; s < 6; ++s)
            if (requests_[r][s])
                out << "concessions_http_requests_total{route=\"" << routes[r] << "\",status=\"" << s << "xx\"} "
                    << requests_[r][s] << "\n";
    out << "# HELP concessions_http_request_duration_seconds Time from a complete request to its response.\n"
           "# TYPE concessions_http_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r < routes.size(); ++r) {
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b <= buckets.size(); ++b) {
            cumulative += latency_[r][b];
            out << "concessions_http_request_duration_seconds_bucket{route=\"" << routes[r] << "\",le=\""
                << (b < buckets.size() ? std::to_string(buckets[b]) : std::string("+Inf")) << "\"} " << cumulative << "\n";
        }
        out << "concessions_http_request_duration_seconds_sum{route=\"" << routes[r] << "\"} "
            << static_cast<double>(latency_sum_us_[r]) / 1e6 << "\n";
        out << "concessions_http_request_duration_seconds_count{route=\"" << routes[r] << "\"} " << cumulative << "\n";
    }
    out << "# TYPE concessions_http_response_bytes_total counter\nconcessions_http_response_bytes_total " << bytes_ << "\n";
    out << "# TYPE concessions_open_connections gauge\nconcessions_open_connections " << open_connections_ << "\n";
    out << "# TYPE concessions_connections_total counter\nconcessions_connections_total " << connections_total_ << "\n";
    out << "# TYPE concessions_connections_rejected_total counter\nconcessions_connections_rejected_total "
        << connections_rejected_ << "\n";
    out << "# TYPE concessions_response_cache_hits_total counter\nconcessions_response_cache_hits_total " << cache_hits_ << "\n";
    out << "# TYPE concessions_response_cache_misses_total counter\nconcessions_response_cache_misses_total "
        << cache_misses_ << "\n";
    out << "# TYPE concessions_response_cache_bytes gauge\nconcessions_response_cache_bytes " << cache_bytes_ << "\n";
    out << "# TYPE concessions_tile_cache_hits_total counter\nconcessions_tile_cache_hits_total " << tile_cache_hits_ << "\n";
    out << "# TYPE concessions_tile_cache_misses_total counter\nconcessions_tile_cache_misses_total " << tile_cache_misses_
        << "\n";
    out << "# TYPE concessions_tile_cache_bytes gauge\nconcessions_tile_cache_bytes " << tile_cache_bytes_ << "\n";
    // Large cached answers live in cache files (sendfile), which count in
    // the caches' bytes above but not in the process's resident set.
    out << "# TYPE concessions_cache_file_bytes gauge\nconcessions_cache_file_bytes " << cache_file::open_bytes() << "\n";
    out << "# TYPE concessions_cache_files gauge\nconcessions_cache_files " << cache_file::open_files() << "\n";
    return out.str();
}

}  // namespace server
