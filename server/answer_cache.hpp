#pragma once
// The one answer cache: rendered answers kept (with their gzip form) under
// a key that starts with the data version, so an answer of an older
// dataset is never served again; one ETag rule for every answer made from
// the data. Built on response_cache (bounded bytes, CLOCK eviction).

#include "server/http_types.hpp"
#include "server/response_cache.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace server {

// Strong ETag: the data version and a hash of what identifies the answer
// (its cache key), so it changes when the data does and never otherwise.
std::string make_etag(std::string_view version, std::string_view what);

class answer_cache {
public:
    enum class admission {
        repeated,  // an answer quick to make is kept from its second request (a map pan's one-off boxes do not churn it)
        always,    // every answer is kept (tiles: a map asks for the same ones again and again)
    };
    answer_cache(std::size_t max_bytes, admission admit) : cache_(max_bytes), admit_(admit) {}

    // The answer kept under key, gzipped when the client takes it and it is
    // worth it (the gzip form is made once and kept).
    std::optional<response> find(std::string const& key, bool gzip_wanted);

    // find(), or produce() and keep its answer: a cacheable 200 or 204 with
    // a body, or a streamed 200 (recorded as it goes out and kept when it
    // ends, if small enough). The answer gets make_etag(version, key).
    template <class Produce>
    response get_or_insert(std::string const& key, std::string_view version, request_view const& request, Produce&& produce) {
        if (auto hit = find(key, request.accepts_gzip)) return std::move(*hit);
        ++misses_;
        auto const started = std::chrono::steady_clock::now();
        response out = produce();
        return keep(key, version, request, std::move(out), std::chrono::steady_clock::now() - started);
    }

    // Frees the answers of every other data version (after a reload), and
    // refuses them from then on: a download of the old data that ends after
    // the swap is not kept.
    void keep_only(std::string_view version);

    std::size_t bytes() const { return cache_.bytes(); }
    std::uint64_t hits() const { return hits_; }
    std::uint64_t misses() const { return misses_; }

private:
    // The answer produced for key, kept when worth it.
    response keep(std::string const& key, std::string_view version, request_view const& request, response out,
                  std::chrono::steady_clock::duration took);
    // Keeps the entry unless it belongs to a version keep_only dropped.
    void insert(std::string const& key, std::shared_ptr<cached_response const> entry);

    response_cache cache_;
    mutable std::mutex kept_mutex_;
    std::string kept_version_;  // empty: every version (before the first reload)
    admission const admit_;
    std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace server
