#include "server/compression.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace server {

std::string gzip(std::string_view data, int level) {
    struct deleter {
        void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
    };
    thread_local std::unique_ptr<libdeflate_compressor, deleter> compressors[13];
    auto& c = compressors[level];
    if (!c) c.reset(libdeflate_alloc_compressor(level));
    std::string out(libdeflate_gzip_compress_bound(c.get(), data.size()), '\0');
    std::size_t const n = libdeflate_gzip_compress(c.get(), data.data(), data.size(), out.data(), out.size());
    out.resize(n);
    return out;
}

bool compressible(std::string_view content_type) {
    return content_type.find("json") != std::string_view::npos || content_type.find("text") != std::string_view::npos ||
           content_type.find("javascript") != std::string_view::npos || content_type.find("xml") != std::string_view::npos ||
           content_type.find("csv") != std::string_view::npos;
}

// A list of codings with optional parameters, any case, any spacing:
// "gzip, deflate, br" or "gzip;q=0.5, *;q=0".
bool accepts_gzip(std::string_view header) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    };
    auto is = [](std::string_view s, std::string_view lower) {
        return s.size() == lower.size() &&
               std::equal(s.begin(), s.end(), lower.begin(), [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
    };
    // An item's weight is above zero unless a q parameter says 0 ("q=0", "q=0.000").
    auto weighted = [&](std::string_view params) {
        while (!params.empty()) {
            std::size_t const next = params.find(';');
            std::string_view const param = trim(params.substr(0, next));
            params.remove_prefix(next == std::string_view::npos ? params.size() : next + 1);
            std::size_t const eq = param.find('=');
            if (eq == std::string_view::npos || !is(trim(param.substr(0, eq)), "q")) continue;
            std::string_view const q = trim(param.substr(eq + 1));
            return std::any_of(q.begin(), q.end(), [](char c) { return c >= '1' && c <= '9'; });
        }
        return true;
    };
    std::optional<bool> star;
    while (!header.empty()) {
        std::size_t const comma = header.find(',');
        std::string_view const item = header.substr(0, comma);
        header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
        std::size_t const semi = item.find(';');
        std::string_view const coding = trim(item.substr(0, semi));
        std::string_view const params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
        if (is(coding, "gzip")) return weighted(params);  // named: it decides
        if (coding == "*" && !star) star = weighted(params);
    }
    return star.value_or(false);
}

}  // namespace server
