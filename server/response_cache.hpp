#pragma once
// Rendered responses kept with their gzip form, so a cacheable response is
// built and compressed once. Bounded in bytes; keys include the data
// version, so a reload never serves stale data. Eviction is CLOCK (second
// chance), the usual approximation of least-recently-used: a hit only marks
// its entry, under a shared lock, so the serving threads never queue for
// each other on the hot path as they did when every hit reordered a list.

#include "server/cache_file.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <shared_mutex>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace server {

struct cached_response {
    unsigned status = 200;
    std::string content_type;
    // Shared with the responses sent from them: a hit copies no bytes.
    std::shared_ptr<std::string const> body;
    // Instead of body for large answers (see response_cache::insert).
    std::shared_ptr<cache_file const> file;
    std::shared_ptr<std::string const> gzipped;  // null until a client asks for gzip
    std::string etag;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Content-Disposition of a download

    std::size_t body_size() const { return body ? body->size() : file ? file->size() : 0; }
    std::string body_bytes() const { return body ? *body : file ? file->read() : std::string(); }
};

class response_cache {
public:
    explicit response_cache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    std::shared_ptr<cached_response const> find(std::string const& key);
    // Bodies of file_threshold bytes or more are moved into a cache file
    // (sent with sendfile, no copy through the process); when none can be
    // made they stay strings.
    void insert(std::string const& key, std::shared_ptr<cached_response const> value);
    static constexpr std::size_t file_threshold = 64 * 1024;
    std::size_t bytes() const;
    // Drops every entry whose key the predicate picks (a reload's old version).
    void erase_if(std::function<bool(std::string_view key)> const& pick);
    // The largest body insert() keeps: a quarter of the budget, so that one
    // response cannot crowd out the rest.
    std::size_t max_entry_bytes() const { return max_bytes_ / 4; }

    // A doorkeeper (as in TinyLFU): true when this key was offered recently.
    // Cheap answers are kept only on their second request, so a stream of
    // one-off queries (every map pan asks for a new box) does not churn the
    // cache. A small table of key hashes; a collision only admits early.
    bool seen_before(std::string_view key);

private:
    struct entry {
        entry(std::string k, std::shared_ptr<cached_response const> v, std::size_t n) : key(std::move(k)), value(std::move(v)), size(n) {}
        std::string key;
        std::shared_ptr<cached_response const> value;
        std::size_t size = 0;
        mutable std::atomic<bool> referenced{false};  // hit since the hand last passed
    };
    using ring = std::list<entry>;
    void erase(ring::iterator it);  // with the lock held exclusively

    std::size_t const max_bytes_;
    mutable std::shared_mutex mutex_;
    ring ring_;                    // the clock; new entries go just behind the hand
    ring::iterator hand_ = ring_.end();
    std::unordered_map<std::string_view, ring::iterator> by_key_;  // views of entry::key
    std::size_t bytes_ = 0;
    static constexpr std::size_t doorkeeper_slots = 1 << 16;
    std::unique_ptr<std::atomic<std::uint64_t>[]> doorkeeper_ = std::make_unique<std::atomic<std::uint64_t>[]>(doorkeeper_slots);
};

}  // namespace server
