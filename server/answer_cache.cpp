#include "server/answer_cache.hpp"

#include "geo/hash.hpp"
#include "server/compression.hpp"

#include <chrono>

namespace server {

std::string make_etag(std::string_view version, std::string_view what) {
    // Written by hand: snprintf took ~2,000 instructions, a tenth of a cheap tile.
    static constexpr char hex[] = "0123456789abcdef";
    std::uint64_t const h = geo::hash_bytes(what);
    std::string etag;
    etag.reserve(version.size() + 20);
    etag.append(1, '"').append(version).append(1, '-');
    for (int shift = 60; shift >= 0; shift -= 4) etag += hex[(h >> shift) & 15];
    etag += '"';
    return etag;
}

namespace {

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
std::function<bool(std::string&)> recording(std::function<bool(std::string&)> producer, std::size_t max_entry_bytes,
                                            std::function<void(std::string const&, std::shared_ptr<cached_response const>)> keep,
                                            std::string key, std::shared_ptr<cached_response> entry) {
    std::size_t const limit = std::min<std::size_t>(max_entry_bytes, 16u << 20);
    auto recorded = std::make_shared<std::string>();
    return [producer = std::move(producer), keep = std::move(keep), key = std::move(key), entry = std::move(entry), recorded,
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
            keep(key, std::move(entry));
        }
        return more;
    };
}

}  // namespace

std::optional<response> answer_cache::find(std::string const& key, bool gzip_wanted) {
    auto hit = cache_.find(key);
    if (!hit) return std::nullopt;
    if (gzip_wanted && !hit->gzipped && worth_gzip(hit->content_type, hit->body_size())) {
        auto entry = std::make_shared<cached_response>(*hit);
        entry->gzipped = std::make_shared<std::string const>(gzip(entry->body_bytes()));
        insert(key, entry);
        hit = std::move(entry);
    }
    ++hits_;
    return from_entry(std::move(hit));
}

response answer_cache::keep(std::string const& key, std::string_view version, request_view const& request, response out,
                           std::chrono::steady_clock::duration took) {
    bool const slow = took > std::chrono::milliseconds(1);
    if (!out.cacheable) return out;
    // The answer is a function of the data version and the key (only an
    // items page's timeStamp moves): the ETag says so, cached or not.
    out.etag = make_etag(version, key);
    if (out.stream) {
        if (out.status != 200 || request.method == "HEAD") return out;
        auto entry = std::make_shared<cached_response>();
        entry->content_type = out.content_type;
        entry->etag = out.etag;
        entry->headers = out.headers;
        out.stream = recording(
            std::move(out.stream), cache_.max_entry_bytes(),
            [this](std::string const& k, std::shared_ptr<cached_response const> e) { insert(k, std::move(e)); }, key, std::move(entry));
        return out;
    }
    if (out.status != 200 && out.status != 204) return out;
    if (admit_ == admission::repeated && !slow && !cache_.seen_before(key)) return out;
    auto entry = std::make_shared<cached_response>();
    entry->status = out.status;
    entry->content_type = std::move(out.content_type);
    entry->body = std::make_shared<std::string const>(std::move(out.body));
    entry->etag = std::move(out.etag);
    entry->headers = std::move(out.headers);  // e.g. an asset's own Cache-Control, a tile's X-Tile-*
    // Compressed once, when a client first asks for gzip.
    if (request.accepts_gzip && worth_gzip(entry->content_type, entry->body->size()))
        entry->gzipped = std::make_shared<std::string const>(gzip(*entry->body));
    insert(key, entry);
    return from_entry(std::move(entry));
}

namespace {
bool of_version(std::string_view key, std::string_view version) {
    return key.size() > version.size() && key.starts_with(version) && key[version.size()] == '|';
}
}  // namespace

void answer_cache::insert(std::string const& key, std::shared_ptr<cached_response const> entry) {
    auto const kept = [&] {
        std::lock_guard lock(kept_mutex_);
        return kept_version_.empty() || of_version(key, kept_version_);
    };
    if (!kept()) return;
    cache_.insert(key, std::move(entry));
    // A swap between the check and the insert: keep_only has swept
    // already, so this entry goes now.
    if (!kept()) cache_.erase_if([&key](std::string_view k) { return k == key; });
}

void answer_cache::keep_only(std::string_view version) {
    {
        std::lock_guard lock(kept_mutex_);
        kept_version_ = version;
    }
    cache_.erase_if([version](std::string_view key) { return !of_version(key, version); });
}

}  // namespace server
