#include "server/response_cache.hpp"

#include "geo/hash.hpp"

namespace server {

namespace {
std::size_t size_of(std::string const& key, cached_response const& r) {
    std::size_t size = key.size() + r.body_size() + (r.gzipped ? r.gzipped->size() : 0) + r.etag.size() +
                       r.content_type.size() + 128;
    for (auto const& [k, v] : r.headers) size += k.size() + v.size() + 64;
    return size;
}
}  // namespace

std::shared_ptr<cached_response const> response_cache::find(std::string const& key) {
    std::shared_lock lock(mutex_);
    auto const it = by_key_.find(key);
    if (it == by_key_.end()) return nullptr;
    auto const& e = *it->second;
    if (!e.referenced.load(std::memory_order_relaxed)) e.referenced.store(true, std::memory_order_relaxed);
    return e.value;
}

void response_cache::erase(ring::iterator it) {
    bytes_ -= it->size;
    by_key_.erase(it->key);
    if (hand_ == it) ++hand_;
    ring_.erase(it);
}

void response_cache::insert(std::string const& key, std::shared_ptr<cached_response const> value) {
    std::size_t const size = size_of(key, *value);
    if (size > max_entry_bytes()) return;
    if (value->body && value->body->size() >= file_threshold) {
        if (auto file = cache_file::copy_of(*value->body)) {
            auto moved = std::make_shared<cached_response>(*value);
            moved->body = nullptr;
            moved->file = std::move(file);
            value = std::move(moved);
        }
    }
    std::unique_lock lock(mutex_);
    if (auto const it = by_key_.find(key); it != by_key_.end()) erase(it->second);
    auto const added = ring_.emplace(hand_, key, std::move(value), size);
    by_key_.emplace(added->key, added);
    bytes_ += size;
    // Sweep: a marked entry loses its mark and stays another turn; an
    // unmarked one goes. Every entry is marked at most once a turn, so the
    // sweep ends.
    while (bytes_ > max_bytes_ && !ring_.empty()) {
        if (hand_ == ring_.end()) hand_ = ring_.begin();
        if (hand_->referenced.exchange(false, std::memory_order_relaxed))
            ++hand_;
        else
            erase(hand_);  // moves the hand on
    }
}

void response_cache::erase_if(std::function<bool(std::string_view key)> const& pick) {
    ring dropped;  // freed after the lock is let go: closing many cache files takes a while
    {
        std::unique_lock lock(mutex_);
        for (auto it = ring_.begin(); it != ring_.end();) {
            auto const next = std::next(it);
            if (pick(it->key)) {
                bytes_ -= it->size;
                by_key_.erase(it->key);
                if (hand_ == it) ++hand_;
                dropped.splice(dropped.end(), ring_, it);
            }
            it = next;
        }
    }
}

bool response_cache::seen_before(std::string_view key) {
    std::uint64_t const h = geo::hash_bytes(key) | 1;  // never 0, the empty slot
    return doorkeeper_[h & (doorkeeper_slots - 1)].exchange(h, std::memory_order_relaxed) == h;
}

std::size_t response_cache::bytes() const {
    std::shared_lock lock(mutex_);
    return bytes_;
}

}  // namespace server
