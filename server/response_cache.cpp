#include "server/response_cache.hpp"

#include "geo/hash.hpp"

namespace server {

namespace {
std::size_t size_of(std::string const& key, cached_response const& r) {
    std::size_t size = key.size() + (r.body ? r.body->size() : 0) + (r.gzipped ? r.gzipped->size() : 0) + r.etag.size() +
                       r.content_type.size() + 128;
    for (auto const& [k, v] : r.headers) size += k.size() + v.size() + 64;
    return size;
}
}  // namespace

std::shared_ptr<cached_response const> response_cache::find(std::string const& key) {
    std::lock_guard lock(mutex_);
    auto const it = by_key_.find(key);
    if (it == by_key_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
}

void response_cache::insert(std::string const& key, std::shared_ptr<cached_response const> value) {
    std::size_t const size = size_of(key, *value);
    if (size > max_entry_bytes()) return;
    std::lock_guard lock(mutex_);
    if (auto const it = by_key_.find(key); it != by_key_.end()) {
        bytes_ -= size_of(it->first, *it->second->second);
        lru_.erase(it->second);
        by_key_.erase(it);
    }
    lru_.emplace_front(key, std::move(value));
    by_key_[key] = lru_.begin();
    bytes_ += size;
    while (bytes_ > max_bytes_ && !lru_.empty()) {
        auto const& last = lru_.back();
        bytes_ -= size_of(last.first, *last.second);
        by_key_.erase(last.first);
        lru_.pop_back();
    }
}

bool response_cache::seen_before(std::string_view key) {
    std::uint64_t const h = geo::hash_bytes(key) | 1;  // never 0, the empty slot
    return doorkeeper_[h & (doorkeeper_slots - 1)].exchange(h, std::memory_order_relaxed) == h;
}

std::size_t response_cache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

}  // namespace server
